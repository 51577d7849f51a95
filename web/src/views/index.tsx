/**
 * The dashboard's pages, in navigation order. Each page's path is /<id>. Each is its own chunk
 * (React.lazy), so a first visit downloads the shell and the page it opens, not every page.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface ViewDef {
  id: string;
  title: string;
  component: LazyExoticComponent<ComponentType>;
  /** Starts downloading the page's chunk (on hover of its link). */
  preload: () => Promise<unknown>;
  /** shown even when the project has no events yet */
  withoutData?: boolean;
}

function view(id: string, title: string, load: () => Promise<{ default: ComponentType }>, withoutData = false): ViewDef {
  return { id, title, component: lazy(load), preload: load, withoutData };
}

export const VIEWS: ViewDef[] = [
  view('overview', 'Overview', () => import('./Overview.tsx').then((m) => ({ default: m.Overview }))),
  view('journey', 'Journey map', () => import('./JourneyMap.tsx').then((m) => ({ default: m.JourneyMap }))),
  view('funnels', 'Funnels', () => import('./Funnels.tsx').then((m) => ({ default: m.Funnels }))),
  view('paths', 'Paths', () => import('./Paths.tsx').then((m) => ({ default: m.Paths }))),
  view('retention', 'Retention', () => import('./Retention.tsx').then((m) => ({ default: m.Retention }))),
  view('attribution', 'Attribution & ROI', () => import('./Attribution.tsx').then((m) => ({ default: m.Attribution }))),
  view('feedback', 'Feedback', () => import('./Feedback.tsx').then((m) => ({ default: m.Feedback }))),
  view('predictions', 'Predictions', () => import('./Predictions.tsx').then((m) => ({ default: m.Predictions }))),
  view('personas', 'Personas', () => import('./Personas.tsx').then((m) => ({ default: m.Personas }))),
  view('uplift', 'Uplift', () => import('./Uplift.tsx').then((m) => ({ default: m.Uplift }))),
  view('audiences', 'Audiences', () => import('./Audiences.tsx').then((m) => ({ default: m.Audiences }))),
  view('anomalies', 'Anomalies', () => import('./Anomalies.tsx').then((m) => ({ default: m.Anomalies }))),
  view('budget', 'Budget', () => import('./Budget.tsx').then((m) => ({ default: m.Budget }))),
  view('customer', 'Customer', () => import('./Customer.tsx').then((m) => ({ default: m.Customer }))),
  view('initiatives', 'Initiatives', () => import('./Initiatives.tsx').then((m) => ({ default: m.Initiatives }))),
  view('experiments', 'Experiments', () => import('./Experiments.tsx').then((m) => ({ default: m.Experiments }))),
  view('settings', 'Settings', () => import('./Settings.tsx').then((m) => ({ default: m.Settings })), true),
];
