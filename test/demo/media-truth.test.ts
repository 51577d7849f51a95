import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDemo, DEFAULT_DEMO, type SegmentMessage } from '../../src/demo/generator.ts';
import { makeSchedule } from '../../src/demo/schedule.ts';
import { newTally } from '../../src/demo/tally.ts';
import { simulateCustomer } from '../../src/demo/journey.ts';
import { lostIn, MEDIA_INDEX, spendScenario, stillOrders } from '../../src/demo/outcome.ts';
import { costUsd } from '../../src/demo/spend.ts';
import { PARAMS } from '../../src/demo/params.ts';

// A year for 6,000 would-be customers: every mechanism of the default demo, at a quarter of its size.
const options = { ...DEFAULT_DEMO, customers: 6000 };
const run = generateDemo(options);
const messages: SegmentMessage[] = [...run.messages()];
const truth = run.groundTruth();
const spend = [...run.spendRows()];
const channel = (name: string) => truth.channels.find((c) => c.channel === name)!;

test('the default demo covers a year of daily data', () => {
  assert.equal(DEFAULT_DEMO.days, 365);
  assert.equal(truth.generator.start_date, '2025-11-01');
});

test('the outcome model replays the generated world exactly: with the plan unchanged every buyer still buys and no one else does', () => {
  const s = makeSchedule(options);
  const tally = newTally(s.days);
  for (let i = 0; i < s.customers; i++) simulateCustomer(s, i, tally);
  for (const [name, k] of MEDIA_INDEX) {
    const same = spendScenario(k, s.media[k]!.spend, s.media[k]!.halfSaturation, 1);
    assert.deepEqual(lostIn(tally.persons, same), { conversions: 0, revenue: 0 }, name);
  }
  const same = spendScenario(0, s.media[0]!.spend, s.media[0]!.halfSaturation, 1);
  const mismatches = tally.persons.filter((p) => stillOrders(p, same) !== p.revenue > 0);
  assert.deepEqual(
    mismatches.map((p) => p.userId),
    [],
  );
  assert.ok(tally.persons.filter((p) => p.revenue > 0).length > 300);
});

test('spend follows the media plan: search and affiliates in budget periods with two-week pauses, social in bursts with dark weeks, display in ramps, and it sums to the ground truth', () => {
  const byChannelDay = new Map<string, Map<string, number>>();
  for (const r of spend) {
    const m = byChannelDay.get(r.channel) ?? new Map<string, number>();
    m.set(r.date, (m.get(r.date) ?? 0) + costUsd(r));
    byChannelDay.set(r.channel, m);
  }
  const darkDays = (name: string) => [...byChannelDay.get(name)!.values()].filter((v) => v === 0).length;
  // Pauses are whole weeks: two after each budget period of 4–8 (search) or 6–10 (affiliates) weeks.
  assert.ok(darkDays('Paid Search') >= 42 && darkDays('Paid Search') <= 120, `search dark days ${darkDays('Paid Search')}`);
  assert.ok(darkDays('Affiliates') >= 28 && darkDays('Affiliates') <= 90, `affiliates dark days ${darkDays('Affiliates')}`);
  assert.ok(darkDays('Paid Social') >= 70, `social dark days ${darkDays('Paid Social')}`);
  assert.ok(darkDays('Display') >= 70, `display dark days ${darkDays('Display')}`);
  for (const c of truth.channels.filter((x) => x.media)) {
    const total = [...byChannelDay.get(c.channel)!.values()].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - c.spend) < 0.05, `${c.channel}: ${total} vs ${c.spend}`);
    assert.equal(c.media!.days_on, 365 - darkDays(c.channel));
  }
  // No ad ran on a dark day: no impressions.
  assert.ok(spend.filter((r) => r.cost === 0 && r.impressions > 0).length === 0);
});

test('paid visits rise and fall with spend: social landings are several times more frequent in flight than in dark weeks', () => {
  const socialSpend = new Map<string, number>();
  for (const r of spend) if (r.channel === 'Paid Social') socialSpend.set(r.date, (socialSpend.get(r.date) ?? 0) + r.cost);
  const landings = { on: 0, off: 0 };
  for (const m of messages) {
    if (m.type !== 'page' || m.context?.campaign?.medium !== 'paid_social') continue;
    const day = m.timestamp.slice(0, 10);
    if ((socialSpend.get(day) ?? 0) > 0) landings.on++;
    else landings.off++;
  }
  const days = { on: [...socialSpend.values()].filter((v) => v > 0).length, off: [...socialSpend.values()].filter((v) => v === 0).length };
  const ratio = landings.on / days.on / (landings.off / days.off);
  assert.ok(ratio > 2, `in-flight vs dark daily landings ${ratio.toFixed(2)}`);
});

test('true ROI by counterfactual: Direct causes nothing, Affiliates do not pay back, Display and Paid Social do', () => {
  assert.equal(channel('Direct').true_incremental_conversions, 0);
  assert.equal(channel('Direct').true_incremental_revenue, 0);
  assert.equal(channel('Direct').roi, null);
  assert.ok(channel('Affiliates').roi! < 0.5, `affiliates roi ${channel('Affiliates').roi}`);
  assert.ok(
    channel('Display').roi! > 1.5 && channel('Paid Social').roi! > 1.2,
    `display ${channel('Display').roi}, social ${channel('Paid Social').roi}`,
  );
  for (const c of truth.channels.filter((x) => x.media)) {
    assert.ok(Math.abs(c.roi! - c.true_incremental_revenue / c.spend) < 1e-3, c.channel);
    // Saturation: the last 10% of spend earns less per dollar than the average dollar.
    assert.ok(c.mroi! <= c.roi! + 1e-9, `${c.channel}: mroi ${c.mroi} > roi ${c.roi}`);
  }
  // Incremental revenue never exceeds all revenue.
  assert.ok(truth.channels.reduce((a, c) => a + c.true_incremental_revenue, 0) < truth.totals.revenue);
});

test('holiday peaks and the yearly season show in new-visitor arrivals', () => {
  const bf = truth.calendar.holidays.find((h) => h.name === 'Black Friday');
  assert.equal(bf?.date, '2025-11-28');
  const firstSeen = new Map<string, string>();
  for (const m of messages) if (m.anonymousId && !firstSeen.has(m.anonymousId)) firstSeen.set(m.anonymousId, m.timestamp.slice(0, 10));
  const perDay = new Map<string, number>();
  for (const d of firstSeen.values()) perDay.set(d, (perDay.get(d) ?? 0) + 1);
  const mean = [...perDay.values()].reduce((a, b) => a + b, 0) / perDay.size;
  assert.ok(perDay.get('2025-11-28')! > 1.8 * mean, `Black Friday ${perDay.get('2025-11-28')} vs mean ${mean.toFixed(1)}`);
});

test('the welcome offer is randomized with exposure events, and its uplift segments follow the personas’ true effects', () => {
  const u = truth.uplift_experiment;
  const exposures = messages.filter((m) => m.event === 'Experiment Viewed' && m.properties?.experiment_id === PARAMS.offer.id);
  const byArm = [0, 1].map((k) => new Set(exposures.filter((m) => m.properties!.variation_id === k).map((m) => m.anonymousId)).size);
  assert.deepEqual(byArm, u.exposed);
  const n = u.exposed[0] + u.exposed[1];
  assert.ok(n > 500, `exposed ${n}`);
  const chi2 = (u.exposed[0] - n / 2) ** 2 / (n / 2) + (u.exposed[1] - n / 2) ** 2 / (n / 2);
  assert.ok(chi2 < 10.83, `SRM chi-square ${chi2.toFixed(2)}`);
  const exposed = truth.persons.filter((p) => p.offer_variation !== null);
  assert.equal(exposed.length, n);
  for (const p of exposed) {
    const effect = u.effect_by_persona[p.persona]!;
    if (p.uplift_segment === 'persuadable') assert.ok(effect > 0, p.persona);
    if (p.uplift_segment === 'sleeping_dog') assert.ok(effect < 0, p.persona);
    assert.ok(Math.sign(p.true_uplift!) === Math.sign(effect) || p.true_uplift === 0, `${p.user_id} ${p.true_uplift} ${effect}`);
  }
  assert.ok(
    u.segments.persuadable > 0 && u.segments.sleeping_dog > 0 && u.segments.sure_thing > 0 && u.segments.lost_cause > 0,
    JSON.stringify(u.segments),
  );
  const sum = Object.values(u.segments).reduce((a, b) => a + b, 0);
  assert.equal(sum, n);
  assert.ok(u.true_ate > 0);
});

test('every person in the events has a ground-truth row with the persona their traits carry and purchase probabilities', () => {
  const personaOf = new Map<string, string>();
  const users = new Set<string>();
  for (const m of messages) {
    if (m.userId) users.add(m.userId);
    if (m.type === 'identify' && m.traits?.persona) personaOf.set(m.userId!, String(m.traits.persona));
  }
  const rows = new Map(truth.persons.map((p) => [p.user_id, p]));
  assert.equal(truth.persons.length, truth.stages[0]!.reached);
  for (const u of users) assert.ok(rows.has(u), u);
  for (const [user, persona] of personaOf) assert.equal(rows.get(user)!.persona, persona);
  for (const p of truth.persons) {
    assert.equal(p.identified, users.has(p.user_id));
    assert.ok(p.p_purchase_7d >= 0 && p.p_purchase_7d <= p.p_purchase_30d && p.p_purchase_30d <= 1, p.user_id);
  }
  // Repeat buyers near the end carry most of the probability mass; those who never ordered and decided long ago have none.
  const likely = truth.persons.filter((p) => p.p_purchase_30d > 0.2).length;
  assert.ok(likely > 10, `persons with p30 > 0.2: ${likely}`);
});
