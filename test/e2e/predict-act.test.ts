/**
 * The predict-and-act pages in Chromium on a small demo: personas, uplift, audiences and
 * anomalies show the API's figures; a discovered persona is saved as an audience and
 * re-evaluated; an annotation and a comment left on the anomalies report are seen by a viewer.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { fmtInt, fmtMoney, fmtNum, fmtPct, fmtPoints } from '../../src/format/numbers.ts';
import { listProjects } from '../../src/projects/projects.ts';
import { startReceiver, type Receiver } from '../audiences/receiver.ts';
import { ingest } from '../support/ingest.ts';
import { ARTIFACTS, chromiumAvailable, CHROMIUM, signIn, startDashboard, VIEWER, type DashboardFixture } from './browser.ts';

describe('predict and act pages in Chromium', { timeout: 900_000 }, () => {
  let f: DashboardFixture;
  let page: Page;
  let currency: string;
  let receiver: Receiver;

  const api = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(f.url + path, {
      method,
      headers: { authorization: `Bearer ${f.secretKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(r.status < 300, `${path}: ${r.status}`);
    return (await r.json()) as T;
  };
  async function open(title: string, ready: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('heading', { level: 2, name: title }).waitFor();
    await page.locator(ready).first().waitFor({ timeout: 120_000 });
  }
  const statValue = (cls: string) => page.locator(`.${cls} p`).nth(1).innerText();
  const cells = async (caption: string, col: string) =>
    page.locator(`[data-testid="table-${caption}"] td[data-col="${col}"]`).allInnerTexts();

  before(async () => {
    assert.ok(chromiumAvailable(), `${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    f = await startDashboard(2000);
    ({ page } = await signIn(f.browser, f.url));
    // The dashboard's own session lists projects with their settings (the secret key cannot).
    currency = await page.evaluate(async () => (await (await fetch('/api/v1/projects')).json()).projects[0].settings.reportingCurrency);
  });
  after(async () => {
    await receiver?.close();
    if (f) await f.close();
  });

  it('personas: k, sizes and value on the cards equal the discovery API; a persona is saved as an audience', async () => {
    await open('Personas', '[data-testid="persona-card-0"]');
    const r = await api('POST', '/api/v1/personas/discover', {});
    assert.equal(await statValue('stat-k'), fmtInt(r.k));
    assert.equal(await statValue('stat-bic'), fmtInt(r.bicK));
    assert.equal(await page.locator('[data-testid^="persona-card-"]').count(), r.personas.length);
    for (const p of r.personas) {
      assert.equal(await page.getByTestId(`persona-${p.cluster}-name`).innerText(), p.name);
      assert.equal(await page.getByTestId(`persona-${p.cluster}-size`).innerText(), fmtInt(p.size));
      assert.equal(await page.getByTestId(`persona-${p.cluster}-revenue`).innerText(), fmtMoney(p.value.revenuePerPerson, currency));
      assert.equal(await page.getByTestId(`persona-${p.cluster}-buyers`).innerText(), fmtPct(p.value.buyerShare, 0));
    }
    assert.deepEqual(
      await cells('personas by k', 'k'),
      r.silhouetteByK.map((x: any) => String(x.k)),
    );
    assert.deepEqual(
      await cells('personas by k', 'silhouette'),
      r.silhouetteByK.map((x: any) => fmtNum(x.silhouette, 3)),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'personas.png'), fullPage: true });

    const largest = [...r.personas].sort((a: any, b: any) => b.size - a.size)[0];
    await page.getByTestId(`persona-card-${largest.cluster}`).getByRole('button', { name: 'Save as audience' }).click();
    await page.getByTestId(`persona-card-${largest.cluster}`).getByRole('status').filter({ hasText: 'Saved as audience' }).waitFor();
    const audiences = (await api('GET', '/api/v1/audiences')).audiences;
    assert.equal(audiences.length, 1);
    assert.equal(audiences[0].name, largest.name);
    assert.equal(audiences[0].source.params.cluster, largest.cluster);
  });

  it('audiences: re-evaluating the saved persona shows the size and history the API reports', async () => {
    await open('Audiences', '[data-testid="table-audiences"]');
    const [saved] = (await api('GET', '/api/v1/audiences')).audiences;
    // Joins go to a real local receiver that checks the signature.
    const secret = 'whsec_e2e_receiver_secret_1234';
    receiver = await startReceiver(() => secret);
    await api('PUT', `/api/v1/audiences/${saved.id}`, {
      name: saved.name,
      source: saved.source,
      webhooks: [{ url: receiver.url, secret }],
    });
    await page.reload();
    await page.getByRole('button', { name: 'Re-evaluate now' }).click();
    await page.getByRole('status').filter({ hasText: 'Re-evaluated' }).waitFor();
    const detail = await api('GET', `/api/v1/audiences/${saved.id}`);
    assert.ok(detail.size > 0);
    await page
      .getByTestId('audience-size')
      .filter({ hasText: fmtInt(detail.size) })
      .waitFor();
    const history = await api('GET', `/api/v1/audiences/${saved.id}/history`);
    assert.equal(history.runs.length, 1);
    assert.equal(history.runs[0].joined, detail.size, 'a first evaluation: every member joined');
    await page
      .locator('[data-testid="table-audience runs"] td[data-col="joined"]')
      .filter({ hasText: fmtInt(detail.size) })
      .waitFor();
    assert.deepEqual(await cells('audience runs', 'left'), ['0']);

    // Webhook status: what the page lists is the delivery log, and the receiver got every join once.
    const deliveries = (await api('GET', `/api/v1/audiences/${saved.id}/deliveries`)).deliveries;
    assert.ok(deliveries.length > 0);
    await page.locator('[data-testid="table-audience deliveries"] td[data-col="outcome"]').first().waitFor();
    assert.deepEqual(
      await cells('audience deliveries', 'outcome'),
      deliveries.map((d: any) => d.outcome),
    );
    assert.ok(receiver.calls.every((c) => c.signatureValid));
    const joinedPersons = receiver
      .accepted()
      .filter((b: any) => b.type === 'audience.joined')
      .flatMap((b: any) => b.persons as string[]);
    assert.equal(joinedPersons.length, detail.size, 'every member announced');
    assert.equal(new Set(joinedPersons).size, detail.size, 'nobody announced twice');

    // The CSV export lists exactly the members.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    assert.equal(csv.length - 1, detail.size);

    // A second audience from a source picked in the form: the top purchase-propensity decile (decile 1).
    await page.getByLabel('Name').fill('Likely buyers');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Created "likely-buyers"' }).waitFor();
    const created = await api('GET', '/api/v1/audiences/likely-buyers');
    assert.deepEqual(created.source, { kind: 'model', model: 'propensity', params: { target: 'purchase', days: 30, deciles: [1] } });
    await page.locator('[data-testid="table-audiences"] td[data-col="id"]').filter({ hasText: 'likely-buyers' }).waitFor();
  });

  it('uplift: effect, learners and segments on screen equal the uplift API for the welcome offer', async () => {
    await page.goto(f.url + '/uplift?experiment=welcome-offer');
    await page.getByRole('heading', { level: 2, name: 'Uplift' }).waitFor();
    await page.locator('[data-rendered="1"]').first().waitFor({ timeout: 120_000 });
    const r = await api('POST', '/api/v1/uplift', { experiment: 'welcome-offer' });
    const t = r.treatments[0];
    assert.equal(await statValue('stat-ate'), fmtPoints(t.ate.estimate, 2));
    assert.equal(await statValue('stat-exposed'), fmtInt(r.arms.reduce((s: number, a: any) => s + a.persons, 0)));
    const chosen = t.learners.find((l: any) => l.learner === t.chosen);
    assert.equal(await statValue('stat-qini'), fmtNum(chosen.qini, 4));
    assert.deepEqual(
      await cells('uplift learners', 'qini'),
      t.learners.map((l: any) => fmtNum(l.qini, 4)),
    );
    assert.deepEqual(
      await cells('uplift segments', 'persons'),
      Object.values(t.segments).map((n) => fmtInt(n as number)),
    );
    const nba = await cells('next best action', 'persons');
    assert.equal(nba[nba.length - 1], fmtInt(r.nextBestAction.counts['no action']));
    await page.screenshot({ path: join(ARTIFACTS, 'uplift.png'), fullPage: true });
  });

  it('anomalies: a planted burst of Email orders is listed with its root cause as the API has it; an annotation and a comment are seen by a viewer', async () => {
    // 25 orders from newsletter visitors on one recent day (the demo has about one order a day then).
    const info = await api('GET', '/api/v1/project/info');
    const projectId = (await listProjects(f.store))[0]!.id;
    const day = new Date(Date.parse(info.dataRange.last + 'T00:00:00Z') - 5 * 86_400_000).toISOString().slice(0, 10);
    const burst = Array.from({ length: 25 }, (_v, i) => {
      const t = Date.parse(`${day}T12:00:00Z`) + i * 60_000;
      const user = `burst-${i}`;
      return [
        {
          type: 'page',
          userId: user,
          messageId: `burst-page-${i}`,
          timestamp: new Date(t).toISOString(),
          context: { page: { url: 'https://shop.example/?utm_source=newsletter&utm_medium=email' } },
        },
        {
          type: 'track',
          event: 'Order Completed',
          userId: user,
          messageId: `burst-order-${i}`,
          timestamp: new Date(t + 30_000).toISOString(),
          properties: { revenue: 80 },
          context: { page: { url: 'https://shop.example/checkout?utm_source=newsletter&utm_medium=email' } },
        },
      ];
    }).flat();
    await ingest(f.store, projectId, burst);

    await open('Anomalies', '[data-testid="anomaly-count"]');
    await page.locator('[data-rendered="1"]').first().waitFor({ timeout: 120_000 });
    const r = (await api('POST', '/api/v1/anomalies', { kpi: 'orders' })).kpis[0];
    const planted = r.anomalies.find((a: any) => a.date === day);
    assert.ok(planted, `the burst on ${day} is an anomaly: ${JSON.stringify(r.anomalies.map((a: any) => a.date))}`);
    assert.equal(planted.rootCauses[0].dimension, 'channel');
    assert.equal(planted.rootCauses[0].value, 'Email');
    assert.equal(await page.getByTestId('anomaly-count').innerText(), fmtInt(r.anomalies.length));
    await page.locator('[data-testid="table-anomalies"] td[data-col="cause"]').filter({ hasText: 'channel: Email' }).first().waitFor();
    assert.deepEqual(
      await cells('anomalies', 'date'),
      r.anomalies.map((a: any) => a.date),
    );
    assert.deepEqual(
      await cells('anomalies', 'probability'),
      r.anomalies.map((a: any) => fmtPct(a.probability, 1)),
    );
    const explained = r.anomalies.filter((a: any) => a.rootCauses.length > 0);
    assert.equal(
      (await cells('root causes', 'value')).length,
      explained.reduce((s: number, a: any) => s + a.rootCauses.length, 0),
    );

    const noteDay = r.bands[Math.floor(r.bands.length / 2)].date;
    await page.getByLabel('Annotate day').fill(noteDay);
    await page.getByLabel('Note', { exact: true }).fill('Spring sale launch');
    await page.getByRole('button', { name: 'Add annotation' }).click();
    await page
      .getByTestId('annotations')
      .filter({ hasText: `${noteDay} Spring sale launch` })
      .waitFor();
    const notes = (await api('GET', `/api/v1/chart-annotations?chart=orders`)).annotations;
    assert.ok(notes.some((n: any) => n.date === noteDay && n.label === 'Spring sale launch' && n.author.kind === 'user'));

    await page.getByLabel('Add a comment (@name mentions a teammate)').fill('Orders dip explained by the sale ending?');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.getByTestId('comment').filter({ hasText: 'Orders dip explained by the sale ending?' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'anomalies.png'), fullPage: true });

    const viewer = await signIn(f.browser, f.url, VIEWER);
    try {
      await viewer.page.goto(f.url + '/anomalies');
      await viewer.page.getByTestId('comment').filter({ hasText: 'Orders dip explained by the sale ending?' }).waitFor();
      await viewer.page.getByTestId('annotations').filter({ hasText: 'Spring sale launch' }).waitFor();
      assert.equal(await viewer.page.getByRole('button', { name: 'Comment', exact: true }).count(), 0, 'viewers read, they do not write');
    } finally {
      await viewer.context.close();
    }
  });
});
