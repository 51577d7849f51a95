/**
 * One customer across channels and identities: every event of the person (found by person id,
 * user id, anonymous id or email trait) in time order, with touchpoint labels and the events at
 * which the person entered each journey stage. Also the customer search behind the picker.
 */
import type { Journey } from '../journeys/definition.ts';
import { resolveJourney } from '../journeys/journeys.ts';
import { ruleConditionSql, stageEntriesSql, touchChannelSql, touchpointLabel } from '../journeys/stage-sql.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { ORDER_EVENT } from '../scope/scope.ts';
import { NotFoundError } from '../errors.ts';

export interface TimelineEvent {
  timestamp: string;
  messageId: string;
  type: string;
  event: string;
  channel: string;
  touchpoint: string;
  sessionId: string;
  anonymousId: string;
  userId: string;
  path: string;
  revenue: number | null;
  orderId: string;
  properties: Record<string, unknown>;
  /** The stage the person is in after this event. */
  stage: string | null;
  /** Set on the event at which the person entered a stage. */
  stage_entered?: string;
}

export interface CustomerTimeline {
  personId: string;
  userIds: string[];
  anonymousIds: string[];
  traits: Record<string, unknown>;
  journey: { id: string; name: string };
  stages: Array<{ id: string; name: string; enteredAt: string | null }>;
  totals: { events: number; orders: number; revenue: number; firstSeen: string; lastSeen: string };
  /** The latest `limit` events, oldest first. */
  events: TimelineEvent[];
  truncated: boolean;
}

export class CustomerNotFoundError extends NotFoundError {}

/** The person behind any of their ids, or behind an email trait. */
export async function findPersonId(store: Store, projectId: string, anyId: string): Promise<string | undefined> {
  const q = new QueryBuilder(store.dialect);
  const d = store.dialect;
  const p = q.str(projectId);
  const id = q.str(anyId);
  const rows = await store.query<{ person_id: string; how: number }>(
    q.build(`SELECT person_id, how FROM (
  SELECT person_id, CASE WHEN person_id = ${id} THEN 0 WHEN user_id = ${id} THEN 1 ELSE 2 END AS how FROM events
  WHERE project_id = ${p} AND (person_id = ${id} OR user_id = ${id} OR anonymous_id = ${id})
  UNION ALL
  SELECT person_id, 3 AS how FROM persons WHERE project_id = ${p} AND lower(${d.jsonString('traits', ['email'])}) = lower(${id})
) AS found ORDER BY how, person_id LIMIT 1`),
  );
  return rows[0]?.person_id;
}

export async function getCustomerTimeline(
  store: Store,
  projectId: string,
  personOrAnyId: string,
  options: { limit?: number; journeyId?: string; journey?: Journey } = {},
): Promise<CustomerTimeline> {
  const personId = await findPersonId(store, projectId, personOrAnyId);
  if (personId === undefined) throw new CustomerNotFoundError(`no customer "${personOrAnyId}"`);
  const journey = options.journey ?? (await resolveJourney(store, projectId, options.journeyId));
  const limit = Math.max(1, Math.min(options.limit ?? 500, 10_000));
  const rows = await timelineRows(store, projectId, personId, journey, limit);
  rows.reverse();
  const first = rows[rows.length - 1] ?? {};
  const events = timelineEvents(rows, journey);

  const { ids, traitRows } = await personIdsAndTraits(store, projectId, personId);
  const uniq = (xs: unknown[] | undefined) => [...new Set((xs ?? []).filter((x): x is string => typeof x === 'string' && x !== ''))].sort();

  return {
    personId,
    userIds: uniq(ids[0]?.uids),
    anonymousIds: uniq(ids[0]?.anons),
    traits: traitRows[0]?.latest ? safeJson(traitRows[0].latest) : {},
    journey: { id: journey.id, name: journey.name },
    stages: journey.stages.map((st, s) => ({
      id: st.id,
      name: st.name,
      enteredAt: first[`entered_${s}`] ? String(first[`entered_${s}`]) : null,
    })),
    totals: {
      events: Number(first.n_events ?? 0),
      orders: Number(first.n_orders ?? 0),
      revenue: Number(first.sum_revenue ?? 0),
      firstSeen: String(first.first_seen ?? ''),
      lastSeen: String(first.last_seen ?? ''),
    },
    events,
    truncated: Number(first.n_events ?? 0) > events.length,
  };
}

/**
 * The person's latest `limit` events (newest first), each with its touchpoint channel, the stage
 * the person was in, the stages it marks the entry of, and the person's stage entries and totals.
 */
async function timelineRows(
  store: Store,
  projectId: string,
  personId: string,
  journey: Journey,
  limit: number,
): Promise<Array<Record<string, unknown>>> {
  const d = store.dialect;
  const S = journey.stages.length;
  const q = new QueryBuilder(d);
  const own = `(SELECT * FROM events WHERE project_id = ${q.str(projectId)} AND person_id = ${q.str(personId)})`;
  const ent = stageEntriesSql(q, journey, own, {
    extraAggregates: [
      'count(*) AS n_events',
      `${d.countIf(`event = '${ORDER_EVENT}'`)} AS n_orders`,
      `${d.sumIf('coalesce(revenue, 0)', `event = '${ORDER_EVENT}'`)} AS sum_revenue`,
      'min(timestamp) AS first_seen',
      'max(timestamp) AS last_seen',
    ],
  });
  const stageNo = `CASE ${journey.stages
    .map((_, s) => S - 1 - s)
    .map((s) => `WHEN n.entry_${s} <= e.timestamp THEN ${s}`)
    .join(' ')} ELSE -1 END`;
  // A stage's marker goes on an event at its entry time that matches one of its rules.
  const marks = journey.stages.map(
    (st, s) =>
      `CASE WHEN e.timestamp = n.entry_${s} AND (${st.rules.map((r) => `(${ruleConditionSql(q, r, 'e.')})`).join(' OR ')}) THEN 1 ELSE 0 END AS mark_${s}`,
  );
  return store.query(
    q.build(`SELECT e.timestamp AS ts, e.message_id AS message_id, e.type AS type, e.event AS event_name, e.channel AS channel_name,
  ${touchChannelSql(q, journey.touchpoints, 'e.')} AS tp_channel, e.session_id AS session_id, e.anonymous_id AS anon_id, e.user_id AS uid,
  e.path AS path_name, e.revenue AS revenue_value, e.order_id AS order_ref, e.properties AS props, ${stageNo} AS stage_no, ${marks.join(', ')},
  ${journey.stages.map((_, s) => `n.entry_${s} AS entered_${s}`).join(', ')}, n.n_events AS n_events, n.n_orders AS n_orders, n.sum_revenue AS sum_revenue,
  n.first_seen AS first_seen, n.last_seen AS last_seen
FROM ${own} AS e JOIN (${ent}) AS n ON n.person_id = e.person_id
ORDER BY e.timestamp DESC, e.message_id DESC LIMIT ${q.num(limit)}`),
  );
}

/** Timeline events in time order; a stage's entry is marked on the first event that enters it (the furthest stage names a shared event). */
function timelineEvents(rows: Array<Record<string, unknown>>, journey: Journey): TimelineEvent[] {
  const S = journey.stages.length;
  const marked = new Set<number>();
  return rows.map((r) => {
    const s = Number(r.stage_no);
    const ev: TimelineEvent = {
      timestamp: String(r.ts),
      messageId: String(r.message_id),
      type: String(r.type),
      event: String(r.event_name),
      channel: String(r.channel_name),
      touchpoint: touchpointLabel(String(r.tp_channel), String(r.event_name)),
      sessionId: String(r.session_id),
      anonymousId: String(r.anon_id),
      userId: String(r.uid),
      path: String(r.path_name),
      revenue: r.revenue_value === null || r.revenue_value === undefined ? null : Number(r.revenue_value),
      orderId: String(r.order_ref),
      properties: safeJson(String(r.props)),
      stage: s >= 0 ? journey.stages[s]!.id : null,
    };
    for (let k = 0; k < S; k++) {
      if (Number(r[`mark_${k}`]) === 1 && !marked.has(k)) {
        marked.add(k);
        // Several stages can start on one event; the furthest one names it.
        ev.stage_entered = journey.stages[k]!.id;
      }
    }
    return ev;
  });
}

/** The person's user ids and anonymous ids, and their latest traits. */
async function personIdsAndTraits(
  store: Store,
  projectId: string,
  personId: string,
): Promise<{ ids: Array<{ uids: string[]; anons: string[] }>; traitRows: Array<{ latest: string }> }> {
  const d = store.dialect;
  const ids = await store.query<{ uids: string[]; anons: string[] }>(
    (() => {
      const q2 = new QueryBuilder(d);
      return q2.build(`SELECT ${d.arrayAgg('uid', 'uid')} AS uids, ${d.arrayAgg('aid', 'aid')} AS anons FROM (
  SELECT DISTINCT CASE WHEN user_id <> '' THEN user_id ELSE NULL END AS uid, CASE WHEN anonymous_id <> '' THEN anonymous_id ELSE NULL END AS aid
  FROM events WHERE project_id = ${q2.str(projectId)} AND person_id = ${q2.str(personId)}) AS i`);
    })(),
  );
  const traitRows = await store.query<{ latest: string }>(
    (() => {
      const q3 = new QueryBuilder(d);
      return q3.build(
        `SELECT ${d.argMax('traits', 'updated_at')} AS latest FROM persons WHERE project_id = ${q3.str(projectId)} AND person_id = ${q3.str(personId)}`,
      );
    })(),
  );
  return { ids, traitRows };
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

export interface CustomerSearchResult {
  personId: string;
  email: string;
  name: string;
  events: number;
  orders: number;
  revenue: number;
  firstSeen: string;
  lastSeen: string;
}

/** Persons whose id starts with `text`, or whose email or name trait contains it; latest seen first. */
export async function searchCustomers(store: Store, projectId: string, text: string, limit = 20): Promise<CustomerSearchResult[]> {
  const q = new QueryBuilder(store.dialect);
  const d = store.dialect;
  const p = q.str(projectId);
  const needle = q.str(text.trim().toLowerCase());
  const byTrait = `SELECT person_id FROM persons WHERE project_id = ${p} AND (position(${needle} IN lower(${d.jsonString('traits', ['email'])})) > 0 OR position(${needle} IN lower(${d.jsonString('traits', ['name'])})) > 0)`;
  const byId = `SELECT person_id FROM events WHERE project_id = ${p} AND (position(${needle} IN lower(person_id)) = 1 OR position(${needle} IN lower(user_id)) = 1 OR position(${needle} IN lower(anonymous_id)) = 1)`;
  const traits = `SELECT person_id, ${d.argMax('traits', 'updated_at')} AS latest_traits FROM persons WHERE project_id = ${p} GROUP BY person_id`;
  const rows = await store.query(
    q.build(`SELECT a.person_id AS pid, a.n_events AS n_events, a.n_orders AS n_orders, a.sum_revenue AS sum_revenue, a.first_seen AS first_seen, a.last_seen AS last_seen,
  coalesce(t.latest_traits, '{}') AS traits_json
FROM (SELECT person_id, count(*) AS n_events, ${d.countIf(`event = '${ORDER_EVENT}'`)} AS n_orders, ${d.sumIf('coalesce(revenue, 0)', `event = '${ORDER_EVENT}'`)} AS sum_revenue,
        min(timestamp) AS first_seen, max(timestamp) AS last_seen
      FROM events WHERE project_id = ${p} AND (person_id IN (${byId}) OR person_id IN (${byTrait})) GROUP BY person_id) AS a
LEFT JOIN (${traits}) AS t ON t.person_id = a.person_id
ORDER BY a.last_seen DESC, a.person_id LIMIT ${q.num(Math.max(1, Math.min(limit, 100)))}`),
  );
  return rows.map((r) => {
    const traits = safeJson(String(r.traits_json));
    return {
      personId: String(r.pid),
      email: typeof traits.email === 'string' ? traits.email : '',
      name: typeof traits.name === 'string' ? traits.name : '',
      events: Number(r.n_events),
      orders: Number(r.n_orders),
      revenue: Number(r.sum_revenue),
      firstSeen: String(r.first_seen),
      lastSeen: String(r.last_seen),
    };
  });
}
