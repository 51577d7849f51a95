/** The dashboard's pages, in navigation order. Each page's path is /<id>. */
import type { ComponentType } from 'react';
import { Overview } from './Overview.tsx';
import { Settings } from './Settings.tsx';
import { JourneyMap } from './JourneyMap.tsx';
import { Funnels } from './Funnels.tsx';
import { Paths } from './Paths.tsx';
import { Retention } from './Retention.tsx';
import { Attribution } from './Attribution.tsx';
import { Customer } from './Customer.tsx';
import { Initiatives } from './Initiatives.tsx';
import { Experiments } from './Experiments.tsx';

export interface ViewDef {
  id: string;
  title: string;
  component: ComponentType;
  /** shown even when the project has no events yet */
  withoutData?: boolean;
}

export const VIEWS: ViewDef[] = [
  { id: 'overview', title: 'Overview', component: Overview },
  { id: 'journey', title: 'Journey map', component: JourneyMap },
  { id: 'funnels', title: 'Funnels', component: Funnels },
  { id: 'paths', title: 'Paths', component: Paths },
  { id: 'retention', title: 'Retention', component: Retention },
  { id: 'attribution', title: 'Attribution & ROI', component: Attribution },
  { id: 'customer', title: 'Customer', component: Customer },
  { id: 'initiatives', title: 'Initiatives', component: Initiatives },
  { id: 'experiments', title: 'Experiments', component: Experiments },
  { id: 'settings', title: 'Settings', component: Settings, withoutData: true },
];
