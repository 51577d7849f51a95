/**
 * The dashboard end to end in Chromium on a small demo: sign in, open every view, change a
 * filter, check that the numbers on screen are the API's, export CSV. A screenshot per view goes
 * to test-artifacts/; time from navigation to first chart per view and the bundle size are
 * written to test-artifacts/dashboard-timings.json (reported, not asserted).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, chromiumAvailable, CHROMIUM, signIn, startDashboard, VIEWER, type DashboardFixture } from './browser.ts';

declare global {
  interface Window {
    __waymarkNavStart?: number;
    __waymarkFirstChart?: Record<string, number>;
  }
}

const fmtInt = (v: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(v);
const fmtPct = (v: number, digits = 1) => `${(v * 100).toFixed(digits)}%`;
const addDay = (day: string) => new Date(Date.parse(day + 'T00:00:00Z') + 86_400_000).toISOString().slice(0, 10);

/** Retries an assertion while the page re-renders (up to 5 s). */
async function eventually(check: () => Promise<void>): Promise<void> {
  const until = Date.now() + 5000;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('dashboard in Chromium', { timeout: 1_500_000 }, () => {
  let f: DashboardFixture;
  let page: Page;
  let range: { from: string; to: string };
  const timings: Record<string, number> = {};

  const api = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(f.url + path, {
      method,
      headers: { authorization: `Bearer ${f.secretKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.equal(r.status, 200, `${path}: ${r.status}`);
    return (await r.json()) as T;
  };
  const scope = () => ({ from: `${range.from}T00:00:00.000Z`, to: `${addDay(range.to)}T00:00:00.000Z` });

  /** Goes to a view through the navigation (as a user would), waits for its first chart. */
  async function open(title: string, ready = '[data-rendered="1"]'): Promise<void> {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('heading', { level: 2, name: new RegExp(`^${title.replace('&', '&')}`) }).waitFor();
    await page.locator(ready).first().waitFor({ timeout: 30_000 });
  }
  async function shot(name: string): Promise<void> {
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }
  async function csvOf(panel: string | RegExp): Promise<string[][]> {
    const name = typeof panel === 'string' ? `Export ${panel} as CSV` : panel;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name, exact: typeof panel === 'string' }).click(),
    ]);
    const text = readFileSync((await download.path())!, 'utf8');
    return text
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
  }

  before(async () => {
    assert.ok(chromiumAvailable(), `${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    f = await startDashboard(2000);
    ({ page } = await signIn(f.browser, f.url));
  });
  after(async () => {
    if (f) {
      const assets = join(new URL('../../web/dist/assets/', import.meta.url).pathname);
      const js = readdirSync(assets)
        .filter((n) => n.endsWith('.js'))
        .reduce((s, n) => s + statSync(join(assets, n)).size, 0);
      const firstChart = await page
        ?.evaluate(() => (window as unknown as { __waymarkFirstChart?: Record<string, number> }).__waymarkFirstChart ?? {})
        .catch(() => ({}));
      writeFileSync(
        join(ARTIFACTS, 'dashboard-timings.json'),
        JSON.stringify({ firstChartMs: { ...firstChart, ...timings }, jsBytes: js }, null, 2),
      );
      await f.close();
    }
  });

  it('shows the overview KPIs and channel table as the API computes them, and follows a range change', async () => {
    await page.locator('[data-testid="kpi-visitors-value"]').filter({ hasNotText: '…' }).waitFor();
    await page.locator('[data-rendered="1"]').first().waitFor();
    range = {
      from: await page.getByLabel('From', { exact: true }).inputValue(),
      to: await page.getByLabel('To', { exact: true }).inputValue(),
    };
    let k = await api('POST', '/api/v1/kpis', scope());
    assert.equal(await page.getByTestId('kpi-visitors-value').innerText(), fmtInt(k.overall.visitors.value));
    assert.equal(await page.getByTestId('kpi-conversionRate-value').innerText(), fmtPct(k.overall.conversionRate.value, 2));
    await shot('overview');

    // A filter change: the 7-day preset. The URL keeps it, the numbers follow.
    await page.getByRole('button', { name: '7d', exact: true }).click();
    await page.waitForURL(/from=/);
    range = {
      from: await page.getByLabel('From', { exact: true }).inputValue(),
      to: await page.getByLabel('To', { exact: true }).inputValue(),
    };
    assert.equal((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000, 6);
    k = await api('POST', '/api/v1/kpis', scope());
    await page
      .getByTestId('kpi-visitors-value')
      .filter({ hasText: fmtInt(k.overall.visitors.value) })
      .waitFor();
    const csv = await csvOf('Traffic by channel');
    assert.deepEqual(csv[0]!.slice(0, 3), ['Channel', 'Visitors', 'Δ visitors']);
    const top = [...k.byChannel].sort((a: any, b: any) => b.kpis.visitors.value - a.kpis.visitors.value)[0];
    assert.equal(csv[1]![0], top.channel);
    assert.equal(Number(csv[1]![1]), top.kpis.visitors.value);
    assert.equal(csv.length - 1, k.byChannel.length);
  });

  it('journey map: stage counts equal the API, a cell opens its details', async () => {
    await open('Journey map', '[data-testid="journey-grid"]');
    await page.locator('[data-rendered="1"]').first().waitFor();
    const map = await api('POST', '/api/v1/journeys/map', scope());
    for (const s of map.stages) assert.equal(await page.getByTestId(`stage-${s.id}-entered`).innerText(), fmtInt(s.entered));
    const busiest = [...map.grid].sort((a: any, b: any) => b.reached - a.reached)[0];
    await page.getByTestId(`cell-${busiest.stage}-${busiest.touchpoint}`).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('People reached', { exact: true }).waitFor();
    assert.match(await drawer.innerText(), new RegExp(`People reached\\s+${fmtInt(busiest.reached)}`));
    await shot('journey-cell');
    await page.keyboard.press('Escape');
    await shot('journey');
  });

  it('funnels: step counts equal the API; changing the window refetches', async () => {
    await open('Funnels');
    const steps = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'];
    const fun = await api('POST', '/api/v1/funnels', { ...scope(), steps, windowSeconds: 7 * 86400, trend: 'week' });
    const cells = page.getByTestId('table-funnel steps').locator('td[data-col="count"]');
    await cells.first().waitFor();
    assert.deepEqual(
      await cells.allInnerTexts(),
      fun.steps.map((s: any) => fmtInt(s.count)),
    );
    const csv = await csvOf(/^Export Conversion \d.* as CSV$/);
    assert.deepEqual(
      csv.slice(1).map((r) => Number(r[1])),
      fun.steps.map((s: any) => s.count),
    );
    await shot('funnels');

    // A filter change: a 1-day conversion window, answered by a new request.
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/funnels') && (r.request().postData() ?? '').includes('"windowSeconds":86400')),
      page.getByLabel('Window (days)').fill('1'),
    ]);
    await page.waitForURL(/win=1/);
    const narrow = await api('POST', '/api/v1/funnels', { ...scope(), steps, windowSeconds: 86400, trend: 'week' });
    await eventually(async () =>
      assert.deepEqual(
        await cells.allInnerTexts(),
        narrow.steps.map((s: any) => fmtInt(s.count)),
      ),
    );
  });

  it('paths, retention and attribution render their charts with the API numbers', async () => {
    await open('Paths');
    const body = {
      ...scope(),
      start: 'Product Viewed',
      steps: 4,
      stepType: 'event',
      unit: 'person',
      collapseRepeats: true,
      cleaning: [],
      maxNodesPerStep: 8,
      topPaths: 15,
    };
    const paths = await api('POST', '/api/v1/paths', body);
    await page.getByRole('heading', { name: `Paths of ${fmtInt(paths.persons)} people` }).waitFor();
    await shot('paths');

    // Weekly cohorts need more than the 7-day range chosen earlier (its only week is partial and
    // left out): widen it to 90 days, as a user would.
    await open('Retention', '[data-testid="retention-panel-empty"], [data-rendered="1"]');
    await page.getByRole('button', { name: '90d', exact: true }).click();
    await page.waitForURL(/from=/);
    range = {
      from: await page.getByLabel('From', { exact: true }).inputValue(),
      to: await page.getByLabel('To', { exact: true }).inputValue(),
    };
    await page.locator('[data-rendered="1"]').first().waitFor({ timeout: 30_000 });
    const ret = await api('POST', '/api/v1/retention', {
      ...scope(),
      cohortEvent: 'Order Completed',
      returnEvent: 'Order Completed',
      interval: 'week',
      mode: 'recurring',
      metric: 'persons',
      periods: 8,
    });
    assert.match(
      await page.getByTestId('retention-average').innerText(),
      new RegExp(`P0 ${ret.average[0] === null ? '–' : (ret.average[0] as number).toFixed(1).replace(/\.0$/, '')}`),
    );
    await shot('retention');

    await open('Attribution & ROI');
    const roi = await api('POST', '/api/v1/roi', { ...scope(), granularity: 'channel', model: 'markov' });
    const totals = page.getByTestId('roi-totals');
    await totals.waitFor({ timeout: 30_000 });
    assert.match(await totals.innerText(), new RegExp(`${fmtInt(roi.tables[0].totals.newCustomers)} new customers`));
    await shot('attribution');
  });

  it('customer, initiatives, experiments and settings open; a viewer cannot change settings', async () => {
    await open('Customer', '[data-testid="table-customers"]');
    await page.getByTestId('table-customers').locator('tbody tr').first().click();
    await page.locator('[data-rendered="1"]').first().waitFor();
    const person = new URL(page.url()).searchParams.get('person')!;
    const tl = await api('GET', `/api/v1/customers/${encodeURIComponent(person)}/timeline?limit=500`);
    assert.equal(await page.getByTestId('customer-orders').innerText(), fmtInt(tl.totals.orders));
    await shot('customer');

    await open('Initiatives', 'section[aria-label="What changed, and when"]');
    await shot('initiatives');
    await open('Experiments', 'section[aria-label="Experiments seen in the data"]');
    await page.getByTestId('table-experiments').or(page.getByText('No "Experiment Viewed" events yet')).first().waitFor();
    await shot('experiments');
    await open('Settings', 'section[aria-label="Team members"]');
    await page.getByTestId('team').getByText(VIEWER.email).waitFor();
    await shot('settings');

    const viewer = await signIn(f.browser, f.url, VIEWER);
    await viewer.page.goto(f.url + '/settings');
    await viewer.page.getByText('You are a viewer').waitFor();
    const res = await viewer.page.evaluate(
      async () =>
        (
          await fetch('/api/v1/project/settings', {
            method: 'PATCH',
            headers: { 'content-type': 'application/json' },
            body: '{"margin":0.5}',
          })
        ).status,
    );
    assert.equal(res, 403);
    await viewer.context.close();
  });

  it('fits a 390 px wide phone screen without sideways scrolling', async () => {
    const phone = await signIn(f.browser, f.url, undefined, { width: 390, height: 844 });
    await phone.page.goto(f.url + '/overview');
    await phone.page.locator('[data-rendered="1"]').first().waitFor();
    assert.equal(await phone.page.getByRole('button', { name: 'Toggle navigation' }).isVisible(), true);
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    await phone.page.screenshot({ path: join(ARTIFACTS, 'overview-390.png'), fullPage: true });
    await phone.page.goto(f.url + '/journey');
    await phone.page.getByTestId('journey-grid').waitFor({ timeout: 30_000 });
    await phone.page.screenshot({ path: join(ARTIFACTS, 'journey-390.png'), fullPage: true });
    await phone.context.close();
  });

  it(
    'opens the people behind the numbers: as many as the number on the overview, funnels and journey map',
    { timeout: 180_000 },
    async () => {
      const drawerTotal = async () => {
        const total = page.getByTestId('people-total');
        await total.filter({ hasNotText: 'Counting' }).waitFor({ timeout: 30_000 });
        return (await total.innerText()).replace(/ (people|person)$/, '');
      };
      const closeDrawer = async () => {
        await page.keyboard.press('Escape');
        await page.getByTestId('people-total').waitFor({ state: 'detached' });
      };
      await open('Overview', '[data-testid="kpi-visitors-people"]');
      for (const metric of ['visitors', 'returningVisitors'] as const) {
        const shown = await page.getByTestId(`kpi-${metric}-value`).innerText();
        await page.getByTestId(`kpi-${metric}-people`).click();
        assert.equal(await drawerTotal(), shown, metric);
        if (metric === 'visitors') await shot('people-visitors');
        await closeDrawer();
      }
      await open('Funnels');
      const cells = page.getByTestId('table-funnel steps').locator('td[data-col="count"]');
      for (const i of [0, 2]) {
        const shown = await cells.nth(i).innerText();
        await cells.nth(i).click();
        assert.equal(await drawerTotal(), shown, `funnel step ${i + 1}`);
        await closeDrawer();
      }
      await open('Journey map', '[data-testid="journey-grid"]');
      const map = await api('POST', '/api/v1/journeys/map', scope());
      const st = map.stages[1];
      await page.getByRole('button', { name: `People who entered ${st.name}` }).click();
      assert.equal(await drawerTotal(), fmtInt(st.entered));
      await closeDrawer();
    },
  );

  it(
    'dims the stale panels and shows progress while a changed filter loads, and cancels the request no longer wanted',
    { timeout: 120_000 },
    async () => {
      await open('Overview');
      const aborted: string[] = [];
      page.on('requestfailed', (r) => r.url().endsWith('/api/v1/kpis') && aborted.push(r.failure()?.errorText ?? ''));
      // Slow answers, so the in-between state can be seen.
      await page.route('**/api/v1/kpis', async (route) => {
        await new Promise((r) => setTimeout(r, 1500));
        await route.continue().catch(() => undefined);
      });
      // The whole range: no earlier test asked the overview for it, so no cache answers it at once.
      await page.getByRole('button', { name: 'All', exact: true }).click();
      await page.locator('[data-stale="1"]').first().waitFor({ timeout: 1000 });
      await page.getByRole('progressbar', { name: 'Loading' }).locator('div').first().waitFor({ timeout: 1000 });
      await shot('overview-stale');
      // A second change before the first answer: the first request is no longer wanted.
      await page.getByRole('button', { name: '30d', exact: true }).click();
      await page.locator('[data-stale="1"]').first().waitFor({ state: 'detached', timeout: 30_000 });
      await page.unroute('**/api/v1/kpis');
      assert.ok(aborted.length >= 1, 'the superseded request was cancelled');
    },
  );
});
