/**
 * Reading an audience out: the pull API (members by keyset paging), the membership history, a CSV
 * file, and Segment `identify` calls carrying the audience trait (any Segment destination or CDP
 * that accepts the Tracking API format can take them).
 */
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { audienceTrait, type SavedAudience } from './audiences.ts';
import { currentMembersSql } from './sync.ts';

export interface MemberRow {
  personId: string;
  /** True when the person identified (their id is a user id), false for an anonymous visitor id. */
  identified: boolean;
  joinedAt: string;
}

function identifiedJoin(q: QueryBuilder, projectId: string): string {
  return `LEFT JOIN (SELECT DISTINCT person_id AS known_id FROM persons WHERE project_id = ${q.str(projectId)}) AS known ON known.known_id = m.person_id`;
}

/** One page of members in person-id order; pass the previous page's `next` as `after`. */
export async function audienceMembersPage(
  store: Store,
  audience: SavedAudience,
  options: { after?: string; limit?: number } = {},
): Promise<{ members: MemberRow[]; next: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 1000, 1), 10_000);
  const q = new QueryBuilder(store.dialect);
  const after = options.after ? `WHERE m.person_id > ${q.str(options.after)}` : '';
  const rows = await store.query<{ person_id: string; known_id: string | null; joined_at: string }>(
    q.build(`SELECT m.person_id AS person_id, known.known_id AS known_id, m.joined_at AS joined_at FROM (${currentMembersSql(q, audience.projectId, audience.id)}) AS m
${identifiedJoin(q, audience.projectId)} ${after} ORDER BY m.person_id LIMIT ${q.num(limit + 1)}`),
  );
  const page = rows
    .slice(0, limit)
    .map((r) => ({ personId: r.person_id, identified: r.known_id !== null && r.known_id !== '', joinedAt: r.joined_at }));
  return { members: page, next: rows.length > limit ? page[page.length - 1]!.personId : null };
}

export interface HistoryRow {
  runId: string;
  personId: string;
  change: 'joined' | 'left';
  changedAt: string;
}

/** Membership changes, newest run first, paged by offset. */
export async function audienceHistory(
  store: Store,
  audience: SavedAudience,
  options: { limit?: number; offset?: number; personId?: string } = {},
): Promise<{ changes: HistoryRow[]; runs: Array<{ runId: string; at: string; joined: number; left: number }> }> {
  const q = new QueryBuilder(store.dialect);
  const where = [`project_id = ${q.str(audience.projectId)}`, `audience_id = ${q.str(audience.id)}`];
  if (options.personId) where.push(`person_id = ${q.str(options.personId)}`);
  const rows = await store.query<{ run_id: string; person_id: string; change: 'joined' | 'left'; changed_at: string }>(
    q.build(
      `SELECT run_id, person_id, change, changed_at FROM audience_changes WHERE ${where.join(' AND ')} ORDER BY seq DESC, person_id LIMIT ${q.num(Math.min(options.limit ?? 1000, 10_000))} OFFSET ${q.num(options.offset ?? 0)}`,
    ),
  );
  const rq = new QueryBuilder(store.dialect);
  const runs = await store.query<{ run_id: string; run_at: string; joined: number; left_n: number }>(
    rq.build(`SELECT run_id, min(changed_at) AS run_at, ${rq.d.countIf(`change = 'joined'`)} AS joined, ${rq.d.countIf(`change = 'left'`)} AS left_n FROM audience_changes
WHERE project_id = ${rq.str(audience.projectId)} AND audience_id = ${rq.str(audience.id)} GROUP BY run_id ORDER BY run_id DESC LIMIT 100`),
  );
  return {
    changes: rows.map((r) => ({ runId: r.run_id, personId: r.person_id, change: r.change, changedAt: r.changed_at })),
    runs: runs.map((r) => ({ runId: r.run_id, at: r.run_at, joined: Number(r.joined), left: Number(r.left_n) })),
  };
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** Every page of members, in order (exports stream these instead of holding the whole list). */
export async function* allMembers(store: Store, audience: SavedAudience): AsyncGenerator<MemberRow> {
  let after: string | undefined;
  for (;;) {
    const { members, next } = await audienceMembersPage(store, audience, { after, limit: 5000 });
    yield* members;
    if (!next) return;
    after = next;
  }
}

export async function* audienceCsv(store: Store, audience: SavedAudience): AsyncGenerator<string> {
  yield 'person_id,identified,joined_at\n';
  for await (const m of allMembers(store, audience)) yield `${csvCell(m.personId)},${m.identified},${m.joinedAt}\n`;
}

export interface SegmentIdentify {
  type: 'identify';
  messageId: string;
  userId?: string;
  anonymousId?: string;
  traits: Record<string, boolean>;
  timestamp: string;
  context: { source: string };
}

/**
 * Members as Segment identify calls: `traits[<trait>] = true`, keyed by userId for identified
 * persons and anonymousId for the others. With `includeLeft`, persons who left get the trait
 * set to false, so a destination can drop them. The messageId is deterministic per person and
 * membership run, so re-sending an export does not create duplicates downstream.
 */
export async function* audienceIdentifyCalls(
  store: Store,
  audience: SavedAudience,
  options: { includeLeft?: boolean } = {},
): AsyncGenerator<SegmentIdentify> {
  const trait = audienceTrait(audience);
  const context = { source: `waymark-audience:${audience.id}` };
  for await (const m of allMembers(store, audience)) {
    yield {
      type: 'identify',
      messageId: `${audience.id}-${m.personId}-${Date.parse(m.joinedAt)}-in`,
      ...(m.identified ? { userId: m.personId } : { anonymousId: m.personId }),
      traits: { [trait]: true },
      timestamp: m.joinedAt,
      context,
    };
  }
  if (!options.includeLeft) return;
  const q = new QueryBuilder(store.dialect);
  const left = await store.query<{ person_id: string; known_id: string | null; left_at: string }>(
    q.build(`SELECT m.person_id AS person_id, known.known_id AS known_id, m.left_at AS left_at FROM (SELECT person_id, ${q.d.argMax('change', 'seq')} AS last_change, max(changed_at) AS left_at FROM audience_changes
WHERE project_id = ${q.str(audience.projectId)} AND audience_id = ${q.str(audience.id)} GROUP BY person_id) AS m ${identifiedJoin(q, audience.projectId)} WHERE m.last_change = 'left' ORDER BY m.person_id`),
  );
  for (const m of left) {
    const identified = m.known_id !== null && m.known_id !== '';
    yield {
      type: 'identify',
      messageId: `${audience.id}-${m.person_id}-${Date.parse(m.left_at)}-out`,
      ...(identified ? { userId: m.person_id } : { anonymousId: m.person_id }),
      traits: { [trait]: false },
      timestamp: m.left_at,
      context,
    };
  }
}
