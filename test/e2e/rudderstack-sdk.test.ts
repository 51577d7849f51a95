/**
 * RudderStack's real browser SDK (v3, the npm package's bundled build) in Chromium, pointed at a
 * Waymark server with only dataPlaneUrl and configUrl: it fetches /sourceConfig/ cross-origin, then
 * a page, an identify, a track and an order arrive, with the UTM channel and the identity resolved.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { QueryBuilder } from '../../src/store/dialect/dialect.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { CHROMIUM } from './browser.ts';

// The package exports no subpaths; its bundled UMD build (every plugin inside, nothing fetched) is read from the install.
const SDK = new URL('../../node_modules/@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js', import.meta.url).pathname;

describe('RudderStack browser SDK v3 in Chromium', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let t: TestServer;
  let site: Server;
  let browser: Browser;
  let rows: Array<Record<string, unknown>> = [];
  const requests: string[] = [];

  before(async () => {
    t = await startTestServer('duckdb');
    const sdk = readFileSync(SDK, 'utf8');
    // The customer's site, on another origin than Waymark.
    site = createServer((req, res) => {
      if (req.url === '/sdk.js') {
        res.setHeader('content-type', 'text/javascript');
        res.end(sdk);
        return;
      }
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><html><head><title>Shop</title><script src="/sdk.js"></script></head><body><script>
        const ra = new rudderanalytics.RudderAnalytics();
        ra.load(${JSON.stringify(t.writeKey)}, ${JSON.stringify(t.url)}, { configUrl: ${JSON.stringify(t.url)} });
        ra.ready(() => { window.rsReady = true; });
        ra.page();
        ra.identify('u-rs', { email: 'rs@example.com' });
        ra.track('Product Viewed', { product_id: 'p1' });
        ra.track('Order Completed', { order_id: 'o1', revenue: 42, currency: 'USD' });
      </script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
    const port = (site.address() as { port: number }).port;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage();
    page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await page.goto(`http://127.0.0.1:${port}/?utm_source=newsletter&utm_medium=email&utm_campaign=spring`);
    await page.waitForFunction(() => (window as unknown as { rsReady?: boolean }).rsReady === true, undefined, { timeout: 20_000 });
    // Wait until the four messages are loaded (the loader runs every 200 ms in tests).
    const q = new QueryBuilder(t.store.dialect);
    const sql = q.build(
      `SELECT type, event, anonymous_id, user_id, person_id, channel, source, medium, campaign, revenue FROM events WHERE project_id = ${q.str(t.project.id)} ORDER BY timestamp, message_id`,
    );
    for (let i = 0; i < 100 && rows.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 200));
      rows = await t.store.query(sql);
    }
  });
  after(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
  });

  it('fetches the source config from Waymark, then posts to its data plane', () => {
    assert.ok(requests.includes('GET /sourceConfig/'), requests.join(', '));
    for (const path of ['/v1/page', '/v1/identify', '/v1/track'])
      assert.ok(requests.includes(`POST ${path}`), `${path}: ${requests.join(', ')}`);
  });

  it('stores the page, identify, track and order with the UTM channel and one resolved person', () => {
    assert.deepEqual(rows.map((r) => [r.type, r.event]).sort(), [
      ['identify', 'Identify'],
      ['page', 'Page Viewed'],
      ['track', 'Order Completed'],
      ['track', 'Product Viewed'],
    ]);
    assert.deepEqual([...new Set(rows.map((r) => r.person_id))], ['u-rs']);
    assert.equal(new Set(rows.map((r) => r.anonymous_id)).size, 1);
    const pageRow = rows.find((r) => r.type === 'page')!;
    assert.deepEqual([pageRow.channel, pageRow.source, pageRow.medium, pageRow.campaign], ['Email', 'newsletter', 'email', 'spring']);
    assert.equal(rows.find((r) => r.event === 'Order Completed')!.revenue, 42);
  });
});
