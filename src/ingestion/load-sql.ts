/**
 * The SQL that moves one staged spool segment into the store: written once, rendered per
 * dialect. Every statement skips what is already stored (by message id), so replaying a
 * segment after a crash changes nothing.
 */
import { QueryBuilder, type Dialect, type Query } from '../store/dialect/dialect.ts';
import { DEFAULT_IDENTITY_KEYS, identityKeyIdSql, type IdentityKey, type IdentityKeyConfig } from '../projects/identity-keys.ts';
import { EVENT_COLUMNS } from '../store/schema.ts';

const visitor = `coalesce(nullif(anonymous_id, ''), user_id)`;

/**
 * Staged rows not stored yet, deduplicated within the segment too, with their session id:
 * a visitor's event starts a new session after `timeoutSeconds` of inactivity, or when it brings
 * a traffic source (source/medium/campaign) different from the last one seen (GA convention).
 * The visitor's last stored event continues its session across loads.
 *
 * `narrow` (the usual case, chosen by the loader when no two staged rows share project, message
 * id and received_at): the dedup and session windows run on the few key columns only, and the
 * wide columns (properties, context) are joined back once at the end. Carrying them through four
 * window operators made the merge about 3× more expensive on DuckDB (measured: 530 → 150 ms CPU
 * for 10k rows), CPU the loader then took from request handling.
 */
export function mergeEventsSql(d: Dialect, timeoutSeconds: number, narrow = false): string {
  const cols = EVENT_COLUMNS.map((c) => c.name);
  const w = `PARTITION BY project_id, visitor_id ORDER BY timestamp, message_id`;
  const fw = `PARTITION BY f.project_id, f.visitor_id ORDER BY f.timestamp, f.message_id`;
  const carried = narrow ? 's.project_id, s.message_id, s.received_at, s.timestamp, s.source, s.medium, s.campaign' : 's.*';
  const session = `CASE WHEN session_no = 0 THEN state_session
       ELSE concat(visitor_id, ':', ${d.toStr(`min(${d.epochMillis('timestamp')}) OVER (PARTITION BY project_id, visitor_id, session_no)`)})
  END`;
  const final = narrow
    ? `, sessions AS (
  SELECT project_id, message_id, received_at, ${session} AS session_id FROM numbered
)
SELECT ${cols.map((c) => `s.${c}`).join(', ')}, x.session_id
FROM events_staging AS s
INNER JOIN sessions AS x ON x.project_id = s.project_id AND x.message_id = s.message_id AND x.received_at = s.received_at`
    : `SELECT ${cols.join(', ')},
  ${session} AS session_id
FROM numbered`;
  return `INSERT INTO events_raw (${cols.join(', ')}, session_id)
WITH
ranked AS (
  SELECT ${carried}, ${visitor} AS visitor_id,
    CASE WHEN source NOT IN ('', '(direct)') THEN concat(source, '|', medium, '|', campaign) ELSE '' END AS traffic_key,
    row_number() OVER (PARTITION BY project_id, message_id ORDER BY received_at) AS copy_no
  FROM events_staging AS s
),
known AS (
  SELECT project_id, message_id FROM events_raw
  WHERE message_id IN (SELECT message_id FROM events_staging)
),
fresh AS (
  SELECT r.* FROM ranked AS r
  LEFT JOIN known AS k ON k.project_id = r.project_id AND k.message_id = r.message_id
  WHERE r.copy_no = 1 AND k.message_id IS NULL
),
last_state AS (
  SELECT project_id, ${visitor} AS state_visitor, max(timestamp) AS last_ts,
    ${d.argMax('session_id', 'timestamp')} AS last_session,
    ${d.argMax(`CASE WHEN source NOT IN ('', '(direct)') THEN concat(source, '|', medium, '|', campaign) ELSE NULL END`, `CASE WHEN source NOT IN ('', '(direct)') THEN timestamp ELSE NULL END`)} AS last_key
  FROM events_raw
  WHERE ${visitor} IN (SELECT visitor_id FROM fresh)
  GROUP BY project_id, ${visitor}
),
ordered AS (
  SELECT f.*, ls.last_ts AS state_ts, ls.last_session AS state_session, ls.last_key AS state_key,
    ${d.lagOver('f.timestamp', fw)} AS batch_prev_ts,
    ${d.lastNonNullOver(`nullif(f.traffic_key, '')`, `${fw} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING`)} AS batch_prev_key,
    row_number() OVER (${fw}) AS position
  FROM fresh AS f
  LEFT JOIN last_state AS ls ON ls.project_id = f.project_id AND ls.state_visitor = f.visitor_id
),
flagged AS (
  SELECT *,
    CASE
      WHEN position = 1 AND state_ts IS NULL THEN 1
      WHEN ${d.secondsBetween(`coalesce(batch_prev_ts, state_ts)`, 'timestamp')} > ${timeoutSeconds} THEN 1
      WHEN traffic_key <> '' AND traffic_key <> coalesce(batch_prev_key, nullif(state_key, ''), '') THEN 1
      ELSE 0
    END AS starts_session
  FROM ordered
),
numbered AS (
  SELECT *, sum(starts_session) OVER (${w} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session_no
  FROM flagged
)
${final}`;
}

/** Staged rows that share project, message id and received_at: the narrow merge cannot tell them apart. */
export function stagedTwinsSql(): string {
  return `SELECT count(*) AS n FROM (
  SELECT project_id, message_id, received_at FROM events_staging
  GROUP BY project_id, message_id, received_at HAVING count(*) > 1
) AS twins`;
}

/**
 * Identity keys an identify's traits carry, as the ids other sources use for the same person
 * (src/projects/identity-keys.ts: phone, email, their SHA-256 forms, or a plain id such as a
 * customer id). A call, chat or order sent with such an id joins the person who identified with
 * the key, before or after (links resolve at query time).
 */
export function identityKeyIdsSql(d: Dialect, alias = '', keys: readonly IdentityKey[] = DEFAULT_IDENTITY_KEYS): string[] {
  return keys.map((key) => identityKeyIdSql(d, key, alias));
}

/**
 * identify, alias and any message carrying both ids link an anonymous id (or old user id) to a
 * user; an identify's identity keys (identityKeyIdsSql) link those ids to the user too. `keys`:
 * the projects whose settings name their own identity keys; every other project uses the
 * defaults (then the statement is the same as with no keys at all).
 */
export function mergeIdentityLinksSql(d: Dialect, keys: IdentityKeyConfig = {}): Query | string {
  const from = `CASE WHEN type = 'alias' THEN ${d.jsonString('properties', ['previous_id'])} ELSE anonymous_id END`;
  // ---- identity keys per project (the only part that depends on project settings)
  const q = new QueryBuilder(d);
  const own = [...(keys.byProject ?? new Map<string, readonly IdentityKey[]>()).entries()];
  const keyedOf = (list: readonly IdentityKey[], projectFilter: string) =>
    identityKeyIdsSql(d, '', list).map(
      (id) =>
        `SELECT project_id, ${id} AS from_id, user_id, timestamp, message_id FROM events_staging WHERE type = 'identify' AND user_id <> ''${projectFilter}`,
    );
  const keyed = [
    ...own.flatMap(([projectId, list]) => keyedOf(list, ` AND project_id = ${q.str(projectId)}`)),
    ...keyedOf(
      DEFAULT_IDENTITY_KEYS,
      own.length > 0 ? ` AND NOT ${d.inArray('project_id', q.list(own.map(([projectId]) => projectId)))}` : '',
    ),
  ];
  // ----
  const sql = `INSERT INTO identity_links (project_id, from_id, user_id, linked_at, message_id)
SELECT c.project_id, c.from_id, c.user_id, c.linked_at, c.message_id
FROM (
  SELECT project_id, from_id, user_id, min(timestamp) AS linked_at, min(message_id) AS message_id
  FROM (
    SELECT project_id, ${from} AS from_id, user_id, timestamp, message_id FROM events_staging
    UNION ALL
    ${keyed.join(' UNION ALL ')}
  ) AS candidates
  WHERE user_id <> '' AND from_id <> '' AND from_id <> user_id
  GROUP BY project_id, from_id, user_id
) AS c
LEFT JOIN (SELECT DISTINCT project_id, from_id, user_id FROM identity_links) AS l
  ON l.project_id = c.project_id AND l.from_id = c.from_id AND l.user_id = c.user_id
WHERE l.from_id IS NULL`;
  return own.length > 0 ? q.build(sql) : sql;
}

export function mergeTraitsSql(): string {
  return `INSERT INTO person_traits (project_id, user_id, traits, updated_at, message_id)
SELECT s.project_id, s.user_id, s.properties, s.timestamp, s.message_id
FROM events_staging AS s
LEFT JOIN (SELECT project_id, message_id FROM person_traits WHERE message_id IN (SELECT message_id FROM events_staging WHERE type = 'identify')) AS k
  ON k.project_id = s.project_id AND k.message_id = s.message_id
WHERE s.type = 'identify' AND s.user_id <> '' AND k.message_id IS NULL`;
}
