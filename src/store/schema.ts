/**
 * Tables and views, defined once and rendered by each dialect. Migrations are numbered and
 * append-only: a store records the versions it applied in `schema_migrations`.
 */
import type { ColumnSpec, Dialect, TableSpec } from './dialect/dialect.ts';
import { AUDIENCE_CHANGES, WEBHOOK_DELIVERIES } from '../audiences/tables.ts';

/** Columns of an ingested event, in the order the spool writes them (a tuple, so the row type follows it). */
export const EVENT_COLUMN_TUPLE = [
  { name: 'project_id', type: 'String' },
  { name: 'message_id', type: 'String' },
  { name: 'type', type: 'String' },
  { name: 'event', type: 'String' },
  { name: 'anonymous_id', type: 'String' },
  { name: 'user_id', type: 'String' },
  { name: 'timestamp', type: 'DateTime' },
  { name: 'received_at', type: 'DateTime' },
  { name: 'channel', type: 'String' },
  { name: 'source', type: 'String' },
  { name: 'medium', type: 'String' },
  { name: 'campaign', type: 'String' },
  { name: 'term', type: 'String' },
  { name: 'content', type: 'String' },
  { name: 'click_id', type: 'String' },
  { name: 'referrer', type: 'String' },
  { name: 'url', type: 'String' },
  { name: 'path', type: 'String' },
  { name: 'revenue', type: 'NullableFloat64' },
  { name: 'currency', type: 'String' },
  { name: 'order_id', type: 'String' },
  { name: 'browser', type: 'String' },
  { name: 'os', type: 'String' },
  { name: 'device_type', type: 'String' },
  { name: 'is_bot', type: 'Int64' },
  { name: 'properties', type: 'JSON' },
  { name: 'context', type: 'JSON' },
] as const satisfies readonly ColumnSpec[];
export const EVENT_COLUMNS: ColumnSpec[] = [...EVENT_COLUMN_TUPLE];

export const EVENTS_RAW: TableSpec = {
  name: 'events_raw',
  columns: [...EVENT_COLUMNS, { name: 'session_id', type: 'String' }],
  orderBy: ['project_id', 'toDate(timestamp)', 'anonymous_id', 'timestamp'],
  partitionBy: 'toYYYYMM(timestamp)',
  shardBy: 'anonymous_id',
};

/** Where a load step puts the rows of one spool segment before they are merged into events_raw. */
export const EVENTS_STAGING: TableSpec = {
  name: 'events_staging',
  columns: EVENT_COLUMNS,
  orderBy: ['project_id', 'message_id'],
};

export const IDENTITY_LINKS: TableSpec = {
  name: 'identity_links',
  columns: [
    { name: 'project_id', type: 'String' },
    { name: 'from_id', type: 'String' },
    { name: 'user_id', type: 'String' },
    { name: 'linked_at', type: 'DateTime' },
    { name: 'message_id', type: 'String' },
  ],
  orderBy: ['project_id', 'from_id', 'linked_at'],
  shardBy: 'from_id',
};

export const PERSON_TRAITS: TableSpec = {
  name: 'person_traits',
  columns: [
    { name: 'project_id', type: 'String' },
    { name: 'user_id', type: 'String' },
    { name: 'traits', type: 'JSON' },
    { name: 'updated_at', type: 'DateTime' },
    { name: 'message_id', type: 'String' },
  ],
  orderBy: ['project_id', 'user_id', 'updated_at'],
  shardBy: 'user_id',
};

export const AD_SPEND: TableSpec = {
  name: 'ad_spend',
  columns: [
    { name: 'project_id', type: 'String' },
    { name: 'date', type: 'DateTime' },
    { name: 'channel', type: 'String' },
    { name: 'source', type: 'String' },
    { name: 'campaign', type: 'String' },
    { name: 'keyword', type: 'String' },
    { name: 'cost', type: 'Float64' },
    { name: 'currency', type: 'String' },
    { name: 'cost_reporting', type: 'Float64' },
    { name: 'impressions', type: 'Int64' },
    { name: 'clicks', type: 'Int64' },
    { name: 'import_id', type: 'String' },
  ],
  orderBy: ['project_id', 'date', 'channel', 'campaign'],
};

/**
 * Small mutable records (projects, journeys, personas, initiatives, experiments, users) as
 * versioned JSON documents: the newest version of (kind, project, id) wins. This works the same
 * on an append-only ClickHouse table and on DuckDB.
 */
export const DOCUMENTS: TableSpec = {
  name: 'documents',
  columns: [
    { name: 'kind', type: 'String' },
    { name: 'project_id', type: 'String' },
    { name: 'id', type: 'String' },
    { name: 'body', type: 'JSON' },
    { name: 'version', type: 'Int64' },
    { name: 'deleted', type: 'Int64' },
  ],
  orderBy: ['kind', 'project_id', 'id'],
  engine: { kind: 'ReplacingMergeTree', version: 'version' },
};

export const MIGRATIONS_TABLE: TableSpec = {
  name: 'schema_migrations',
  columns: [
    { name: 'version', type: 'Int64' },
    { name: 'name', type: 'String' },
    { name: 'applied_at', type: 'DateTime' },
  ],
  orderBy: ['version'],
};

/**
 * person_map: every anonymous id or user id that was linked (identify, alias) → its person.
 * The earliest link of an id wins; one more hop follows a user id that was itself aliased.
 */
function personMapView(d: Dialect): string {
  const firstLinks = `SELECT project_id, from_id, ${d.argMin('user_id', 'linked_at')} AS first_user_id FROM identity_links GROUP BY project_id, from_id`;
  return `SELECT l1.project_id AS project_id, l1.from_id AS id, coalesce(l2.first_user_id, l1.first_user_id) AS person_id
FROM (${firstLinks}) AS l1 LEFT JOIN (${firstLinks}) AS l2 ON l2.project_id = l1.project_id AND l2.from_id = l1.first_user_id`;
}

/** The public events view: what `waymark sql` users and every analysis read. */
function eventsView(): string {
  const passthrough = EVENTS_RAW.columns
    .map((c) => c.name)
    .filter((n) => n !== 'referrer')
    .map((n) => `e.${n} AS ${n}`)
    .join(', ');
  // Identity is resolved at query time, so events sent before identify belong to the person too.
  // One lookup per row: the user id when there is one, else the anonymous id; the person is that
  // id's mapping, or the id itself.
  return `SELECT ${passthrough}, e.referrer AS referrer,
  coalesce(pm.person_id, nullif(CASE WHEN e.user_id <> '' THEN e.user_id ELSE e.anonymous_id END, ''), e.message_id) AS person_id
FROM events_raw AS e
LEFT JOIN person_map AS pm ON pm.project_id = e.project_id AND pm.id = (CASE WHEN e.user_id <> '' THEN e.user_id ELSE e.anonymous_id END)`;
}

/**
 * persons: one row per identified user with their traits merged per key — each key's latest value
 * (by the identify's time), so a later identify updates the keys it sends and keeps the rest.
 */
function personsView(d: Dialect): string {
  const e = d.jsonEntries('person_traits', 'pt', 'traits');
  const entries = `SELECT pt.project_id AS project_id, pt.user_id AS user_id, pt.updated_at AS updated_at, ${e.key} AS trait_key, ${e.value} AS trait_value FROM ${e.from} WHERE pt.traits LIKE '{%'`;
  const latest = `SELECT project_id, user_id, trait_key, ${d.argMax('trait_value', 'updated_at')} AS trait_value FROM (${entries}) AS en GROUP BY project_id, user_id, trait_key`;
  const merged = `SELECT project_id AS g_project, user_id AS g_user, ${d.jsonObjectAgg('trait_key', 'trait_value')} AS merged_traits FROM (${latest}) AS lt GROUP BY project_id, user_id`;
  return `SELECT t.project_id AS project_id, coalesce(m.person_id, t.user_id) AS person_id, t.user_id AS user_id,
  CASE WHEN g.merged_traits IS NULL OR g.merged_traits = '' THEN '{}' ELSE g.merged_traits END AS traits, t.last_updated_at AS updated_at
FROM (SELECT project_id, user_id, max(updated_at) AS last_updated_at FROM person_traits GROUP BY project_id, user_id) AS t
LEFT JOIN (${merged}) AS g ON g.g_project = t.project_id AND g.g_user = t.user_id
LEFT JOIN person_map AS m ON m.project_id = t.project_id AND m.id = t.user_id`;
}

export interface Migration {
  version: number;
  name: string;
  statements(d: Dialect): string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'events, identities, spend, documents',
    statements: (d) => [
      ...[EVENTS_RAW, EVENTS_STAGING, IDENTITY_LINKS, PERSON_TRAITS, AD_SPEND, DOCUMENTS].map((t) => d.createTable(t)),
      d.createView('person_map', personMapView(d)),
      d.createView('events', eventsView()),
      d.createView('persons', personsView(d)),
    ],
  },
  {
    version: 2,
    name: 'unscoped aliases of the public relations, for project-scoped user SQL',
    // A user's query sees CTEs named events/persons/ad_spend holding one project's rows; these
    // aliases let those CTEs read the real relations without naming themselves.
    statements: (d) => PUBLIC_RELATIONS.map((r) => d.createView(`${r}_unscoped`, `SELECT * FROM ${r}`)),
  },
  {
    version: 3,
    name: 'events view resolves each row with one identity lookup instead of two',
    statements: (d) => [d.createView('events', eventsView())],
  },
  {
    version: 4,
    name: 'audience membership history and webhook deliveries',
    statements: (d) => [AUDIENCE_CHANGES, WEBHOOK_DELIVERIES].map((t) => d.createTable(t)),
  },
  {
    version: 5,
    name: 'persons merge traits per key: a later identify updates the keys it sends and keeps the rest',
    statements: (d) => [d.createView('persons', personsView(d)), d.createView('persons_unscoped', 'SELECT * FROM persons')],
  },
];

/** Tables and views a user's read-only SQL may name; everything else is refused. */
export const PUBLIC_RELATIONS = ['events', 'persons', 'ad_spend'] as const;
