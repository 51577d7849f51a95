/**
 * Tables of activation: audience membership history and the webhook delivery log. Both are
 * append-only (they work the same on ClickHouse's MergeTree and DuckDB): membership is the newest
 * change per person, a delivery's outcome the newest row per idempotency key.
 */
import type { TableSpec } from '../store/dialect/dialect.ts';

/** One row per person who joined or left an audience at a re-evaluation (`run_id`). */
export const AUDIENCE_CHANGES: TableSpec = {
  name: 'audience_changes',
  columns: [
    { name: 'project_id', type: 'String' },
    { name: 'audience_id', type: 'String' },
    { name: 'run_id', type: 'String' },
    { name: 'person_id', type: 'String' },
    /** 'joined' | 'left' */
    { name: 'change', type: 'String' },
    { name: 'changed_at', type: 'DateTime' },
    /** Strictly increasing per process and across runs: orders changes made in one millisecond. */
    { name: 'seq', type: 'Int64' },
  ],
  orderBy: ['project_id', 'audience_id', 'person_id', 'seq'],
  shardBy: 'person_id',
};

/** Every webhook attempt: delivered, failed (will retry) or dead (the dead-letter log). */
export const WEBHOOK_DELIVERIES: TableSpec = {
  name: 'webhook_deliveries',
  columns: [
    { name: 'project_id', type: 'String' },
    /** What sent it, e.g. "audience:high-intent" or "anomaly:revenue". */
    { name: 'source', type: 'String' },
    { name: 'url', type: 'String' },
    { name: 'idempotency_key', type: 'String' },
    { name: 'attempt', type: 'Int64' },
    { name: 'status', type: 'Int64' },
    /** 'delivered' | 'failed' | 'dead' */
    { name: 'outcome', type: 'String' },
    { name: 'error', type: 'String' },
    { name: 'attempted_at', type: 'DateTime' },
    { name: 'payload', type: 'JSON' },
  ],
  orderBy: ['project_id', 'source', 'idempotency_key', 'attempted_at'],
};
