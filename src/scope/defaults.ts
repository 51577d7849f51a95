/**
 * The defaults every surface shares (API, CLI and dashboard), so the same question gives the same
 * number everywhere. A request without `from`/`to` covers the analysis's default period, which
 * ends just after the project's last event (not "now": a project whose data stopped last month
 * still shows its data):
 * - `recent`: the last 30 days of data (everyday analyses: KPIs, funnels, paths, journey map …);
 * - `all`: the whole data range (models that need history: CLV, MMM, retention cohorts, propensity).
 */
export type DefaultPeriod = 'recent' | 'all';

export const RECENT_PERIOD_DAYS = 30;
/** Funnel conversion window when none is given: a week, as on the dashboard. */
export const DEFAULT_FUNNEL_WINDOW_SECONDS = 7 * 86400;

const DAY_MS = 86400000;

/** The default [from, to) for a project whose events span [first, last]. */
export function defaultRange(period: DefaultPeriod, data: { from: Date; to: Date }): { from: Date; to: Date } {
  if (period === 'all') return data;
  // The last day with data and the 29 whole UTC days before it: daily charts get 30 bars and no
  // partial first day.
  const lastDay = Math.floor((data.to.getTime() - 1) / DAY_MS) * DAY_MS;
  const start = new Date(lastDay - (RECENT_PERIOD_DAYS - 1) * DAY_MS);
  return { from: start < data.from ? data.from : start, to: data.to };
}
