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

  it('lists the converters each attribution and ROI row touched, and those without a touchpoint', async () => {
    const input = { granularity: 'channel', model: 'last_touch' };
    const roi = await run('/api/v1/roi', input);
    const rows = roi.tables[0].rows.filter((r: { people: number }) => r.people > 0);
    assert.ok(rows.length >= 3, 'several channels touched converters');
    for (const row of rows.slice(0, 5)) {
      assert.equal(await people('roi', input, { touchpoint: row.touchpoint }), row.people, row.touchpoint);
      assert.equal(await people('attribution', input, { touchpoint: row.touchpoint }), row.people, `${row.touchpoint} (attribution)`);
    }
    // Every converter was touched by some channel or by none: the union is the total row.
    const all = await run('/api/v1/kpis', {});
    assert.equal(roi.tables[0].totals.people, all.overall.buyers.value);
    const touchedSum = rows.reduce((s: number, r: { people: number }) => s + r.people, 0);
    assert.ok(touchedSum >= roi.tables[0].totals.people, 'a converter touched by several channels counts in each');
  });

  it('lists the persons exposed to each experiment variation, as the report counts them', async () => {
    const found = await t.api('GET', '/api/v1/experiments/discovered');
    const e = found.body.experiments[0];
    assert.ok(e, 'the demo runs an experiment');
    const created = await t.api('POST', '/api/v1/experiments', {
      id: e.experimentId,
      variations: e.variations.map((v: { id: string }) => ({ id: v.id, weight: 1 })),
      metrics: [{ name: 'Purchase', kind: 'conversion' }],
    });
    assert.ok(created.status < 300, JSON.stringify(created.body));
    const report = await t.api('GET', `/api/v1/experiments/${encodeURIComponent(e.experimentId)}/report`);
    for (const v of report.body.exposures.variations) {
      const r = await t.api('POST', '/api/v1/people', {
        source: { kind: 'model', model: 'experiment-variation', params: { experiment: e.experimentId, variation: v.id } },
        limit: 1,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(v.persons > 0);
      assert.equal(r.body.total, v.persons, `variation ${v.id}`);
    }
  });

  it('lists the persons of a saved persona, as many as its size', async () => {
    const created = await t.api('POST', '/api/v1/personas/suggested', {});
    assert.equal(created.status, 200, JSON.stringify(created.body));
    for (const p of created.body.personas) {
      const size = await t.api('GET', `/api/v1/personas/${encodeURIComponent(p.id)}/size`);
      const r = await t.api('POST', '/api/v1/people', { source: { kind: 'persona', persona: p.id }, limit: 1 });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.total, size.body.persons, p.name);
    }
  });

  it("shows each buyer's predicted CLV in the list, the same figure as the CLV report", async () => {
    const clv = await run('/api/v1/predictions/clv', { top: 5 });
    const top = clv.topByClv[0];
    const r = await t.api('POST', '/api/v1/people', {
      source: { kind: 'segment', segment: { match: 'all', rules: [{ kind: 'order_count', op: 'gte', value: 1 }] } },
      limit: 1000,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const byId = new Map(r.body.people.map((p: { personId: string; clv: number | null }) => [p.personId, p.clv]));
    for (const p of clv.topByClv)
      assert.ok(Math.abs((byId.get(p.personId) as number) - p.clv) < 1e-6, `${p.personId}: ${byId.get(p.personId)} vs ${p.clv}`);
    assert.ok(top.clv > 0);
    // Persons who never ordered have no CLV.
    const k = await t.api('POST', '/api/v1/people', {
      source: { kind: 'analysis', analysis: 'kpis', input: {}, selection: { metric: 'visitors' } },
      limit: 200,
    });
    const nonBuyer = k.body.people.find((p: { orders: number }) => p.orders === 0);
    assert.ok(nonBuyer);
    assert.equal(nonBuyer.clv, null);
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
    assert.equal(lines[0], 'person_id,email,name,stage,first_seen,last_seen,orders,revenue,predicted_clv');
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
