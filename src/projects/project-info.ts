/** A project's data at a glance: its range and channels (the dashboard's filters; event names come from journeys/vocabulary.ts). */
import { defaultRange } from '../scope/defaults.ts';
import { projectDataRange } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';

export interface ProjectInfo {
  /** First and last day with (non-bot) events, UTC; null without events. */
  dataRange: { first: string; last: string; events: number } | null;
  /**
   * The period a request without from/to covers ('recent', scope/defaults.ts), as the days the
   * dashboard's date inputs show (both inclusive), so screen, API and CLI start on the same numbers.
   */
  defaultPeriod: { from: string; to: string } | null;
  /** Channels busiest first. */
  channels: string[];
}

export async function projectInfo(store: Store, projectId: string): Promise<ProjectInfo> {
  const q = new QueryBuilder(store.dialect);
  const rows = await store.query<{ channel: string; n: number; first_ts: string | null; last_ts: string | null }>(
    q.build(`SELECT channel, count(*) AS n, min(timestamp) AS first_ts, max(timestamp) AS last_ts FROM events_raw
WHERE project_id = ${q.str(projectId)} AND is_bot = 0 GROUP BY channel`),
  );
  const events = rows.reduce((s, r) => s + Number(r.n), 0);
  const firsts = rows
    .map((r) => r.first_ts)
    .filter((t): t is string => !!t)
    .map((t) => Date.parse(t));
  const lasts = rows
    .map((r) => r.last_ts)
    .filter((t): t is string => !!t)
    .map((t) => Date.parse(t));
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const data = await projectDataRange(store, projectId);
  const period = data ? defaultRange('recent', data) : null;
  return {
    defaultPeriod: period ? { from: day(period.from.getTime()), to: day(period.to.getTime() - 1) } : null,
    dataRange: events > 0 && firsts.length ? { first: day(Math.min(...firsts)), last: day(Math.max(...lasts)), events } : null,
    channels: rows
      .filter((r) => r.channel !== '')
      .sort((a, b) => Number(b.n) - Number(a.n) || a.channel.localeCompare(b.channel))
      .map((r) => r.channel),
  };
}
