/**
 * Every view of the dashboard in Chromium on a small demo: time from navigation to first chart,
 * cold (a fresh browser context) and warm (back through the navigation), at a desktop and a phone
 * size, with a screenshot each and no sideways scrolling on the phone. The times are reported in
 * test-artifacts/view-timings.json, not asserted (performance is measured in npm run bench). A
 * file of its own so that the end-to-end checks of dashboard.test.ts keep their own time budget.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ARTIFACTS, chromiumAvailable, CHROMIUM, signIn, startDashboard, type DashboardFixture } from './browser.ts';

declare global {
  interface Window {
    __waymarkNavStart?: number;
    __waymarkFirstChart?: Record<string, number>;
  }
}

describe('every dashboard view in Chromium', { timeout: 1_500_000 }, () => {
  let f: DashboardFixture;

  before(async () => {
    assert.ok(chromiumAvailable(), `${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    f = await startDashboard(2000);
  });
  after(async () => {
    if (f) await f.close();
  });

  it('every view: time to first chart, cold and warm, at 1440×900 and 390×844, with screenshots', { timeout: 600_000 }, async () => {
    const VIEWS: Array<{ path: string; title: string; ready: string }> = [
      { path: 'overview', title: 'Overview', ready: '[data-rendered="1"]' },
      { path: 'journey', title: 'Journey map', ready: '[data-rendered="1"]' },
      { path: 'funnels', title: 'Funnels', ready: '[data-rendered="1"]' },
      { path: 'paths', title: 'Paths', ready: '[data-rendered="1"]' },
      { path: 'retention', title: 'Retention', ready: '[data-rendered="1"]' },
      { path: 'attribution', title: 'Attribution & ROI', ready: '[data-rendered="1"]' },
      { path: 'feedback', title: 'Feedback', ready: '[data-rendered="1"], .mantine-Alert-root' },
      { path: 'predictions', title: 'Predictions', ready: '[data-testid="table-top CLV"] tbody tr, .mantine-Alert-root' },
      { path: 'budget', title: 'Budget', ready: '[data-rendered="1"], .mantine-Alert-root' },
      { path: 'customer', title: 'Customer', ready: '[data-testid="table-customers"] tbody tr' },
      { path: 'initiatives', title: 'Initiatives', ready: 'section[aria-label="What changed, and when"]' },
      { path: 'experiments', title: 'Experiments', ready: 'section[aria-label="Experiments seen in the data"]' },
      { path: 'settings', title: 'Settings', ready: 'section[aria-label="Team members"]' },
    ];
    const signedIn = await signIn(f.browser, f.url, undefined, { width: 1440, height: 900 });
    const state = await signedIn.context.storageState();
    await signedIn.context.close();
    const rows: string[] = [];
    const table: Record<string, Record<string, number | null>> = {};
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const tag = String(viewport.width);
      for (const v of VIEWS) {
        // Cold: a fresh browser context (empty HTTP and query caches) opening the view's address.
        const context = await f.browser.newContext({ viewport, storageState: state });
        const p = await context.newPage();
        await p.goto(`${f.url}/${v.path}`);
        const ready = await p
          .locator(v.ready)
          .first()
          .waitFor({ timeout: 30_000 })
          .then(
            () => true,
            () => false,
          );
        const cold = ready ? await p.evaluate((path) => window.__waymarkFirstChart?.[path] ?? performance.now(), `/${v.path}`) : NaN;
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        await p.waitForTimeout(200);
        await p
          .screenshot({ path: join(ARTIFACTS, `${v.path}-${tag}.png`), fullPage: true, timeout: 10_000 })
          .catch(() => p.screenshot({ path: join(ARTIFACTS, `${v.path}-${tag}.png`), timeout: 10_000 }).catch(() => undefined));
        // Warm: away through the navigation and back (the query cache holds the answers).
        const nav = async (title: string) => {
          if (viewport.width < 768) await p.getByRole('button', { name: 'Toggle navigation' }).click();
          await p.evaluate(() => {
            window.__waymarkFirstChart = {};
          });
          await p.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: title, exact: true }).click();
        };
        await nav(v.path === 'settings' ? 'Overview' : 'Settings');
        await p.waitForTimeout(300);
        await nav(v.title);
        await p
          .locator(v.ready)
          .first()
          .waitFor({ timeout: 30_000 })
          .catch(() => undefined);
        const warm = await p.evaluate(
          (path) =>
            window.__waymarkFirstChart?.[path] ??
            (window.__waymarkNavStart !== undefined ? performance.now() - window.__waymarkNavStart : null),
          `/${v.path}`,
        );
        table[`${v.path} ${tag}`] = { cold: Math.round(cold), warm: warm === null ? null : Math.round(warm), overflow };
        rows.push(
          `| ${v.title} | ${viewport.width}×${viewport.height} | ${Math.round(cold)} ms | ${warm === null ? '–' : `${Math.round(warm)} ms`} | ${overflow > 0 ? `${overflow}px wider` : 'fits'} |`,
        );
        console.log(rows[rows.length - 1]);
        await context.close();
      }
    }
    console.log(['', '| view | screen | first chart, cold | warm | width |', '|---|---|---|---|---|', ...rows].join('\n'));
    writeFileSync(join(ARTIFACTS, 'view-timings.json'), JSON.stringify(table, null, 2));
    for (const [k, t] of Object.entries(table)) assert.ok(Number.isFinite(t.cold), `${k}: no first chart within 30 s`);
    for (const [k, t] of Object.entries(table))
      if (k.endsWith(' 390')) assert.ok((t.overflow ?? 0) <= 0, `${k}: the page is ${t.overflow}px wider than the phone`);
  });
});
