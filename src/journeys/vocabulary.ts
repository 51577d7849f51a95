/**
 * What a project's events are made of, for building stage and persona rules from the project's
 * own vocabulary (the journey editor): event names with counts, the property keys of an event
 * with counts, and live counts of what a draft journey or a single rule would match.
 */
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { type AnalysisScope, scopedEvents } from '../scope/scope.ts';
import { type Journey, type StageRule, stageRuleSchema } from './definition.ts';
import { ruleConditionSql, stageEntriesSql } from './stage-sql.ts';

/** A scope over the whole stored range unless dates are given. */
export interface VocabularyScope {
  projectId: string;
  from?: Date;
  to?: Date;
}

function events(q: QueryBuilder, s: VocabularyScope, extraWhere: string[] = []): string {
  const scope: AnalysisScope = { projectId: s.projectId, from: s.from ?? new Date(0), to: s.to ?? new Date(Date.UTC(2200, 0, 1)) };
  return scopedEvents(q, scope, { extraWhere });
}

export interface EventName {
  event: string;
  type: string;
  events: number;
  persons: number;
  lastSeen: string;
}

export async function eventNames(store: Store, s: VocabularyScope, limit = 500): Promise<EventName[]> {
  const q = new QueryBuilder(store.dialect);
  const rows = await store.query(
    q.build(`SELECT event, min(type) AS type, count(*) AS n, ${store.dialect.countDistinct('person_id')} AS persons, max(timestamp) AS last_seen
FROM ${events(q, s)} AS e GROUP BY event ORDER BY n DESC, event LIMIT ${q.num(limit)}`),
  );
  return rows.map((r) => ({
    event: String(r.event),
    type: String(r.type),
    events: Number(r.n),
    persons: Number(r.persons),
    lastSeen: String(r.last_seen),
  }));
}

export interface PropertyKey {
  key: string;
  /** Events (of the event name, when given) carrying the key with a non-empty value: exact. */
  events: number;
  /** Most frequent values, for picking a rule's value. */
  topValues: Array<{ value: string; events: number }>;
}

/**
 * Property keys: discovered from the latest `sample` events (keys are JSON object keys, and a
 * portable key listing would scan every row), then counted exactly over the range.
 */
export async function propertyKeys(
  store: Store,
  s: VocabularyScope,
  event?: string,
  sample = 2000,
  limit = 50,
): Promise<{ event: string | null; sampled: number; keys: PropertyKey[] }> {
  const d = store.dialect;
  const q = new QueryBuilder(d);
  const where = event !== undefined ? [`event = ${q.str(event)}`] : [];
  const rows = await store.query(
    q.build(`SELECT properties FROM ${events(q, s, where)} AS e ORDER BY timestamp DESC LIMIT ${q.num(sample)}`),
  );
  const seen = new Map<string, number>();
  for (const r of rows) {
    let obj: unknown;
    try {
      obj = typeof r.properties === 'string' ? JSON.parse(r.properties) : r.properties;
    } catch {
      continue;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) continue;
    for (const [k, v] of Object.entries(obj)) if (v !== null && typeof v !== 'object') seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const keys = [...seen.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([k]) => k);
  if (keys.length === 0) return { event: event ?? null, sampled: rows.length, keys: [] };
  const q2 = new QueryBuilder(d);
  const where2 = event !== undefined ? [`event = ${q2.str(event)}`] : [];
  const counts = await store.query(
    q2.build(
      `SELECT ${keys.map((k, i) => `${d.countIf(`${d.jsonString('properties', [k])} <> ''`)} AS k${i}`).join(', ')} FROM ${events(q2, s, where2)} AS e`,
    ),
  );
  const out: PropertyKey[] = [];
  for (const [i, k] of keys.entries()) {
    const q3 = new QueryBuilder(d);
    const where3 = [...(event !== undefined ? [`event = ${q3.str(event)}`] : []), `${d.jsonString('properties', [k])} <> ''`];
    const vals = await store.query(
      q3.build(
        `SELECT ${d.jsonString('properties', [k])} AS v, count(*) AS n FROM ${events(q3, s, where3)} AS e GROUP BY v ORDER BY n DESC, v LIMIT 10`,
      ),
    );
    out.push({
      key: k,
      events: Number(counts[0]?.[`k${i}`] ?? 0),
      topValues: vals.map((v) => ({ value: String(v.v), events: Number(v.n) })),
    });
  }
  return { event: event ?? null, sampled: rows.length, keys: out.sort((a, b) => b.events - a.events || a.key.localeCompare(b.key)) };
}

/** Persons and events a single rule matches (ignoring minOccurrence and after, which need a journey). */
export async function previewRule(store: Store, s: VocabularyScope, input: unknown): Promise<{ persons: number; events: number }> {
  const rule: StageRule = stageRuleSchema.parse(input);
  const q = new QueryBuilder(store.dialect);
  const [r] = await store.query(
    q.build(
      `SELECT count(*) AS n, ${store.dialect.countDistinct('person_id')} AS persons FROM ${events(q, s, [ruleConditionSql(q, rule)])} AS e`,
    ),
  );
  return { persons: Number(r?.persons ?? 0), events: Number(r?.n ?? 0) };
}

/** Persons entering each stage of a draft journey, as the journey map would count them. */
export async function previewJourney(
  store: Store,
  s: VocabularyScope,
  journey: Journey,
): Promise<{ persons: number; stages: Array<{ id: string; entered: number }> }> {
  const d = store.dialect;
  const q = new QueryBuilder(d);
  const ent = stageEntriesSql(q, journey, events(q, s));
  const [r] = await store.query(
    q.build(
      `SELECT count(*) AS persons, ${journey.stages.map((_, i) => `${d.countIf(`entry_${i} IS NOT NULL`)} AS e${i}`).join(', ')} FROM (${ent}) AS p`,
    ),
  );
  return { persons: Number(r?.persons ?? 0), stages: journey.stages.map((st, i) => ({ id: st.id, entered: Number(r?.[`e${i}`] ?? 0) })) };
}
