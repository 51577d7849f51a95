/**
 * The Budget view in Chromium on a small demo: every channel's response curve marks the daily
 * spend range the demo's own spend rows cover (7-day averages over the fitted days), the current
 * allocation is the last 30 days' spend of each channel, the recommended one places the same
 * total, and the expected gain with its interval is the planner's.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEFAULT_DEMO, generateDemo } from '../../src/demo/generator.ts';
import { costUsd } from '../../src/demo/spend.ts';
import { fmtMoney, fmtNum } from '../../src/format/numbers.ts';
import { ARTIFACTS, chromiumAvailable, CHROMIUM, signIn, startDashboard, type DashboardFixture } from '../e2e/browser.ts';

const DAY = 86_400_000;
const CUSTOMERS = 2000;
const money = (text: string) => Number(text.replace(/[^0-9.-]/g, ''));

describe('Budget view in Chromium', { timeout: 900_000 }, () => {
  let f: DashboardFixture;
  let page: Page;

  const api = async <T = any>(path: string, body: unknown): Promise<T> => {
    const r = await fetch(f.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.ok(r.status < 300, `${path}: ${r.status} ${await r.clone().text()}`);
    return (await r.json()) as T;
  };
  const cells = async (caption: string, col: string) =>
    page.locator(`[data-testid="table-${caption}"] td[data-col="${col}"]`).allInnerTexts();

  before(async () => {
    assert.ok(chromiumAvailable(), `${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    f = await startDashboard(CUSTOMERS);
    ({ page } = await signIn(f.browser, f.url));
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Budget', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Budget' }).waitFor();
    // The first visit fits the model (a few seconds per chain on a small demo), then plans.
    await page.getByTestId('budget-gain').waitFor({ timeout: 600_000 });
    await page.locator('[data-testid="table-budget allocation"]').waitFor();
  });
  after(async () => {
    if (f) await f.close();
  });

  it('marks on each response curve the daily spend range of the demo’s spend rows, and the spend of the last 30 days', async () => {
    const report = await api<any>('/api/v1/mmm', { kpi: 'revenue', curves: true });
    // Daily spend per channel from the generator's own rows over the fitted days.
    const first = Date.parse(`${report.from}T00:00:00Z`);
    const days = Math.round((Date.parse(`${report.to}T00:00:00Z`) - first) / DAY) + 1;
    const daily = new Map<string, Float64Array>();
    for (const row of generateDemo({ ...DEFAULT_DEMO, customers: CUSTOMERS, seed: 7 }).spendRows()) {
      const d = Math.round((Date.parse(`${row.date}T00:00:00Z`) - first) / DAY);
      if (d < 0 || d >= days) continue;
      const a = daily.get(row.channel) ?? new Float64Array(days);
      a[d]! += costUsd(row);
      daily.set(row.channel, a);
    }
    assert.equal(report.curves.length, daily.size);
    for (const [i, curve] of (report.curves as any[]).entries()) {
      const s = daily.get(curve.channel)!;
      const weekly: number[] = [];
      for (let t = 6; t < days; t++) weekly.push(s.subarray(t - 6, t + 1).reduce((a, b) => a + b, 0) / 7);
      const recent = s.subarray(days - 30).reduce((a, b) => a + b, 0) / 30;
      assert.ok(Math.abs(curve.observed.min - Math.min(...weekly)) < 0.01, `${curve.channel} min ${curve.observed.min}`);
      assert.ok(Math.abs(curve.observed.max - Math.max(...weekly)) < 0.01, `${curve.channel} max ${curve.observed.max}`);
      assert.ok(Math.abs(curve.observed.recent - recent) < 0.01, `${curve.channel} recent ${curve.observed.recent}`);
      const text = await page.getByTestId(`curve-${i}-observed`).innerText();
      assert.ok(
        text.startsWith(`${curve.channel}: observed ${fmtMoney(curve.observed.min)} – ${fmtMoney(curve.observed.max)} a day`),
        text,
      );
      assert.ok(text.includes(`last 30 days ${fmtMoney(curve.observed.recent)} a day`), text);
      assert.equal(await page.locator(`[data-testid="curve-${i}"] [data-rendered="1"]`).count(), 1, `${curve.channel} curve drawn`);
      // Points past the highest observed spend are flagged as extrapolated, the others are not.
      for (const p of curve.points) assert.equal(p.extrapolated, p.spend > curve.observed.max * (1 + 1e-9));
    }
  });

  it('plans the current budget: current = each channel’s last 30 days of spend, recommended places the same total, gain with the planner’s interval', async () => {
    const report = await api<any>('/api/v1/mmm', { kpi: 'revenue', curves: true });
    const total = Math.round((report.curves as any[]).reduce((s, c) => s + c.observed.recent, 0) * 30);
    const plan = await api<any>('/api/v1/budget', { kpi: 'revenue', total, days: 30 });
    const channels = await cells('budget allocation', 'channel');
    assert.deepEqual(
      channels,
      plan.allocation.map((a: any) => a.channel),
    );
    const current = (await cells('budget allocation', 'current')).map(money);
    const recommended = (await cells('budget allocation', 'recommended')).map(money);
    plan.allocation.forEach((a: any, i: number) => {
      const curve = report.curves.find((c: any) => c.channel === a.channel);
      // The total is rounded to a whole unit, so each current budget is its 30 days' spend within a unit.
      assert.ok(Math.abs(a.current - curve.observed.recent * 30) < 1, `${a.channel}: current ${a.current}`);
      assert.ok(Math.abs(current[i]! - a.current) <= (a.current >= 1000 ? 0.5 : 0.005) + 1e-9, `${a.channel} current cell ${current[i]}`);
      assert.ok(
        Math.abs(recommended[i]! - a.recommended) <= (a.recommended >= 1000 ? 0.5 : 0.005) + 1e-9,
        `${a.channel} recommended cell ${recommended[i]}`,
      );
    });
    const sum = plan.allocation.reduce((s: number, a: any) => s + a.recommended, 0);
    assert.ok(Math.abs(sum - total) < 1e-6 * total, `recommended sums to ${sum}, not ${total}`);
    const gain = plan.expected.gain;
    assert.ok(gain.mean >= -1e-6, `the recommended split never expects less than the current one: ${gain.mean}`);
    assert.equal(await page.getByTestId('budget-gain-mean').innerText(), `${gain.mean >= 0 ? '+' : ''}${fmtMoney(gain.mean)}`);
    assert.equal(await page.getByTestId('budget-gain-interval').innerText(), `90% interval ${fmtMoney(gain.lo)} – ${fmtMoney(gain.hi)}`);
    await page.screenshot({ path: join(ARTIFACTS, 'budget.png'), fullPage: true });
  });

  it('shows attribution ROAS, the MMM ROI interval and lifts side by side per channel, marking each row the API marks as disagreeing', async () => {
    const t0 = performance.now();
    const evidence = await api<any>('/api/v1/roi/reconcile', { kpi: 'revenue', model: 'markov' });
    const apiMs = performance.now() - t0;
    await page.locator('[data-testid="table-roi evidence"]').waitFor({ timeout: 300_000 });
    process.stdout.write(`# roi evidence: API ${Math.round(apiMs)} ms, table after ${Math.round(performance.now() - t0)} ms\n`);
    const channels = await cells('roi evidence', 'channel');
    assert.deepEqual(
      channels,
      evidence.channels.map((c: any) => c.channel),
    );
    const mmm = await cells('roi evidence', 'mmm');
    const roas = await cells('roi evidence', 'roas');
    const agree = await cells('roi evidence', 'agree');
    for (const [i, c] of (evidence.channels as any[]).entries()) {
      if (c.mmm) assert.ok(mmm[i]!.startsWith(fmtNum(c.mmm.roi.mean, 2)), `${c.channel}: ${mmm[i]} vs ${c.mmm.roi.mean}`);
      if (c.attribution?.roas != null) assert.equal(roas[i], fmtNum(c.attribution.roas, 2));
      assert.equal(agree[i]!.startsWith('disagrees'), c.disagreements.length > 0, `${c.channel}: ${agree[i]}`);
    }
  });

  it('shows each channel’s ROI prior and the weight it has in the answer, as the model reports them', async () => {
    const report = await api<any>('/api/v1/mmm', { kpi: 'revenue' });
    const priors = await cells('mmm channels', 'prior');
    assert.equal(priors.length, report.channels.length);
    for (const [i, c] of (report.channels as any[]).entries()) {
      assert.ok(priors[i]!.includes(`${fmtNum(c.prior.mean, 2)} ± ${fmtNum(c.prior.sd, 2)}`), priors[i]);
      assert.ok(priors[i]!.endsWith(`weight ${Math.round(c.prior.weight * 100)}%`), priors[i]);
    }
  });

  it('attribution says in view that it measures touches, not incrementality, and links to the Budget view', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Attribution & ROI', exact: true }).click();
    const note = page.getByTestId('incrementality-note');
    await note.waitFor();
    assert.match(await note.innerText(), /not the conversions a channel caused/);
    await note.getByRole('link', { name: 'Budget' }).click();
    await page.getByRole('heading', { level: 2, name: 'Budget' }).waitFor();
  });
});
