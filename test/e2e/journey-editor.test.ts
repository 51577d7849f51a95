/**
 * The visual stage and persona editors in Settings, in Chromium against a real server: a template
 * is picked, its stages show live counts of the project's own persons (hand-counted below), an
 * event picked from the project's vocabulary changes a stage's count before anything is saved,
 * and saving stores the edited journey and persona.
 *
 * Five persons (all identified):
 * - ann: page, Product Viewed, Product Added, Checkout Started, two orders;
 * - bob: page, Product Viewed, Product Added; cat: page, Product Viewed; dan: page;
 * - eve: Email Opened, then an order.
 * E-commerce template: visit 5, browse 3 (ann, bob, cat), cart 2, checkout 1, first order 2 (ann,
 * eve), repeat order 1 (ann). With Email Opened added to browse: 4. Ann's repeat order (40) is
 * refunded: orders 120 + 40 + 60 = 220 gross, 180 net, so an order is worth 60 net (73.33 gross).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/api/server.ts';
import { createUser } from '../../src/auth/users.ts';
import { loadConfig } from '../../src/config/config.ts';
import { fmtMoney } from '../../src/format/numbers.ts';
import { createProject } from '../../src/projects/projects.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { ingest } from '../support/ingest.ts';
import { ARTIFACTS, CHROMIUM, chromiumAvailable, OWNER, signIn } from './browser.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

let n = 0;
const at = (minute: number) => new Date(Date.parse('2026-05-04T10:00:00Z') + minute * 60_000).toISOString();
const page = (userId: string, minute: number) => ({
  type: 'page',
  messageId: `p${n++}`,
  userId,
  timestamp: at(minute),
  properties: { path: '/', url: 'https://shop.example/' },
});
const track = (userId: string, minute: number, event: string, properties: object = {}) => ({
  type: 'track',
  messageId: `t${n++}`,
  userId,
  timestamp: at(minute),
  event,
  properties,
});

function messages(): object[] {
  return [
    page('ann', 0),
    track('ann', 1, 'Product Viewed', { product_id: 'tent', category: 'camping' }),
    track('ann', 2, 'Product Added', { product_id: 'tent' }),
    track('ann', 3, 'Checkout Started', { order_id: 'o1' }),
    track('ann', 4, 'Order Completed', { order_id: 'o1', revenue: 120 }),
    track('ann', 600, 'Order Completed', { order_id: 'o2', revenue: 40 }),
    track('ann', 900, 'Order Refunded', { order_id: 'o2', revenue: 40 }),
    page('bob', 10),
    track('bob', 11, 'Product Viewed', { product_id: 'boots', category: 'hiking' }),
    track('bob', 12, 'Product Added', { product_id: 'boots' }),
    page('cat', 20),
    track('cat', 21, 'Product Viewed', { product_id: 'stove', category: 'camping' }),
    page('dan', 30),
    track('eve', 40, 'Email Opened', { campaign: 'spring' }),
    track('eve', 50, 'Order Completed', { order_id: 'o3', revenue: 60 }),
  ];
}

describe('journey and persona editors in Chromium', { timeout: 600_000 }, () => {
  let dataDir: string;
  let store: Store;
  let server: RunningServer;
  let browser: Browser;
  let ui: Page;
  let secretKey: string;

  const api = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${secretKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(r.ok, `${path}: ${r.status}`);
    return (await r.json()) as T;
  };
  const counts = async (ids: string[]) =>
    Promise.all(ids.map(async (id) => (await ui.getByTestId(`stage-count-${id}`).innerText()).trim()));
  /** Retries an assertion while the page re-renders (up to 10 s). */
  async function eventually(check: () => Promise<void>): Promise<void> {
    const until = Date.now() + 10_000;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > until) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  before(async () => {
    assert.ok(chromiumAvailable(), `${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    execFileSync(process.execPath, [join(ROOT, 'web', 'build-if-stale.mjs')], { stdio: 'ignore' });
    dataDir = mkdtempSync(join(tmpdir(), 'waymark-editor-'));
    const config = loadConfig({ dataDir, port: 0, logLevel: 'silent' }, {});
    store = await openStore(config.store, dataDir);
    const created = await createProject(store, 'Outdoor shop');
    secretKey = created.secretKey;
    await ingest(store, created.project.id, messages());
    await createUser(store, { ...OWNER, role: 'owner' });
    server = await startServer(config, { store });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ page: ui } = await signIn(browser, server.url));
    await ui.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Settings', exact: true }).click();
    await ui.getByRole('region', { name: 'Journey stage editor' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("previews a template's stages with live counts of the project's persons", async () => {
    const editor = ui.getByRole('region', { name: 'Journey stage editor' });
    await editor.getByLabel('Start from').click();
    await ui.getByRole('option', { name: 'Template: E-commerce' }).click();
    const ids = ['visit', 'browse', 'cart', 'checkout', 'purchase', 'repeat'];
    await eventually(async () => assert.deepEqual(await counts(ids), ['5', '3', '2', '1', '2', '1']));
    assert.equal(await ui.getByTestId('preview-persons').innerText(), '5');
    // The same figures as the preview endpoint gives for the template.
    const { templates } = await api('GET', '/api/v1/journeys/templates');
    const preview = await api('POST', '/api/v1/journeys/preview', { journey: templates.find((t: { id: string }) => t.id === 'ecommerce') });
    assert.deepEqual(
      preview.journey.stages.map((s: { entered: number }) => String(s.entered)),
      await counts(ids),
    );
  });

  it('updates a stage count live when an event from the vocabulary is added to its rule, then saves the journey', async () => {
    const rule = ui.getByRole('group', { name: 'Browse rule 1' });
    await eventually(async () => assert.match(await rule.getByTestId('rule-count').innerText(), /^matches 3 persons · 3 events$/));
    await rule.getByLabel('Events').click();
    await ui.getByRole('option', { name: /^Email Opened \(1\)$/ }).click();
    await ui.keyboard.press('Escape');
    await eventually(async () => assert.equal((await ui.getByTestId('stage-count-browse').innerText()).trim(), '4'));
    await eventually(async () => assert.match(await rule.getByTestId('rule-count').innerText(), /^matches 4 persons · 4 events$/));
    await ui.screenshot({ path: join(ARTIFACTS, 'journey-editor.png'), fullPage: true });

    const editor = ui.getByRole('region', { name: 'Journey stage editor' });
    await editor.getByLabel('Journey name').fill('Outdoor shop journey');
    await editor.getByRole('button', { name: 'Save journey' }).click();
    await editor.getByRole('status').filter({ hasText: 'Saved "Outdoor shop journey".' }).waitFor();
    const { journeys } = await api('GET', '/api/v1/journeys');
    assert.equal(journeys.length, 1);
    assert.equal(journeys[0].name, 'Outdoor shop journey');
    assert.deepEqual(
      journeys[0].stages.map((s: { id: string }) => s.id),
      ['visit', 'browse', 'cart', 'checkout', 'purchase', 'repeat'],
    );
    assert.deepEqual(journeys[0].stages[1].rules[0].events, ['Product Viewed', 'Products Searched', 'Product List Viewed', 'Email Opened']);
  });

  it('counts a draft persona live as its rule changes, then saves it', async () => {
    const editor = ui.getByRole('region', { name: 'Persona editor' });
    // The new persona's rule: at least one order (ann, eve).
    await eventually(async () => assert.equal(await editor.getByTestId('persona-count').innerText(), '2'));
    await editor.getByRole('group', { name: 'Persona rule 1' }).getByLabel('Value').fill('2');
    await eventually(async () => assert.equal(await editor.getByTestId('persona-count').innerText(), '1'));
    await editor.getByLabel('Persona name').fill('Repeat buyers');
    await editor.getByRole('button', { name: 'Save persona' }).click();
    await editor.getByRole('status').filter({ hasText: 'Saved "Repeat buyers".' }).waitFor();
    const { personas } = await api('GET', '/api/v1/personas');
    const saved = personas.find((p: { name: string }) => p.name === 'Repeat buyers');
    assert.deepEqual(saved.segment, { match: 'all', rules: [{ kind: 'order_count', op: 'gte', value: 2 }] });
    const size = await api('GET', `/api/v1/personas/${saved.id}/size`);
    assert.equal(size.persons, 1);
  });

  it("shows the saved journey's leak formula on the journey map with the order value net of refunds", async () => {
    await ui.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Journey map', exact: true }).click();
    const formula = ui.getByTestId('leak-formula');
    await formula.waitFor({ timeout: 30_000 });
    const map = await api('POST', '/api/v1/journeys/map', {});
    assert.equal(map.journey.name, 'Outdoor shop journey');
    assert.deepEqual([map.grossRevenue, map.refunds, map.revenue, map.avgOrderValue], [220, 40, 180, 60]);
    const text = await formula.innerText();
    assert.match(text, /net of refunds/);
    assert.ok(text.includes(`An order is worth $60.00 net of refunds ($73.33 gross)`), text);
    assert.ok(text.includes(`all leaks together ${fmtMoney(map.leakTotal)} of ${fmtMoney(map.revenuePossible)} possible`), text);
  });

  it('fits a phone screen without scrolling sideways', async () => {
    const phone = await signIn(browser, server.url, OWNER, { width: 390, height: 844 });
    try {
      await phone.page.goto(server.url + '/settings');
      await phone.page.getByRole('region', { name: 'Journey stage editor' }).getByTestId('journey-preview').waitFor({ timeout: 30_000 });
      await phone.page.getByTestId('persona-count').waitFor();
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
    } finally {
      await phone.context.close();
    }
  });

  it('deletes a saved persona and a saved journey after a second click, and the editors fall back to what remains', async () => {
    await ui.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Settings', exact: true }).click();
    const personaEditor = ui.getByRole('region', { name: 'Persona editor' });
    await personaEditor.getByLabel('Persona', { exact: true }).click();
    await ui.getByRole('option', { name: 'Repeat buyers' }).click();
    await personaEditor.getByRole('button', { name: 'Delete persona' }).click();
    // Armed, not yet deleted.
    assert.ok((await api('GET', '/api/v1/personas')).personas.some((p: { name: string }) => p.name === 'Repeat buyers'));
    await personaEditor.getByRole('button', { name: 'Confirm: delete persona' }).click();
    await personaEditor.getByRole('status').filter({ hasText: 'Deleted "Repeat buyers".' }).waitFor();
    assert.equal(
      (await api('GET', '/api/v1/personas')).personas.some((p: { name: string }) => p.name === 'Repeat buyers'),
      false,
    );

    const journeyEditor = ui.getByRole('region', { name: 'Journey stage editor' });
    await journeyEditor.getByLabel('Start from').click();
    await ui.getByRole('option', { name: 'Outdoor shop journey (in use)' }).click();
    await journeyEditor.getByRole('button', { name: 'Delete journey' }).click();
    await journeyEditor.getByRole('button', { name: 'Confirm: delete journey' }).click();
    await ui.screenshot({ path: join(ARTIFACTS, 'journey-editor-deleted.png'), fullPage: true });
    await journeyEditor.getByRole('status').filter({ hasText: 'Deleted "Outdoor shop journey".' }).waitFor({ timeout: 10_000 });
    // Nothing stored: the project is back on the built-in template, which is listed as in use and cannot be deleted.
    const after = await api('GET', '/api/v1/journeys');
    assert.deepEqual(
      after.journeys.map((j: { id: string }) => j.id),
      [after.template.id],
    );
    await eventually(async () =>
      assert.equal(await journeyEditor.getByLabel('Start from').inputValue(), `${after.template.name} (in use)`),
    );
    assert.equal(await journeyEditor.getByRole('button', { name: 'Delete journey' }).count(), 0);
  });
});
