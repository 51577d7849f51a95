/**
 * Drill-down: for every view's numbers, the list of persons behind it has exactly as many
 * persons as the number, through the real routes on a real server, on both stores.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { generateDemo } from '../../src/demo/generator.ts';
import { importMessages } from '../../src/import/segment-messages.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { describeEachStore, tempDir } from '../support/stores.ts';

describeEachStore('drill-down lists', (ctx) => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer(ctx.kind, ctx.store);
    const demo = generateDemo({ seed: 5, customers: 300, days: 90, endDate: '2026-10-31' });
    await importMessages(t.store, t.project.id, demo.messages(), { workDir: join(tempDir(), 'import') });
  });
  after(async () => t?.close());

  const people = async (analysis: string, input: object, selection: object): Promise<number> => {
    const r = await t.api('POST', '/api/v1/people', { source: { kind: 'analysis', analysis, input, selection }, limit: 5 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.people.length <= 5);
    return r.body.total;
  };
  const run = async (path: string, body: object) => {
    const r = await t.api('POST', path, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };

  it('lists as many persons as each KPI card and channel row counts, in both periods', async () => {
    const k = await run('/api/v1/kpis', {});
    for (const metric of ['visitors', 'newVisitors', 'returningVisitors', 'buyers'] as const) {
      assert.equal(await people('kpis', {}, { metric }), k.overall[metric].value, metric);
      assert.equal(await people('kpis', {}, { metric, period: 'previous' }), k.overall[metric].previous, `${metric} previous`);
    }
    assert.ok(k.overall.buyers.value > 0);
    for (const row of k.byChannel.slice(0, 3)) {
      assert.equal(await people('kpis', {}, { metric: 'visitors', channel: row.channel }), row.kpis.visitors.value, row.channel);
      assert.equal(await people('kpis', {}, { metric: 'buyers', channel: row.channel }), row.kpis.buyers.value, row.channel);
    }
  });

  it('lists the persons who reached and who dropped at each funnel step', async () => {
    const input = { steps: ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'] };
    const f = await run('/api/v1/funnels', input);
    assert.ok(f.steps[0].count > 0);
    for (const [i, step] of f.steps.entries()) {
      assert.equal(await people('funnel', input, { step: i + 1 }), step.count, `step ${i + 1}`);
      if (i > 0) assert.equal(await people('funnel', input, { step: i + 1, outcome: 'dropped' }), step.dropped, `dropped ${i + 1}`);
    }
  });

  it('lists the persons of each journey stage, of cells and of the top leak', async () => {
    const m = await run('/api/v1/journeys/map', {});
    for (const s of m.stages) {
      assert.equal(await people('journey-map', {}, { stage: s.id }), s.entered, s.id);
      assert.equal(await people('journey-map', {}, { stage: s.id, outcome: 'converted' }), s.converted, `${s.id} converted`);
      assert.equal(await people('journey-map', {}, { stage: s.id, outcome: 'dropped' }), s.dropOff, `${s.id} dropped`);
    }
    for (const c of m.grid.slice(0, 4)) {
      const cell = { stage: c.stage, channel: c.channel, interaction: c.interaction };
      assert.equal(await people('journey-map', {}, { ...cell, outcome: 'reached' }), c.reached, c.touchpoint);
      assert.equal(await people('journey-map', {}, { ...cell, outcome: 'dropped' }), c.dropOff, `${c.touchpoint} dropped`);
    }
    // A leak counts each lost person once, at their last touchpoint: its persons are the 'lost' outcome.
    for (const leak of m.leaks.slice(0, 3)) {
      assert.equal(
        await people('journey-map', {}, { stage: leak.stage, channel: leak.channel, interaction: leak.interaction, outcome: 'lost' }),
        leak.lost,
        leak.touchpoint,
      );
    }
  });

  it('lists the members of a retention cohort and of its cells', async () => {
    const input = { cohortEvent: 'Order Completed', interval: 'week', periods: 6 };
    const r = await run('/api/v1/retention', input);
    for (const c of r.cohorts.slice(0, 3)) {
      assert.equal(await people('retention', input, { cohort: c.start }), c.size, c.start);
      for (const p of [1, 2])
        if (c.values[p] !== null)
          assert.equal(await people('retention', input, { cohort: c.start, period: p }), c.values[p], `${c.start} +${p}`);
    }
    const unbounded = { ...input, mode: 'unbounded' };
    const u = await run('/api/v1/retention', unbounded);
    const c = u.cohorts[0];
    assert.equal(await people('retention', unbounded, { cohort: c.start, period: 1 }), c.values[1]);
  });

  it('lists the persons at path nodes, forward and backward', async () => {
    for (const input of [
      { start: 'Product Viewed', steps: 3 },
      { end: 'Order Completed', steps: 3, direction: 'backward' },
    ]) {
      const p = await run('/api/v1/paths', input);
      assert.ok(p.nodes.length > 0);
      for (const n of p.nodes.slice(0, 5))
        assert.equal(await people('paths', input, { depth: n.depth, label: n.label }), n.persons, `${n.id}`);
    }
  });

  it('exports the list as CSV and saves it as a cohort', async () => {
    const source = { kind: 'analysis', analysis: 'kpis', input: {}, selection: { metric: 'buyers' } };
    const k = await run('/api/v1/kpis', {});
    const csv = await fetch(`${t.url}/api/v1/people/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source }),
    });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines[0], 'person_id,email,name,stage,first_seen,last_seen,orders,revenue');
    assert.equal(lines.length - 1, k.overall.buyers.value);
    const page = await t.api('POST', '/api/v1/people', { source, limit: 3 });
    assert.ok(
      page.body.people.every((p: { orders: number; timeline: string }) => p.orders > 0 && p.timeline.startsWith('/customer?person=')),
    );
    const saved = await t.api('POST', '/api/v1/people/cohort', { name: 'Buyers last 30 days', source });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.id, 'buyers-last-30-days');
    assert.deepEqual(saved.body.source.selection, { metric: 'buyers' });
  });

  it('answers 400 naming the field for an analysis without drill-down or a bad selection', async () => {
    const r = await t.api('POST', '/api/v1/people', {
      source: { kind: 'analysis', analysis: 'funnel', input: { steps: ['Product Viewed', 'Order Completed'] }, selection: { step: 9 } },
    });
    assert.equal(r.status, 400);
    assert.match(r.body.error, /selection\.step/);
  });
});
