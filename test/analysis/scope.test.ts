import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { optionalRangeScopeSchema, projectDataRange, resolveScopeWithDefaultRange } from '../../src/scope/scope.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
let n = 0;
const track = (anonymousId: string, timestamp: string, context?: object) => ({
  type: 'track',
  event: 'Product Viewed',
  messageId: `s${n++}`,
  anonymousId,
  timestamp,
  ...(context ? { context } : {}),
});

// People from 03-02 10:00 to 03-20 18:30:15.250; a bot before and after them.
const events = [
  track('bot', '2026-03-01T08:00:00.000Z', { userAgent: BOT_UA }),
  track('a', '2026-03-02T10:00:00.000Z'),
  track('b', '2026-03-11T12:00:00.000Z'),
  track('a', '2026-03-20T18:30:15.250Z'),
  track('bot', '2026-03-22T08:00:00.000Z', { userAgent: BOT_UA }),
];

describeEachStore('project data range', (ctx) => {
  before(async () => {
    await ingest(ctx.store, 'range-p', events);
  });

  it('runs from the first event to one millisecond past the last, bots included unless excluded', async () => {
    assert.deepEqual(await projectDataRange(ctx.store, 'range-p'), {
      from: new Date('2026-03-01T08:00:00.000Z'),
      to: new Date('2026-03-22T08:00:00.001Z'),
    });
    assert.deepEqual(await projectDataRange(ctx.store, 'range-p', { excludeBots: true }), {
      from: new Date('2026-03-02T10:00:00.000Z'),
      to: new Date('2026-03-20T18:30:15.251Z'),
    });
  });

  it('is null for a project without events', async () => {
    assert.equal(await projectDataRange(ctx.store, 'range-empty'), null);
  });

  it('fills only the bound the request leaves out', async () => {
    const both = await resolveScopeWithDefaultRange(ctx.store, 'range-p', optionalRangeScopeSchema.parse({}));
    assert.deepEqual([both.from, both.to], [new Date('2026-03-01T08:00:00.000Z'), new Date('2026-03-22T08:00:00.001Z')]);
    const toOnly = await resolveScopeWithDefaultRange(ctx.store, 'range-p', optionalRangeScopeSchema.parse({ from: '2026-03-10' }));
    assert.deepEqual([toOnly.from, toOnly.to], [new Date('2026-03-10T00:00:00.000Z'), new Date('2026-03-22T08:00:00.001Z')]);
    const fromOnly = await resolveScopeWithDefaultRange(
      ctx.store,
      'range-p',
      optionalRangeScopeSchema.parse({ to: '2026-03-15', channels: ['Direct'] }),
    );
    assert.deepEqual(
      [fromOnly.from, fromOnly.to, fromOnly.channels],
      [new Date('2026-03-01T08:00:00.000Z'), new Date('2026-03-15T00:00:00.000Z'), ['Direct']],
    );
  });
});
