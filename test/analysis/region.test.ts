/**
 * One region rule for every region breakdown and control region: the latest event
 * context.location.region, else event properties.region, else the region trait, else 'Unknown'.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { computeKpiSeries } from '../../src/analysis/kpi-series.ts';
import { personRegionSql } from '../../src/analysis/region.ts';
import { QueryBuilder } from '../../src/store/dialect/dialect.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

let n = 0;
const identify = (u: string, ts: string, traits: object) => ({ type: 'identify', messageId: `g${n++}`, userId: u, timestamp: ts, traits });
const order = (u: string, ts: string, extra: object = {}) => ({
  type: 'track',
  event: 'Order Completed',
  messageId: `g${n++}`,
  userId: u,
  timestamp: ts,
  properties: { revenue: 10 },
  ...extra,
});

describeEachStore('person region', (ctx) => {
  before(async () => {
    await ingest(ctx.store, 'regions', [
      // p1: trait North, but her events carry a geo region: the event wins.
      identify('p1', '2026-04-01T09:00:00Z', { region: 'North' }),
      order('p1', '2026-04-02T10:00:00Z', { context: { location: { region: 'South' } } }),
      // p2: trait North, an order with properties.region West.
      identify('p2', '2026-04-01T09:00:00Z', { region: 'North' }),
      {
        type: 'track',
        event: 'Order Completed',
        messageId: `g${n++}`,
        userId: 'p2',
        timestamp: '2026-04-02T11:00:00Z',
        properties: { revenue: 10, region: 'West' },
      },
      // p3: only the trait, updated later.
      identify('p3', '2026-04-01T09:00:00Z', { region: 'North' }),
      identify('p3', '2026-04-03T09:00:00Z', { region: 'East' }),
      order('p3', '2026-04-03T10:00:00Z'),
      // p4: nothing.
      order('p4', '2026-04-02T12:00:00Z'),
    ]);
  });

  it('reads event context, then event properties, then the trait', async () => {
    const q = new QueryBuilder(ctx.store.dialect);
    const rows = await ctx.store.query(
      q.build(`SELECT person_id, region FROM (${personRegionSql(q, q.str('regions'))}) AS r ORDER BY person_id`),
    );
    assert.deepEqual(
      rows.map((r) => [r.person_id, r.region]),
      [
        ['p1', 'South'],
        ['p2', 'West'],
        ['p3', 'East'],
        ['p4', 'Unknown'],
      ],
    );
  });

  it('breaks a KPI series down by the same region', async () => {
    const s = await computeKpiSeries(
      ctx.store,
      { projectId: 'regions', from: new Date('2026-04-01'), to: new Date('2026-04-05') },
      { metric: 'orders', interval: 'day', by: 'region' },
    );
    const totals = Object.fromEntries(s.units!.map((u) => [u.unit, u.points.reduce((a, p) => a + p.value, 0)]));
    assert.deepEqual(totals, { East: 1, South: 1, Unknown: 1, West: 1 });
  });
});
