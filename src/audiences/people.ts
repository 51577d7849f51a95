/**
 * The people behind a number (drill-down): a page of an audience's members with their traits,
 * current journey stage, last activity and lifetime orders and revenue, and the same list as
 * CSV. Members come from `audienceMembersSql`, so the list has exactly as many persons as the
 * number it was opened from; everything here is computed in the database.
 */
import { resolveJourney } from '../journeys/journeys.ts';
import { stageEntriesSql } from '../journeys/stage-sql.ts';
import { ORDER_EVENT } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import type { AudienceSource } from './definition.ts';
import { audienceMembersSql } from './members.ts';
import { predictedClv } from '../predictions/person-clv.ts';

export interface PersonRow {
  personId: string;
  email: string;
  name: string;
  traits: Record<string, unknown>;
  /** The furthest stage entered in the project's default journey ('' when none). */
  stage: string;
  firstSeen: string | null;
  lastSeen: string | null;
  orders: number;
  revenue: number;
  /** Predicted lifetime value over the next year (as `predict clv`); null for persons who never bought. */
  clv: number | null;
  /** Where the dashboard shows this person's timeline. */
  timeline: string;
}

export interface PeoplePage {
  total: number;
  offset: number;
  limit: number;
  people: PersonRow[];
}

function parseTraits(text: unknown): Record<string, unknown> {
  try {
    const v = JSON.parse(String(text ?? '{}'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Members in order of last activity (most recent first), with their lifetime activity. */
async function memberRows(
  store: Store,
  projectId: string,
  source: AudienceSource,
  offset: number,
  limit: number,
): Promise<{ total: number; rows: Record<string, unknown>[] }> {
  const q = new QueryBuilder(store.dialect);
  const d = store.dialect;
  const p = q.str(projectId);
  const members = await audienceMembersSql(store, q, projectId, source);
  const activity = `SELECT person_id AS a_person, min(timestamp) AS first_seen, max(timestamp) AS last_seen,
  ${d.countIf(`event = '${ORDER_EVENT}'`)} AS n_orders, ${d.sumIf('coalesce(revenue, 0)', `event = '${ORDER_EVENT}'`)} AS sum_revenue
FROM events WHERE project_id = ${p} AND person_id IN (SELECT person_id FROM (${members}) AS m1) GROUP BY person_id`;
  const traits = `SELECT person_id AS t_person, ${d.argMax('traits', 'updated_at')} AS latest_traits FROM persons
WHERE project_id = ${p} AND person_id IN (SELECT person_id FROM (${members}) AS m2) GROUP BY person_id`;
  const rows = await store.query<Record<string, unknown>>(
    q.build(`SELECT m.person_id AS pid, count(*) OVER () AS total, a.first_seen AS first_seen, a.last_seen AS last_seen, coalesce(a.n_orders, 0) AS n_orders,
  coalesce(a.sum_revenue, 0) AS sum_revenue, coalesce(t.latest_traits, '{}') AS traits_json
FROM (${members}) AS m LEFT JOIN (${activity}) AS a ON a.a_person = m.person_id LEFT JOIN (${traits}) AS t ON t.t_person = m.person_id
ORDER BY a.last_seen DESC, m.person_id LIMIT ${q.num(limit)} OFFSET ${q.num(offset)}`),
  );
  let total = rows.length ? Number(rows[0]!.total) : 0;
  if (!rows.length && offset > 0) {
    const q2 = new QueryBuilder(store.dialect);
    const [c] = await store.query<{ n: number }>(
      q2.build(`SELECT count(*) AS n FROM (${await audienceMembersSql(store, q2, projectId, source)}) AS m`),
    );
    total = Number(c?.n ?? 0);
  }
  return { total, rows };
}

/** The furthest stage each of `ids` entered in the project's default journey. */
async function stagesOf(store: Store, projectId: string, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const journey = await resolveJourney(store, projectId);
  const q = new QueryBuilder(store.dialect);
  const events = `(SELECT * FROM events WHERE project_id = ${q.str(projectId)} AND ${q.d.inArray('person_id', q.list(ids))})`;
  const S = journey.stages.length;
  const furthest = `CASE ${journey.stages
    .map((_, k) => S - 1 - k)
    .map((k) => `WHEN n.entry_${k} IS NOT NULL THEN ${q.num(k)}`)
    .join(' ')} ELSE -1 END`;
  const rows = await store.query<{ person_id: string; stage_no: number }>(
    q.build(`SELECT n.person_id AS person_id, ${furthest} AS stage_no FROM (${stageEntriesSql(q, journey, events)}) AS n`),
  );
  return new Map(rows.filter((r) => Number(r.stage_no) >= 0).map((r) => [String(r.person_id), journey.stages[Number(r.stage_no)]!.name]));
}

export async function listPeople(
  store: Store,
  projectId: string,
  source: AudienceSource,
  options: { offset?: number; limit?: number } = {},
): Promise<PeoplePage> {
  const offset = Math.max(0, options.offset ?? 0);
  const limit = Math.min(Math.max(1, options.limit ?? 50), 10_000);
  const { total, rows } = await memberRows(store, projectId, source, offset, limit);
  const ids = rows.map((r) => String(r.pid));
  const [stages, clv] = await Promise.all([stagesOf(store, projectId, ids), predictedClv(store, projectId, ids)]);
  return {
    total,
    offset,
    limit,
    people: rows.map((r) => {
      const traits = parseTraits(r.traits_json);
      const personId = String(r.pid);
      return {
        personId,
        email: typeof traits.email === 'string' ? traits.email : '',
        name: typeof traits.name === 'string' ? traits.name : '',
        traits,
        stage: stages.get(personId) ?? '',
        firstSeen: r.first_seen == null ? null : String(r.first_seen),
        lastSeen: r.last_seen == null ? null : String(r.last_seen),
        orders: Number(r.n_orders),
        revenue: Number(r.sum_revenue),
        clv: clv.get(personId) ?? null,
        timeline: `/customer?person=${encodeURIComponent(personId)}`,
      };
    }),
  };
}

const CSV_LIMIT = 100_000;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The whole list (up to 100,000 persons) as CSV, one row per person. */
export async function peopleCsv(store: Store, projectId: string, source: AudienceSource): Promise<string> {
  const page = await listPeople(store, projectId, source, { limit: CSV_LIMIT });
  const header = ['person_id', 'email', 'name', 'stage', 'first_seen', 'last_seen', 'orders', 'revenue', 'predicted_clv'];
  const lines = page.people.map((p) =>
    [p.personId, p.email, p.name, p.stage, p.firstSeen, p.lastSeen, p.orders, p.revenue, p.clv === null ? '' : p.clv.toFixed(2)]
      .map(csvCell)
      .join(','),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
}
