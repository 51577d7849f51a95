import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { createAudience } from '../../src/audiences/audiences.ts';
import { syncDueAudiences } from '../../src/audiences/sync.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

describeEachStore(
  'audience refresh schedule',
  (ctx) => {
    before(async () => {
      await ingest(
        ctx.store,
        'p',
        [1, 2, 3].map((i) => ({
          type: 'identify',
          userId: `u${i}`,
          traits: { vip: 'yes' },
          messageId: `s${i}`,
          timestamp: '2026-01-01T00:00:00Z',
        })),
      );
      await createAudience(ctx.store, 'p', {
        name: 'VIP',
        source: { kind: 'segment', segment: { rules: [{ kind: 'trait', trait: 'vip', op: 'eq', value: 'yes' }] } },
        refreshMinutes: 15,
      });
      await createAudience(ctx.store, 'p', {
        name: 'On demand',
        source: { kind: 'segment', segment: { rules: [{ kind: 'trait', trait: 'vip', op: 'eq', value: 'yes' }] } },
      });
    });

    it('re-evaluates an audience when its interval has passed, and only then', async () => {
      const first = await syncDueAudiences(ctx.store, new Date());
      assert.deepEqual(
        first.map((r) => [r.audienceId, r.joined]),
        [['vip', 3]],
        'audiences without an interval wait for a manual sync',
      );
      assert.equal((await syncDueAudiences(ctx.store, new Date(Date.now() + 5 * 60_000))).length, 0);
      const later = await syncDueAudiences(ctx.store, new Date(Date.now() + 16 * 60_000));
      assert.deepEqual(
        later.map((r) => [r.audienceId, r.joined, r.left]),
        [['vip', 0, 0]],
      );
    });
  },
  ['duckdb'],
);
