/**
 * The MMM on the demo retailer against its ground truth: the demo's media plan drives visits
 * through adstock and saturation, and ground-truth.json records each channel's true ROI by
 * counterfactual. The daily revenue (net of refunds) and spend come from the generated run;
 * the store-backed path of the same numbers is covered by mmm-api.test.ts.
 *
 * The budget check replays the generator's own outcome model (same random numbers) under the
 * current and the recommended plan for the last 90 days. A replay is exact only for spend at
 * or below what was generated (more spend would need touches that were never drawn), so the
 * comparisons are budget cuts: 20% and 50% off the recent spend, split as now or as the planner
 * recommends, with no channel above its generated spend.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customerRange, DEFAULT_DEMO, demoFromTally } from '../../src/demo/generator.ts';
import { MEDIA, mediaResponse } from '../../src/demo/media.ts';
import { lostIn, MEDIA_INDEX } from '../../src/demo/outcome.ts';
import { makeSchedule } from '../../src/demo/schedule.ts';
import { costUsd } from '../../src/demo/spend.ts';
import { newTally } from '../../src/demo/tally.ts';
import { defaultHolidays } from '../../src/mmm/baseline.ts';
import { planBudget } from '../../src/mmm/budget.ts';
import { fitMmm, summarize, type MmmSeries } from '../../src/mmm/fit.ts';

const DAY = 86_400_000;

describe('MMM on the demo retailer against its ground truth', async () => {
  const o = DEFAULT_DEMO;
  const tally = newTally(o.days);
  const startDay = Math.floor(Date.parse(`${o.endDate}T00:00:00Z`) / DAY) - o.days + 1;
  const y = new Float64Array(o.days);
  for (const batch of customerRange(o, 0, o.customers, tally)) {
    for (const m of batch as Array<{ type: string; event?: string; timestamp?: string; properties?: { revenue?: number } }>) {
      if (m.type !== 'track' || (m.event !== 'Order Completed' && m.event !== 'Order Refunded')) continue;
      const d = Math.floor(Date.parse(m.timestamp!) / DAY) - startDay;
      if (d >= 0 && d < o.days) y[d]! += (m.event === 'Order Completed' ? 1 : -1) * Number(m.properties?.revenue ?? 0);
    }
  }
  const run = demoFromTally(o, tally);
  const spend = new Map<string, Float64Array>();
  for (const row of run.spendRows()) {
    const d = Math.floor(Date.parse(`${row.date}T00:00:00Z`) / DAY) - startDay;
    if (d < 0 || d >= o.days) continue;
    const a = spend.get(row.channel) ?? new Float64Array(o.days);
    a[d]! += costUsd(row);
    spend.set(row.channel, a);
  }
  const truth = run.groundTruth();
  const firstDay = new Date(startDay * DAY).toISOString().slice(0, 10);
  const lastDay = new Date((startDay + o.days - 1) * DAY).toISOString().slice(0, 10);
  const series: MmmSeries = {
    kpi: 'revenue',
    firstDay,
    days: o.days,
    warmup: 0,
    y,
    channels: [...spend].map(([name, s]) => ({ name, spend: s })),
    controls: [],
  };
  // The retailer's calendar: the default retail holidays plus its own summer sale.
  const holidays = [...defaultHolidays(firstDay, lastDay), { name: 'Summer sale', date: `${lastDay.slice(0, 4)}-07-15`, leadDays: 2 }];
  const fit = await fitMmm(series, { holidays });
  const roi = new Map(fit.channels.map((c) => [c.name, summarize(c.roi, 0.9)]));
  const trueRoi = new Map(truth.channels.filter((c) => c.roi !== null).map((c) => [c.channel as string, c.roi!]));

  it('puts every paid channel’s true ROI inside its 90% interval, with converged chains', () => {
    assert.deepEqual([...roi.keys()].sort(), [...trueRoi.keys()].sort());
    for (const [channel, s] of roi)
      assert.ok(
        trueRoi.get(channel)! >= s.lo && trueRoi.get(channel)! <= s.hi,
        `${channel}: true ${trueRoi.get(channel)} vs [${s.lo}, ${s.hi}]`,
      );
    assert.ok(fit.diagnostics.converged, `R-hat ${fit.diagnostics.maxRhat}, ESS ${fit.diagnostics.minEss}`);
  });

  it('ranks the channels by ROI as the truth does', () => {
    const byEstimate = [...roi].sort((a, b) => b[1].mean - a[1].mean).map(([c]) => c);
    const byTruth = [...trueRoi].sort((a, b) => b[1] - a[1]).map(([c]) => c);
    assert.deepEqual(byEstimate, byTruth);
  });

  // A quarter: over a shorter span the replay's lost revenue is a handful of orders, too few to compare plans by.
  const N = 90;
  const schedule = makeSchedule(o);
  for (const cut of [0.2, 0.5])
    it(`recommends a plan that beats the current plan in the generator’s true model at a ${cut * 100}% budget cut`, () => {
      const recent = MEDIA.map((_, k) => schedule.media[k]!.spend.subarray(o.days - N).reduce((s, v) => s + v, 0));
      const total = (1 - cut) * recent.reduce((s, v) => s + v, 0);
      // No channel above what it was generated with (the replay's limit), otherwise the default bounds.
      const bounds = Object.fromEntries(MEDIA.map((m, k) => [m.channel, { max: recent[k]! }]));
      const plan = planBudget(fit, { total, days: N, interval: 0.9, bounds });
      // Each channel's generated daily spend over the last N days, scaled to the plan's budget for it.
      const lost = (budget: (channel: string) => number) => {
        const q = MEDIA.map((m, k) => {
          const factor = recent[k]! > 0 ? budget(m.channel) / recent[k]! : 0;
          assert.ok(factor <= 1 + 1e-9, `${m.channel}: the replay needs spend at or below the generated spend`);
          const scaled = schedule.media[k]!.spend.map((v, d) => (d >= o.days - N ? v * factor : v));
          return mediaResponse(scaled, m.adstockDecay, m.hillShape, schedule.media[k]!.halfSaturation).q;
        });
        return lostIn(tally.persons, { keep: (t) => t.v < q[t.media]![t.day]! }).revenue;
      };
      const of = (k: 'current' | 'recommended') => (channel: string) => plan.allocation.find((a) => a.channel === channel)![k];
      assert.ok(MEDIA_INDEX.size === plan.allocation.length);
      const lostCurrent = lost(of('current'));
      const lostRecommended = lost(of('recommended'));
      assert.ok(lostRecommended < lostCurrent, `revenue lost: recommended ${lostRecommended} vs current ${lostCurrent}`);
    });
});
