/** The dashboard's pages, in navigation order. Each page's path is /<id>. */
import type { ComponentType } from 'react';
import { Overview } from './Overview.tsx';
import { Settings } from './Settings.tsx';
import { Pending } from './Pending.tsx';

export interface ViewDef {
  id: string;
  title: string;
  component: ComponentType;
  /** shown even when the project has no events yet */
  withoutData?: boolean;
}

export const VIEWS: ViewDef[] = [
  { id: 'overview', title: 'Overview', component: Overview },
  { id: 'journey', title: 'Journey map', component: Pending },
  { id: 'funnels', title: 'Funnels', component: Pending },
  { id: 'paths', title: 'Paths', component: Pending },
  { id: 'retention', title: 'Retention', component: Pending },
  { id: 'attribution', title: 'Attribution & ROI', component: Pending },
  { id: 'customer', title: 'Customer', component: Pending },
  { id: 'initiatives', title: 'Initiatives', component: Pending },
  { id: 'experiments', title: 'Experiments', component: Pending },
  { id: 'settings', title: 'Settings', component: Settings, withoutData: true },
];
