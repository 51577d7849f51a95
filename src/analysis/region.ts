/**
 * A person's region, read one way everywhere (KPI series by region, initiatives' control regions):
 * 1. the latest non-empty `context.location.region` of their events, else
 * 2. the latest non-empty `properties.region` of their (non-identify) events, else
 * 3. their `region` trait (the latest identify that sent one), else 'Unknown'.
 * Events are where a region arrives with every hit (a tracker's geo lookup, a store's order); the
 * trait is what the person once declared.
 */
import type { QueryBuilder } from '../store/dialect/dialect.ts';

export const UNKNOWN_REGION = 'Unknown';

/**
 * SELECT person_id, region — one row per person of the project with any event before `until`.
 * `project` is the project id as a parameter expression already made with `q.str`, so a caller
 * that has one does not register a second.
 */
export function personRegionSql(q: QueryBuilder, project: string, until?: Date): string {
  const d = q.d;
  const ctx = d.jsonString('context', ['location', 'region']);
  const prop = `CASE WHEN type <> 'identify' THEN ${d.jsonString('properties', ['region'])} ELSE '' END`;
  const trait = `CASE WHEN type = 'identify' THEN ${d.jsonString('properties', ['region'])} ELSE '' END`;
  // Latest non-empty value of each source: NULLs are skipped by argMax on both engines.
  const latest = (expr: string) =>
    d.argMax(`CASE WHEN ${expr} <> '' THEN ${expr} ELSE NULL END`, `CASE WHEN ${expr} <> '' THEN timestamp ELSE NULL END`);
  const where = [`project_id = ${project}`, 'is_bot = 0', ...(until ? [`timestamp < ${q.time(until)}`] : [])];
  return `SELECT person_id, coalesce(nullif(ctx_region, ''), nullif(prop_region, ''), nullif(trait_region, ''), '${UNKNOWN_REGION}') AS region
FROM (SELECT person_id, ${latest(ctx)} AS ctx_region, ${latest(prop)} AS prop_region, ${latest(trait)} AS trait_region FROM events WHERE ${where.join(' AND ')} GROUP BY person_id) AS pr`;
}
