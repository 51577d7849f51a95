/**
 * In Chromium on a small demo: the previous-period figures on the Retention, Paths and Journey
 * map views are the API's for the previous period; a share link made with the Share button opens
 * its one view read-only without signing in, and stops working once revoked; an annotation is a
 * markLine on the Overview's KPI trend; and the CLI's roi table formats money, and manages anomaly
 * subscriptions through a running server.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { fmtChange, fmtInt, fmtMoney, fmtNum, fmtPoints } from '../../src/format/numbers.ts';
import { ARTIFACTS, chromiumAvailable, CHROMIUM, signIn, startDashboard, type DashboardFixture } from './browser.ts';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

function addDays(day: string, n: number): string {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

describe('previous period, share links, annotations and CLI money', { timeout: 900_000 }, () => {
  let f: DashboardFixture;
  let page: Page;
  let from: string;
  let to: string;
  /** The previous period of equal length as the API takes it (the UI's `to` is inclusive). */
  let previous: { from: string; to: string };

  const api = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(f.url + path, {
      method,
      headers: { authorization: `Bearer ${f.secretKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(r.status < 300, `${path}: ${r.status}`);
    return (r.status === 204 ? {} : await r.json()) as T;
  };
  const waymark = async (...args: string[]) =>
    (await run(process.execPath, [join(ROOT, 'bin/waymark.js'), '--server', f.url, '--key', f.secretKey, ...args], { maxBuffer: 16 << 20 }))
      .stdout;

  before(async () => {
    assert.ok(chromiumAvailable(), `${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    f = await startDashboard(2000);
    ({ page } = await signIn(f.browser, f.url, undefined, { width: 1440, height: 900 }));
    const info = await api('GET', '/api/v1/project/info');
    // Eight weeks, so weekly cohorts have a week after them in both periods.
    to = info.defaultPeriod.to;
    from = addDays(to, -55);
    previous = { from: `${addDays(from, -56)}T00:00:00.000Z`, to: `${from}T00:00:00.000Z` };
  });
  after(async () => {
    if (f) await f.close();
  });

  it('retention, paths and the journey map show the previous period as the API computes it', async () => {
    const retentionReq = {
      cohortEvent: 'Order Completed',
      returnEvent: 'Order Completed',
      interval: 'week',
      mode: 'recurring',
      metric: 'persons',
      periods: 8,
    };
    await page.goto(`${f.url}/retention?from=${from}&to=${to}`);
    const now = await api('POST', '/api/v1/retention', {
      from: `${from}T00:00:00.000Z`,
      to: `${addDays(to, 1)}T00:00:00.000Z`,
      ...retentionReq,
    });
    const prev = await api('POST', '/api/v1/retention', { ...previous, ...retentionReq });
    assert.ok(prev.average[1] !== null, 'the previous period has a week-1 figure');
    const p1 = `P1 ${fmtNum(prev.average[1], 1)}% (${fmtPoints((now.average[1] - prev.average[1]) / 100)})`;
    await page.getByTestId('retention-previous').filter({ hasText: p1 }).waitFor({ timeout: 120_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'retention-compare.png'), fullPage: true });

    const pathsReq = {
      start: 'Product Viewed',
      steps: 4,
      stepType: 'event',
      unit: 'person',
      collapseRepeats: true,
      showNoise: false,
      cleaning: [],
      maxNodesPerStep: 8,
      topPaths: 15,
    };
    await page.goto(`${f.url}/paths?from=${from}&to=${to}`);
    const pathsNow = await api('POST', '/api/v1/paths', {
      from: `${from}T00:00:00.000Z`,
      to: `${addDays(to, 1)}T00:00:00.000Z`,
      ...pathsReq,
    });
    const pathsPrev = await api('POST', '/api/v1/paths', { ...previous, ...pathsReq });
    assert.ok(pathsPrev.persons > 0);
    await page
      .getByTestId('paths-previous')
      .filter({
        hasText: `previous period ${fmtInt(pathsPrev.persons)} (${fmtChange((pathsNow.persons - pathsPrev.persons) / pathsPrev.persons)})`,
      })
      .waitFor({ timeout: 120_000 });

    const journeyId = (await api('GET', '/api/v1/journeys')).default;
    await page.goto(`${f.url}/journey?from=${from}&to=${to}`);
    const mapNow = await api('POST', '/api/v1/journeys/map', {
      from: `${from}T00:00:00.000Z`,
      to: `${addDays(to, 1)}T00:00:00.000Z`,
      journeyId,
    });
    const mapPrev = await api('POST', '/api/v1/journeys/map', { ...previous, journeyId });
    for (const st of mapNow.stages) {
      const before = mapPrev.stages.find((x: any) => x.id === st.id);
      const expected = `previous ${fmtInt(before.entered)} (${fmtChange(before.entered ? (st.entered - before.entered) / before.entered : null)})`;
      await page.getByTestId(`stage-${st.id}-previous`).filter({ hasText: expected }).waitFor({ timeout: 120_000 });
    }
    await page.screenshot({ path: join(ARTIFACTS, 'journey-compare.png'), fullPage: true });
    // Phone width: the previous-period lines wrap inside their panels, the header keeps Share on screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId(`stage-${mapNow.stages[0].id}-previous`).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'journey-compare-phone.png') });
    await page.goto(`${f.url}/paths?from=${from}&to=${to}`);
    await page.getByTestId('paths-previous').filter({ hasText: 'previous period' }).waitFor({ timeout: 120_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'paths-compare-phone.png'), fullPage: true });
    await page.getByRole('button', { name: 'Share Paths' }).click();
    await page.getByRole('button', { name: 'Create link' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'share-dialog-phone.png') });
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1440, height: 900 });

    // Predictions: the models fitted on the history up to the start of the default period.
    const info = await api('GET', '/api/v1/project/info');
    const currency = await page.evaluate(
      async () => (await (await fetch('/api/v1/projects')).json()).projects[0].settings.reportingCurrency,
    );
    const clvBefore = await api('POST', '/api/v1/predictions/clv', {
      top: 1,
      from: `${info.dataRange.first}T00:00:00.000Z`,
      to: `${info.defaultPeriod.from}T00:00:00.000Z`,
    });
    await page.goto(`${f.url}/predictions`);
    await page
      .locator('.stat-clv')
      .filter({ hasText: `previous period ${fmtMoney(clvBefore.totals.clv, currency)}` })
      .waitFor({ timeout: 180_000 });
    await page
      .locator('.stat-customers')
      .filter({ hasText: `previous period ${fmtInt(clvBefore.customers)}` })
      .waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'predictions-compare.png'), fullPage: true });
  });

  it('a share link made with the Share button opens its one view read-only, without signing in, until revoked', async () => {
    await page.goto(`${f.url}/retention?from=${from}&to=${to}&int=week`);
    const average = await page.getByTestId('retention-average').innerText({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Share Retention' }).click();
    await page.getByRole('button', { name: 'Create link' }).click();
    const url = await page
      .getByTestId('share-url')
      .locator('input')
      .or(page.locator('input[data-testid="share-url"]'))
      .first()
      .inputValue();
    assert.match(url, /\/retention\?.*share=wms_/);
    assert.match(url, new RegExp(`from=${from}`));
    await page.getByTestId('share-links').getByText('/retention').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'share-dialog.png') });
    const links = (await api('GET', '/api/v1/shares')).shares;
    assert.equal(links.length, 1);
    assert.equal(links[0].path, '/retention');
    assert.equal(links[0].state.from, from);

    // A fresh browser: no session cookie, only the link.
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const context = await f.browser.newContext({ viewport });
      const guest = await context.newPage();
      await guest.goto(url);
      await guest.getByRole('heading', { level: 2, name: 'Retention' }).waitFor();
      await guest.getByTestId('shared-read-only').waitFor();
      assert.equal(
        await guest.getByTestId('retention-average').innerText({ timeout: 120_000 }),
        average,
        'the same figures as the owner sees',
      );
      assert.equal(await guest.getByRole('button', { name: /^Share/ }).count(), 0);
      assert.equal(await guest.getByRole('navigation', { name: 'Views' }).count(), 0, 'one view only');
      await guest.screenshot({ path: join(ARTIFACTS, `shared-retention-${viewport.width}.png`), fullPage: true });
      await guest.screenshot({ path: `/tmp/shared-retention-${viewport.width}.png`, fullPage: true });
      // The token reads that view's data only, and changes nothing.
      const token = new URL(url).searchParams.get('share')!;
      const statuses = await guest.evaluate(async (t) => {
        const h = { 'x-waymark-share': t, 'content-type': 'application/json' };
        return [
          (
            await fetch('/api/v1/retention', {
              method: 'POST',
              headers: h,
              body: '{"cohortEvent":"Order Completed","returnEvent":"Order Completed"}',
            })
          ).status,
          (await fetch('/api/v1/funnels', { method: 'POST', headers: h, body: '{"steps":["Product Viewed","Order Completed"]}' })).status,
          (await fetch('/api/v1/chart-annotations', { method: 'POST', headers: h, body: '{"date":"2026-01-01","label":"x"}' })).status,
        ];
      }, token);
      assert.deepEqual(statuses, [200, 403, 403]);
      await context.close();
    }

    // A signed-in user opening the link sees the link's view too (the link's project, not their own choice).
    await page.goto(url);
    await page.getByTestId('shared-read-only').waitFor();
    assert.equal(await page.getByTestId('retention-average').innerText({ timeout: 120_000 }), average);

    // Revoked from the Share dialog: the link stops opening the view.
    await page.goto(`${f.url}/retention?from=${from}&to=${to}&int=week`);
    await page.getByRole('button', { name: 'Share Retention' }).click();
    await page.getByTestId('share-links').getByRole('button', { name: 'Revoke' }).click();
    await page.getByTestId('share-links').getByText('revoked').waitFor();
    const context = await f.browser.newContext();
    const guest = await context.newPage();
    await guest.goto(url);
    await guest.getByText('this shared link is revoked').waitFor();
    await context.close();
    await page.keyboard.press('Escape');
  });

  it('an annotation is a markLine on the Overview KPI trend, the weekly Funnels trend, the Feedback trend and the anomaly band', async () => {
    const day = addDays(to, -10);
    const label = 'Spring sale launch';
    await api('POST', '/api/v1/chart-annotations', { date: day, label, kind: 'campaign' });
    /** The markLines of a chart once its annotations (loaded beside its series) are drawn. */
    const markLines = async (name: string): Promise<Array<{ name: string; x: string }>> => {
      const chart = page.getByRole('img', { name });
      await chart.and(page.locator('[data-rendered]')).waitFor({ timeout: 120_000 });
      let lines: Array<{ name: string; x: string }> = [];
      for (let i = 0; i < 100 && !lines.some((l) => l.name === label); i++) {
        if (i > 0) await page.waitForTimeout(200);
        lines = await chart.evaluate((el) =>
          (el as HTMLElement & { __wmChart?: { getOption(): any } })
            .__wmChart!.getOption()
            .series.flatMap((s: any) => (s.markLine?.data ?? []).map((d: any) => ({ name: d.name, x: d.xAxis }))),
        );
      }
      return lines.filter((l) => l.name === label);
    };

    await page.goto(`${f.url}/overview?from=${from}&to=${to}`);
    assert.deepEqual(await markLines('Visitors and revenue over time, with annotations marked'), [{ name: label, x: day }]);
    await page.screenshot({ path: join(ARTIFACTS, 'overview-annotation.png'), fullPage: true });

    // Weekly points: the line sits on the week that holds its day.
    await page.goto(`${f.url}/funnels?from=${from}&to=${to}`);
    const weekly = await markLines('Funnel conversion per week');
    assert.equal(weekly.length, 1);
    assert.ok(weekly[0]!.x.slice(0, 10) <= day && weekly[0]!.x.slice(0, 10) > addDays(day, -7), weekly[0]!.x);

    await page.goto(`${f.url}/feedback?from=${from}&to=${to}`);
    assert.equal((await markLines('NPS by journey stage over time')).length, 1);

    await page.goto(`${f.url}/anomalies?kpi=orders`);
    assert.deepEqual(await markLines('orders with its expected band'), [{ name: label, x: day }]);
  });

  it('roi prints money as the rest of the CLI does, and anomaly subscriptions are listed, created and deleted', async () => {
    const json = JSON.parse(await waymark('--json', 'roi', '--model', 'markov'));
    const text = await waymark('roi', '--model', 'markov');
    const totals = json.tables[0].totals;
    const totalLine = text.split('\n').find((l) => l.startsWith('(total)'))!;
    assert.ok(totalLine.includes(fmtMoney(totals.spend)), totalLine);
    assert.ok(totalLine.includes(fmtMoney(totals.revenue)), totalLine);
    assert.ok(totalLine.includes(`${fmtNum(totals.roas, 2)}×`), totalLine);
    assert.doesNotMatch(text, /\d\.\d{3,}/, 'no raw decimals');
    assert.match(
      text.split('\n').find((l) => l.includes('spend') && l.includes('revenue') && l.includes('ROAS'))!,
      /conversions/,
    );

    assert.match(await waymark('anomalies', 'subscriptions', 'list'), /no anomaly subscriptions yet/);
    const created = await waymark('anomalies', 'subscriptions', 'create', '--kpi', 'orders', '--min-probability', '0.95');
    const subs = (await api('GET', '/api/v1/anomalies/subscriptions')).subscriptions;
    assert.equal(subs.length, 1);
    assert.equal(subs[0].kpi, 'orders');
    assert.equal(subs[0].minProbability, 0.95);
    assert.ok(created.includes(subs[0].id));
    const listed = await waymark('anomalies', 'subscriptions', 'list');
    assert.ok(listed.includes(subs[0].id) && listed.includes('95.0%'), listed);
    await waymark('anomalies', 'subscriptions', 'delete', subs[0].id);
    assert.equal((await api('GET', '/api/v1/anomalies/subscriptions')).subscriptions.length, 0);
  });
});
