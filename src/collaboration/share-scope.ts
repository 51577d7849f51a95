/**
 * What a shared link may read: the API requests of the one dashboard view it was made for, and
 * nothing else. A link to the funnel view reads funnels; it cannot list customers, run the SQL
 * console or open another report. The view is the first segment of the link's path
 * ("/funnels?…" → funnels); a path that names no view reads only what every page's frame needs.
 *
 * Person-level reads (drill-down lists, customer timelines, audience members) are left out of
 * every view's scope: a link shows a view's figures, not the persons behind them. The Customer
 * view is therefore not shareable beyond its frame.
 */

/** Reads every view's frame makes: project info, persona names for the filter, event names, chart annotations. */
const FRAME = [
  'GET /api/v1/project/info',
  'GET /api/v1/personas',
  'GET /api/v1/events/names',
  'GET /api/v1/vocabulary/events',
  'GET /api/v1/chart-annotations',
];

/** Per view (its dashboard path's first segment): method and path patterns, `:x` matching one segment. */
export const VIEW_SCOPES: Record<string, string[]> = {
  overview: ['POST /api/v1/kpis', 'POST /api/v1/kpis/series', 'GET /api/v1/annotations'],
  journey: ['GET /api/v1/journeys', 'GET /api/v1/journeys/:id', 'POST /api/v1/journeys/map'],
  funnels: ['POST /api/v1/funnels', 'POST /api/v1/funnels/drivers'],
  paths: ['POST /api/v1/paths'],
  retention: ['POST /api/v1/retention'],
  attribution: ['POST /api/v1/attribution', 'POST /api/v1/attribution/compare', 'POST /api/v1/roi', 'POST /api/v1/roi/marginal'],
  feedback: ['POST /api/v1/feedback'],
  predictions: ['POST /api/v1/predictions/clv', 'POST /api/v1/predictions/propensity'],
  personas: ['POST /api/v1/personas/discover'],
  uplift: ['GET /api/v1/experiments/discovered', 'POST /api/v1/uplift'],
  anomalies: ['POST /api/v1/anomalies', 'GET /api/v1/anomalies/alerts'],
  budget: ['POST /api/v1/mmm', 'POST /api/v1/budget', 'POST /api/v1/roi/reconcile', 'POST /api/v1/mmm/controls'],
  initiatives: ['GET /api/v1/initiatives', 'GET /api/v1/initiatives/:id', 'GET /api/v1/initiatives/:id/report', 'GET /api/v1/annotations'],
  experiments: [
    'GET /api/v1/experiments',
    'GET /api/v1/experiments/discovered',
    'GET /api/v1/experiments/:id',
    'GET /api/v1/experiments/:id/report',
  ],
};
/** Older paths and plural spellings of the same views. */
const ALIASES: Record<string, string> = { journeys: 'journey', kpis: 'overview', '': 'overview' };

export function viewOfSharePath(path: string): string | undefined {
  const first = path.split(/[?#]/)[0]!.split('/')[1] ?? '';
  const view = ALIASES[first] ?? first;
  return VIEW_SCOPES[view] ? view : undefined;
}

function matches(pattern: string, method: string, path: string): boolean {
  const [m, p] = pattern.split(' ') as [string, string];
  if (m !== method) return false;
  const want = p.split('/');
  const got = path.split('/');
  return want.length === got.length && want.every((seg, i) => seg.startsWith(':') || seg === got[i]);
}

/** Whether a link made for the view at `sharePath` may make this request (method, URL with or without query). */
export function shareAllows(sharePath: string, method: string, url: string): boolean {
  const path = url.split('?')[0]!.replace(/\/+$/, '');
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const view = viewOfSharePath(sharePath);
  return [...FRAME, ...(view ? VIEW_SCOPES[view]! : [])].some((p) => matches(p, verb, path));
}
