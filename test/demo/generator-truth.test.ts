import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDemo, DEFAULT_DEMO } from '../../src/demo/generator.ts';

// The default 20,000-customer world, reduced while streaming to what the checks need, so the
// statistics below are computed from the messages alone and compared with the ground truth.
const run = generateDemo(DEFAULT_DEMO);
const truth0 = { experiment: { experiment_id: 'free-shipping-banner' } };
const userOfDevice = new Map<string, string>();
const regionOf = new Map<string, string>();
const checkouts: Array<{ orderId: string; userId: string; t: number }> = [];
const completed = new Set<string>();
const firstOrderAt = new Map<string, number>();
const exposures: Array<{ anonymousId: string; variation: number; t: number }> = [];
for (const m of run.messages()) {
  if (m.type === 'identify') {
    userOfDevice.set(m.anonymousId!, m.userId!);
    if (m.traits?.region) regionOf.set(m.userId!, String(m.traits.region));
  } else if (m.type === 'track') {
    const t = Date.parse(m.timestamp);
    if (m.event === 'Checkout Started') checkouts.push({ orderId: String(m.properties!.order_id), userId: m.userId!, t });
    else if (m.event === 'Order Completed') {
      completed.add(String(m.properties!.order_id));
      if (!firstOrderAt.has(m.userId!)) firstOrderAt.set(m.userId!, t);
    } else if (m.event === 'Experiment Viewed' && m.properties!.experiment_id === truth0.experiment.experiment_id)
      exposures.push({ anonymousId: m.anonymousId!, variation: m.properties!.variation_id as number, t });
  }
}
const truth = run.groundTruth();

test('checkout conversion is p0 before the streamlined checkout reaches a region and p1 after, within 3 standard errors', () => {
  const jc = truth.journey_change;
  const wave1 = new Set(jc.rollout[0]!.regions);
  const ship1 = Date.parse(`${jc.rollout[0]!.date}T00:00:00Z`);
  const ship2 = Date.parse(`${jc.rollout[1]!.date}T00:00:00Z`);
  assert.ok((ship1 - Date.parse(`${truth.generator.start_date}T00:00:00Z`)) / 86_400_000 > 0.6 * truth.generator.days);
  const cells = { before: [0, 0], after: [0, 0] };
  for (const c of checkouts) {
    const region = regionOf.get(c.userId);
    assert.ok(region, `no region for ${c.userId}`);
    const treated = (wave1.has(region) && c.t >= ship1) || c.t >= ship2;
    const cell = treated ? cells.after : cells.before;
    cell[0]++;
    if (completed.has(c.orderId)) cell[1]++;
  }
  for (const [name, [n, k], p] of [
    ['before', cells.before, jc.p0],
    ['after', cells.after, jc.p1],
  ] as const) {
    const rate = k / n;
    const se = Math.sqrt((p * (1 - p)) / n);
    assert.ok(n > 500, `${name}: only ${n} checkouts`);
    assert.ok(Math.abs(rate - p) < 3 * se, `${name}: ${rate.toFixed(4)} vs ${p} (se ${se.toFixed(4)}, n ${n})`);
  }
  // The realised table in the ground truth is exactly what the stream shows.
  const sum = (treated: boolean, f: 'checkouts_started' | 'orders_completed') =>
    jc.realised.filter((r) => r.treated === treated).reduce((a, r) => a + r[f], 0);
  assert.deepEqual([sum(false, 'checkouts_started'), sum(false, 'orders_completed')], cells.before);
  assert.deepEqual([sum(true, 'checkouts_started'), sum(true, 'orders_completed')], cells.after);
  // Incremental orders ≈ (p1 − p0) × treated checkouts.
  const expected = (jc.p1 - jc.p0) * cells.after[0]!;
  const se = Math.sqrt(cells.after[0]! * (jc.p1 - jc.p0) * (1 - (jc.p1 - jc.p0)));
  assert.ok(Math.abs(jc.incremental_orders - expected) < 3 * se, `incremental ${jc.incremental_orders} vs ${expected.toFixed(1)}`);
});

test('the wave-2 regions give a difference-in-differences control between the two ship dates', () => {
  const between = truth.journey_change.realised.filter((r) => r.period === 'between');
  const rate = (wave: 1 | 2) => {
    const r = between.find((x) => x.wave === wave)!;
    return { p: r.orders_completed / r.checkouts_started, n: r.checkouts_started, treated: r.treated };
  };
  const w1 = rate(1);
  const w2 = rate(2);
  assert.equal(w1.treated, true);
  assert.equal(w2.treated, false);
  const diff = w1.p - w2.p;
  const se = Math.sqrt((w1.p * (1 - w1.p)) / w1.n + (w2.p * (1 - w2.p)) / w2.n);
  assert.ok(
    Math.abs(diff - truth.journey_change.absolute_lift) < 3 * se,
    `between-wave difference ${diff.toFixed(3)} (se ${se.toFixed(3)})`,
  );
});

test('the experiment splits 50/50 without sample ratio mismatch and its realised lift matches the true lift', () => {
  const exposed = [0, 0];
  const converted = [0, 0];
  const windowMs = truth.experiment.window_days * 86_400_000;
  for (const e of exposures) {
    exposed[e.variation]!++;
    const user = userOfDevice.get(e.anonymousId);
    const t = user ? firstOrderAt.get(user) : undefined;
    if (t !== undefined && t >= e.t && t - e.t <= windowMs) converted[e.variation]!++;
  }
  // Ground truth reports exactly the stream's exposures. Its conversions are per person; from
  // events alone an order on a second device that never identified cannot be linked, so the
  // stream shows at most that many, and only a few fewer.
  assert.deepEqual(truth.experiment.exposed, exposed);
  for (const k of [0, 1]) {
    assert.ok(
      converted[k]! <= truth.experiment.converted[k]! && converted[k]! >= 0.95 * truth.experiment.converted[k]!,
      `arm ${k}: ${converted[k]} vs ${truth.experiment.converted[k]}`,
    );
  }
  const n = exposed[0]! + exposed[1]!;
  assert.ok(n > 3000, `exposed ${n}`);
  const chi2 = (exposed[0]! - n / 2) ** 2 / (n / 2) + (exposed[1]! - n / 2) ** 2 / (n / 2);
  assert.ok(chi2 < 10.83, `SRM chi-square ${chi2.toFixed(2)} (p < 0.001)`);

  // Relative lift on the log scale, delta-method standard error.
  const [p0, p1] = [converted[0]! / exposed[0]!, converted[1]! / exposed[1]!];
  const logLift = Math.log(p1 / p0);
  const se = Math.sqrt((1 - p0) / converted[0]! + (1 - p1) / converted[1]!);
  assert.ok(
    Math.abs(logLift - Math.log(1 + truth.experiment.true_relative_lift)) < 3 * se,
    `lift ${(p1 / p0 - 1).toFixed(3)} (se ${se.toFixed(3)})`,
  );
  // The potential-outcome rates of all exposed visitors carry the parameter's lift
  // (they share random numbers, so their ratio is far tighter than the observed one).
  const { control, treatment } = truth.experiment.true_rates;
  const extra = (treatment - control) * n; // visitors converted only by the banner
  const extraSe = Math.sqrt(extra) / (control * n);
  assert.ok(Math.abs(treatment / control - 1 - truth.experiment.true_relative_lift) < 3 * extraSe, `true rates ${control} → ${treatment}`);
  for (const [rate, k] of [
    [control, 0],
    [treatment, 1],
  ] as const) {
    const s = Math.sqrt((rate * (1 - rate)) / exposed[k]!);
    assert.ok(Math.abs(converted[k]! / exposed[k]! - rate) < 3 * s, `arm ${k}: ${converted[k]! / exposed[k]!} vs ${rate}`);
  }
});

test('true channel incrementality ranks upper-funnel channels above what last-touch credits', () => {
  const ch = new Map(truth.channels.map((c) => [c.channel, c]));
  const rankBy = (f: (c: (typeof truth.channels)[number]) => number) =>
    [...truth.channels].sort((a, b) => f(b) - f(a)).map((c) => c.channel);
  const incremental = rankBy((c) => c.true_incremental_conversions);
  const lastTouch = rankBy((c) => c.last_touch_conversions);
  // Display and paid social open journeys: high incrementality, little last-touch credit.
  for (const name of ['Display', 'Paid Social'] as const) {
    assert.ok(incremental.indexOf(name) < 3, `${name} incremental rank ${incremental.indexOf(name)}`);
    assert.ok(lastTouch.indexOf(name) >= 5, `${name} last-touch rank ${lastTouch.indexOf(name)}`);
  }
  // Direct closes the most journeys but causes none.
  assert.equal(lastTouch[0], 'Direct');
  assert.equal(ch.get('Direct')!.true_incremental_conversions, 0);
  assert.ok(ch.get('Affiliates')!.true_incremental_conversions < 0.25 * ch.get('Affiliates')!.last_touch_conversions);
  // No order is incremental to more channels than it has, and all first orders are attributed once by last touch.
  const lastTouchTotal = truth.channels.reduce((a, c) => a + c.last_touch_conversions, 0);
  assert.equal(lastTouchTotal, truth.totals.first_orders);
  // Incremental conversions of display are at least touched × lift × P(order | checkout intent)
  // (p0 without retries): its lift alone; prospecting also brings visitors who would not have come
  // at all, whose every order counts, so the count sits above that floor.
  const display = ch.get('Display')!;
  const lift = display.intent_lift.display!;
  const lo = display.touched_customers * lift * truth.journey_change.p0 * 0.8;
  assert.ok(display.true_incremental_conversions > lo, `display ${display.true_incremental_conversions} below ~${lo.toFixed(0)}`);
});
