import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { computeRetention, type RetentionInput } from '../../src/analysis/retention.ts';
import { putDocument } from '../../src/store/documents.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

let seq = 0;
const signUp = (who: object, timestamp: string, extra: object = {}) => ({
  type: 'track',
  event: 'Signed Up',
  messageId: `r${seq++}`,
  timestamp,
  ...who,
  ...extra,
});
const order = (who: object, timestamp: string, revenue: number) => ({
  type: 'track',
  event: 'Order Completed',
  messageId: `r${seq++}`,
  timestamp,
  properties: { revenue },
  ...who,
});
const anon = (id: string) => ({ anonymousId: id });

/*
 * Weeks start on Monday: W0 = 03-02, W1 = 03-09, W2 = 03-16, W3 = 03-23; the range ends 03-30.
 *   P1 signs up W0 (arriving from an email), orders W0 10, W1 20, W2 5, signs up again W2
 *   P2 signs up W0, skips W1, orders W2 30
 *   P3 signs up Sunday 23:00 of W0, orders Monday 01:00 (W1) 7, skips W2, orders W3 3
 *   P4 signs up W1, orders W1 12
 *   P5 signs up W1, orders W3 8
 *   P7 signs up anonymously W1, identifies, orders as the user W2 40
 *   P6 signs up W3 (the last period), orders W3 50
 */
const events = [
  {
    type: 'page',
    messageId: `r${seq++}`,
    anonymousId: 'P1',
    timestamp: '2026-03-02T09:59:00.000Z',
    context: { page: { url: 'https://shop.example/?utm_source=newsletter&utm_medium=email' } },
  },
  signUp(anon('P1'), '2026-03-02T10:00:00.000Z'),
  order(anon('P1'), '2026-03-04T10:00:00.000Z', 10),
  order(anon('P1'), '2026-03-10T10:00:00.000Z', 20),
  order(anon('P1'), '2026-03-17T10:00:00.000Z', 5),
  signUp(anon('P1'), '2026-03-17T11:00:00.000Z'),
  signUp(anon('P2'), '2026-03-03T10:00:00.000Z'),
  order(anon('P2'), '2026-03-18T10:00:00.000Z', 30),
  signUp(anon('P3'), '2026-03-08T23:00:00.000Z'),
  order(anon('P3'), '2026-03-09T01:00:00.000Z', 7),
  order(anon('P3'), '2026-03-25T10:00:00.000Z', 3),
  signUp(anon('P4'), '2026-03-11T10:00:00.000Z'),
  order(anon('P4'), '2026-03-12T10:00:00.000Z', 12),
  signUp(anon('P5'), '2026-03-13T10:00:00.000Z'),
  order(anon('P5'), '2026-03-27T10:00:00.000Z', 8),
  signUp(anon('anon-7'), '2026-03-10T10:00:00.000Z'),
  {
    type: 'identify',
    messageId: `r${seq++}`,
    anonymousId: 'anon-7',
    userId: 'u7',
    timestamp: '2026-03-10T10:05:00.000Z',
    traits: { plan: 'pro' },
  },
  order({ userId: 'u7' }, '2026-03-17T12:00:00.000Z', 40),
  signUp(anon('P6'), '2026-03-24T10:00:00.000Z'),
  order(anon('P6'), '2026-03-24T11:00:00.000Z', 50),
];

const scope = (projectId: string) => ({ projectId, from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-30T00:00:00Z') });
const base = { cohortEvent: 'Signed Up', returnEvent: 'Order Completed', interval: 'week', periods: 4 } as const;

function close(actual: (number | null)[] | undefined, expected: (number | null)[]): void {
  assert.ok(actual, 'values expected');
  assert.equal(actual.length, expected.length, `${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (e === null) assert.equal(a, null, `period ${i}`);
    else assert.ok(a !== null && Math.abs(a - e) < 1e-9, `period ${i}: ${a} ≠ ${e}`);
  });
}

describeEachStore('retention', (ctx) => {
  const project = 'retention-project';
  const run = (input: Partial<RetentionInput> = {}) => computeRetention(ctx.store, scope(project), { ...base, ...input });
  before(async () => {
    await ingest(ctx.store, project, events);
  });

  it('counts returns per week in recurring mode, with a skipped week and unobservable periods null', async () => {
    const r = await run({ mode: 'recurring' });
    assert.deepEqual(
      r.cohorts.map((c) => ({ start: c.start, size: c.size, values: c.values })),
      [
        { start: '2026-03-02', size: 3, values: [1, 2, 2, 1] },
        // P7's anonymous sign-up and their order as u7 are one person.
        { start: '2026-03-09', size: 3, values: [1, 1, 1, null] },
        { start: '2026-03-23', size: 1, values: [1, null, null, null] },
      ],
    );
    close(r.cohorts[0]!.percentages, [100 / 3, 200 / 3, 200 / 3, 100 / 3]);
    close(r.average, [(100 * 3) / 7, 50, 50, 100 / 3]);
  });

  it('counts returns in the period or any later one in unbounded mode', async () => {
    const r = await run({ mode: 'unbounded' });
    assert.deepEqual(
      r.cohorts.map((c) => ({ start: c.start, size: c.size, values: c.values })),
      [
        { start: '2026-03-02', size: 3, values: [3, 3, 3, 1] },
        { start: '2026-03-09', size: 3, values: [3, 2, 1, null] },
        { start: '2026-03-23', size: 1, values: [1, null, null, null] },
      ],
    );
    close(r.average, [100, 500 / 6, 400 / 6, 100 / 3]);
  });

  it('gives revenue per period, per cohort member and cumulative', async () => {
    const r = await run({ metric: 'revenue' });
    assert.deepEqual(
      r.cohorts.map((c) => c.values),
      [
        [10, 27, 35, 3],
        [12, 40, 8, null],
        [50, null, null, null],
      ],
    );
    close(r.cohorts[0]!.perPerson, [10 / 3, 9, 35 / 3, 1]);
    close(r.cohorts[0]!.cumulativePerPerson, [10 / 3, 37 / 3, 24, 25]);
    close(r.cohorts[1]!.cumulativePerPerson, [4, 52 / 3, 20, null]);
    close(r.average, [72 / 7, 67 / 6, 43 / 6, 1]);
  });

  it('uses the cohort event as return event by default, so period 0 is the whole cohort', async () => {
    const r = await run({ returnEvent: undefined, periods: 3 });
    assert.deepEqual(
      r.cohorts.map((c) => c.values),
      [
        [3, 0, 1],
        [3, 0, 0],
        [1, null, null],
      ],
    );
  });

  it('buckets days and calendar months in UTC', async () => {
    const days = await run({ interval: 'day', periods: 3 });
    assert.deepEqual(
      days.cohorts.slice(0, 3).map((c) => [c.start, c.size, c.values]),
      [
        ['2026-03-02', 1, [0, 0, 1]],
        ['2026-03-03', 1, [0, 0, 0]],
        ['2026-03-08', 1, [0, 1, 0]],
      ],
    );
    const months = await run({ interval: 'month', periods: 2 });
    assert.deepEqual(
      months.cohorts.map((c) => [c.start, c.size, c.values]),
      [['2026-03-01', 7, [7, null]]],
    );
  });

  it('splits cohorts by first-touch channel and pools each channel over the observable periods', async () => {
    const r = await run({ cohortBy: 'first_touch_channel' });
    assert.deepEqual(
      r.cohorts.map((c) => [c.start, c.key, c.size, c.values]),
      [
        ['2026-03-02', '(none)', 2, [0, 1, 1, 1]],
        ['2026-03-02', 'Email', 1, [1, 1, 1, 0]],
        ['2026-03-09', '(none)', 3, [1, 1, 1, null]],
        ['2026-03-23', '(none)', 1, [1, null, null, null]],
      ],
    );
    assert.deepEqual(
      r.breakdowns!.map((b) => [b.key, b.size, b.values, b.eligible]),
      [
        ['(none)', 6, [2, 2, 2, 1], [6, 5, 5, 2]],
        ['Email', 1, [1, 1, 1, 0], [1, 1, 1, 1]],
      ],
    );
  });

  it('splits cohorts by saved persona', async () => {
    await putDocument(ctx.store, 'persona', project, 'pro', {
      name: 'Pro plan',
      segment: { match: 'all', rules: [{ kind: 'trait', trait: 'plan', op: 'eq', value: 'pro' }] },
    });
    const r = await run({ cohortBy: 'persona' });
    assert.deepEqual(
      r.cohorts.map((c) => [c.start, c.key, c.size, c.values]),
      [['2026-03-09', 'Pro plan', 1, [0, 1, 0, null]]],
    );
  });
});
