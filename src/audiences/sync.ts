/**
 * Re-evaluating a saved audience: its members are computed in the database (`members.ts`), the
 * difference with the current membership is written to `audience_changes` by two INSERT … SELECT
 * statements (nothing is pulled into the process), and the changes are then delivered to the
 * audience's webhooks.
 *
 * Exactly once per change: each run's changes are cut into chunks with a deterministic
 * idempotency key (audience, run, change, chunk). A chunk is sent until it reaches a final outcome
 * (delivered or dead-lettered); a sync that was stopped half-way delivers the remaining chunks of
 * earlier runs first, and a chunk with a final outcome is never sent again.
 */
import { QueryBuilder } from '../store/dialect/dialect.ts';
import { getDocument, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import { audienceTrait, listAudiences, type SavedAudience } from './audiences.ts';
import './model-sources.ts';
import { audienceMembersSql } from './members.ts';
import { AUDIENCE_CHANGES } from './tables.ts';
import { deliverWebhook, finishedKeys, type DeliveryOptions } from './webhooks.ts';

export const CHUNK_SIZE = 500;
const SYNC_STATE_KIND = 'audience-sync';

export interface SyncResult {
  audienceId: string;
  runId: string;
  at: string;
  joined: number;
  left: number;
  size: number;
  deliveries: { delivered: number; dead: number };
}

export interface SyncState {
  lastRunAt: string;
  lastRunId: string;
  joined: number;
  left: number;
  size: number;
}

let lastSeq = 0;
function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

/** Persons whose newest change in this audience is a join, with when they joined. */
export function currentMembersSql(q: QueryBuilder, projectId: string, audienceId: string): string {
  return `SELECT person_id, joined_at FROM (SELECT person_id, ${q.d.argMax('change', 'seq')} AS last_change, max(changed_at) AS joined_at
FROM audience_changes WHERE project_id = ${q.str(projectId)} AND audience_id = ${q.str(audienceId)} GROUP BY person_id) AS latest WHERE last_change = 'joined'`;
}

const locks = new Map<string, Promise<unknown>>();
/** One sync of an audience at a time in this process: two concurrent diffs would both insert the same joins. */
function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(fn);
  locks.set(key, next);
  void next
    .finally(() => {
      if (locks.get(key) === next) locks.delete(key);
    })
    .catch(() => undefined);
  return next;
}

async function insertChanges(
  store: Store,
  audience: SavedAudience,
  runId: string,
  seq: number,
  at: Date,
  change: 'joined' | 'left',
): Promise<void> {
  const q = new QueryBuilder(store.dialect);
  const members = await audienceMembersSql(store, q, audience.projectId, audience.source);
  const current = `SELECT person_id FROM (${currentMembersSql(q, audience.projectId, audience.id)}) AS cur`;
  const [from, notIn] = change === 'joined' ? [members, current] : [current, members];
  const cols = AUDIENCE_CHANGES.columns.map((c) => c.name).join(', ');
  await store.exec(
    q.build(`INSERT INTO audience_changes (${cols})
SELECT ${q.str(audience.projectId)}, ${q.str(audience.id)}, ${q.str(runId)}, person_id, ${q.str(change)}, ${q.time(at)}, ${q.num(seq)}
FROM (${from}) AS candidates WHERE person_id IS NOT NULL AND person_id NOT IN (${notIn})`),
  );
}

export async function audienceSize(store: Store, projectId: string, audienceId: string): Promise<number> {
  const q = new QueryBuilder(store.dialect);
  const [row] = await store.query<{ n: number }>(
    q.build(`SELECT count(*) AS n FROM (${currentMembersSql(q, projectId, audienceId)}) AS m`),
  );
  return Number(row?.n ?? 0);
}

/** Re-evaluates one audience, records who joined and left, and delivers the changes to its webhooks. */
export async function syncAudience(
  store: Store,
  audience: SavedAudience,
  options: { delivery?: DeliveryOptions } = {},
): Promise<SyncResult> {
  return serialised(`${audience.projectId}/${audience.id}`, async () => {
    const seq = nextSeq();
    const runId = `run-${seq}`;
    const at = new Date();
    // Leaves first: they read the membership before this run's joins (either order gives the same rows).
    await insertChanges(store, audience, runId, seq, at, 'left');
    await insertChanges(store, audience, runId, seq, at, 'joined');
    const q = new QueryBuilder(store.dialect);
    const counts = await store.query<{ change: string; n: number }>(
      q.build(
        `SELECT change, count(*) AS n FROM audience_changes WHERE project_id = ${q.str(audience.projectId)} AND audience_id = ${q.str(audience.id)} AND run_id = ${q.str(runId)} GROUP BY change`,
      ),
    );
    const n = (c: string) => Number(counts.find((r) => r.change === c)?.n ?? 0);
    const size = await audienceSize(store, audience.projectId, audience.id);
    const state: SyncState = { lastRunAt: at.toISOString(), lastRunId: runId, joined: n('joined'), left: n('left'), size };
    await putDocument(store, SYNC_STATE_KIND, audience.projectId, audience.id, state);
    const deliveries = await deliverPending(store, audience, options.delivery);
    return { audienceId: audience.id, runId, at: state.lastRunAt, joined: state.joined, left: state.left, size, deliveries };
  });
}

export async function syncState(store: Store, projectId: string, audienceId: string): Promise<SyncState | undefined> {
  return getDocument<SyncState>(store, SYNC_STATE_KIND, projectId, audienceId);
}

export interface ChangePayload {
  id: string;
  type: 'audience.joined' | 'audience.left';
  audience: { id: string; name: string; trait: string };
  runId: string;
  changedAt: string;
  chunk: number;
  chunks: number;
  persons: string[];
}

/** Sends every chunk of every run that has not reached a final outcome for each webhook. */
export async function deliverPending(
  store: Store,
  audience: SavedAudience,
  delivery?: DeliveryOptions,
): Promise<{ delivered: number; dead: number }> {
  const result = { delivered: 0, dead: 0 };
  if (audience.webhooks.length === 0) return result;
  const source = `audience:${audience.id}`;
  for (const hook of audience.webhooks) {
    const q = new QueryBuilder(store.dialect);
    const runs = await store.query<{ run_id: string; change: 'joined' | 'left'; n: number; first_at: string }>(
      q.build(`SELECT run_id, change, count(*) AS n, min(changed_at) AS first_at FROM audience_changes
WHERE project_id = ${q.str(audience.projectId)} AND audience_id = ${q.str(audience.id)} AND changed_at >= ${q.time(hook.addedAt)} AND ${q.d.inArray('change', q.list(hook.events))}
GROUP BY run_id, change ORDER BY run_id, change`),
    );
    const finished = await finishedKeys(store, audience.projectId, source, hook.url);
    for (const run of runs) {
      const chunks = Math.ceil(Number(run.n) / CHUNK_SIZE);
      for (let chunk = 0; chunk < chunks; chunk++) {
        const key = `${audience.id}:${run.run_id}:${run.change}:${chunk}`;
        if (finished.has(key)) continue;
        const pq = new QueryBuilder(store.dialect);
        const persons = await store.query<{ person_id: string }>(
          pq.build(`SELECT person_id FROM audience_changes WHERE project_id = ${pq.str(audience.projectId)} AND audience_id = ${pq.str(audience.id)} AND run_id = ${pq.str(run.run_id)} AND change = ${pq.str(run.change)}
ORDER BY person_id LIMIT ${pq.num(CHUNK_SIZE)} OFFSET ${pq.num(chunk * CHUNK_SIZE)}`),
        );
        const payload: ChangePayload = {
          id: key,
          type: run.change === 'joined' ? 'audience.joined' : 'audience.left',
          audience: { id: audience.id, name: audience.name, trait: audienceTrait(audience) },
          runId: run.run_id,
          changedAt: run.first_at,
          chunk,
          chunks,
          persons: persons.map((p) => p.person_id),
        };
        const outcome = await deliverWebhook(store, audience.projectId, source, hook, key, payload, delivery);
        result[outcome]++;
      }
    }
  }
  return result;
}

/** Syncs every audience whose refresh interval has passed (the server's scheduler calls this). */
export async function syncDueAudiences(store: Store, now = new Date(), delivery?: DeliveryOptions): Promise<SyncResult[]> {
  const results: SyncResult[] = [];
  for (const audience of await listAudiences(store)) {
    if (!audience.refreshMinutes) continue;
    const state = await syncState(store, audience.projectId, audience.id);
    if (state && now.getTime() - Date.parse(state.lastRunAt) < audience.refreshMinutes * 60_000) continue;
    results.push(await syncAudience(store, audience, { delivery }));
  }
  return results;
}

/** Starts re-evaluating due audiences every `intervalMs`; returns a stop function. One run at a time. */
export function startAudienceScheduler(store: Store, intervalMs = 60_000, onError: (e: unknown) => void = () => undefined): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    syncDueAudiences(store)
      .catch(onError)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
