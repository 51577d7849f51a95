/**
 * The dashboard in Chromium: drill-down from attribution rows and experiment variations (the
 * list as long as the number, with each buyer's predicted CLV), experiment and initiative
 * reports in business units, and a 375 px phone screen measured by element geometry (funnel
 * labels that do not overlap, a project name that is not cut, ROAS and ROI on screen). Every
 * figure on screen is compared with the API's answer.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { fmtChange, fmtInt, fmtMoney, fmtPct, fmtPoints } from '../../src/format/numbers.ts';
import { ARTIFACTS, chromiumAvailable, CHROMIUM, signIn, startDashboard, type DashboardFixture } from './browser.ts';

const addDay = (day: string) => new Date(Date.parse(day + 'T00:00:00Z') + 86_400_000).toISOString().slice(0, 10);

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  text: string;
}
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('dashboard drill-down, business units and phone layout in Chromium', { timeout: 900_000 }, () => {
  let f: DashboardFixture;
  let page: Page;
  let currency = 'USD';

  const api = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(f.url + path, {
      method,
      headers: { authorization: `Bearer ${f.secretKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(r.status < 300, `${path}: ${r.status} ${await r.clone().text()}`);
    return (await r.json()) as T;
  };
  /** The range the page's filter bar shows, as the API's scope fields. */
  const scopeOf = async (p: Page) => {
    const from = await p.getByLabel('From', { exact: true }).inputValue();
    const to = await p.getByLabel('To', { exact: true }).inputValue();
    return { from: `${from}T00:00:00.000Z`, to: `${addDay(to)}T00:00:00.000Z` };
  };
  const drawerTotal = async (p: Page) => {
    const total = p.getByTestId('people-total');
    await total.filter({ hasNotText: 'Counting' }).waitFor({ timeout: 60_000 });
    return (await total.innerText()).replace(/ (people|person)$/, '');
  };
  const closeDrawer = async (p: Page) => {
    await p.keyboard.press('Escape');
    await p.getByTestId('people-total').waitFor({ state: 'detached' });
  };

  before(async () => {
    assert.ok(chromiumAvailable(), `${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    f = await startDashboard(1000);
    ({ page } = await signIn(f.browser, f.url));
    // The signed-in user's view of the project (the secret key does not list projects).
    const projects = await page.evaluate(async () => (await fetch('/api/v1/projects')).json());
    currency = projects.projects[0]?.settings?.reportingCurrency ?? 'USD';
  });
  after(async () => f?.close());

  it('attribution: each row shows the converters its touchpoint touched, and opens them with their predicted CLV', async () => {
    await page.goto(f.url + '/attribution');
    const table = page.getByTestId('table-roi');
    await table.locator('td[data-col="people"]').first().waitFor({ timeout: 60_000 });
    const roi = await api('POST', '/api/v1/roi', { ...(await scopeOf(page)), granularity: 'channel', model: 'markov' });
    const apiRows = roi.tables[0].rows as Array<{ touchpoint: string; people: number }>;
    const shown = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        touchpoint: (tr.querySelector('td[data-col="touchpoint"]') as HTMLElement).innerText.trim(),
        people: (tr.querySelector('td[data-col="people"]') as HTMLElement).innerText.trim(),
      })),
    );
    assert.equal(shown.length, apiRows.length);
    for (const s of shown)
      assert.equal(s.people, fmtInt(apiRows.find((r) => r.touchpoint === s.touchpoint)!.people), `${s.touchpoint} converters touched`);
    assert.match(
      await page.getByTestId('roi-people-note').innerText(),
      new RegExp(`^${fmtInt(roi.tables[0].totals.people)} people converted`),
    );

    // The totals of the previous period of equal length (the comparison switch is on by default).
    const now = await scopeOf(page);
    const days = Math.round((Date.parse(now.to) - Date.parse(now.from)) / 86_400_000);
    const before = { from: new Date(Date.parse(now.from) - days * 86_400_000).toISOString(), to: now.from };
    const prev = (await api('POST', '/api/v1/roi', { ...before, granularity: 'channel', model: 'markov' })).tables[0].totals;
    const cur = roi.tables[0].totals;
    const rel = (a: number, b: number) => (b > 0 ? ` (${fmtChange(a / b - 1)})` : '');
    const previous = page.getByTestId('roi-previous');
    await previous.filter({ hasNotText: 'loading' }).waitFor({ timeout: 60_000 });
    assert.ok(
      (await previous.innerText()).startsWith(
        `Previous period: spend ${fmtMoney(prev.spend, currency)}${rel(cur.spend, prev.spend)}, revenue ${fmtMoney(prev.revenue, currency)}${rel(cur.revenue, prev.revenue)}`,
      ),
      await previous.innerText(),
    );

    const top = [...apiRows].sort((a, b) => b.people - a.people)[0]!;
    await page.getByRole('button', { name: `People: converters touched by ${top.touchpoint}` }).click();
    assert.equal(await drawerTotal(page), fmtInt(top.people));
    // The first page of the list, with predicted CLV, as the people API answers it.
    const list = await api('POST', '/api/v1/people', {
      source: {
        kind: 'analysis',
        analysis: 'roi',
        input: { ...(await scopeOf(page)), granularity: 'channel', model: 'markov' },
        selection: { touchpoint: top.touchpoint },
      },
      limit: 25,
    });
    const drawer = page.getByRole('dialog');
    const clvCells = await drawer.locator('td[data-col="clv"]').allInnerTexts();
    assert.equal(clvCells.length, list.people.length);
    assert.deepEqual(
      clvCells,
      list.people.map((p: { clv: number | null }) => fmtMoney(p.clv, currency)),
    );
    assert.ok(
      list.people.some((p: { clv: number | null }) => p.clv !== null && p.clv > 0),
      'converters have a predicted CLV',
    );
    // The CLV column is on screen, not behind a sideways scroll (1280 px wide window).
    const clvHead = await drawer.getByRole('columnheader', { name: /^Predicted CLV/ }).boundingBox();
    assert.ok(clvHead && clvHead.x + clvHead.width <= 1280, `the CLV column ends at ${clvHead && clvHead.x + clvHead.width}px`);
    await page.screenshot({ path: join(ARTIFACTS, 'drill-attribution.png') });
    await closeDrawer(page);
  });

  it('experiments: per-variation people, rates in percent, revenue in currency, differences in points; each variation opens its people', async () => {
    const found = await api('GET', '/api/v1/experiments/discovered');
    const e = found.experiments[0];
    assert.ok(e, 'the demo runs an experiment');
    if (!e.configured)
      await api('POST', '/api/v1/experiments', {
        id: e.experimentId,
        name: 'Welcome offer',
        variations: e.variations.map((v: { id: string }) => ({ id: v.id, weight: 1 })),
        metrics: [
          { name: 'Purchase', kind: 'conversion' },
          { name: 'Revenue', kind: 'revenue' },
        ],
      });
    const report = await api('GET', `/api/v1/experiments/${encodeURIComponent(e.experimentId)}/report`);
    await page.goto(`${f.url}/experiments?experiment=${encodeURIComponent(e.experimentId)}`);
    const table = page.getByTestId('table-experiment results');
    await table.locator('td[data-col="value"]').first().waitFor({ timeout: 60_000 });

    // Exposures per variation, each a link to its people.
    for (const v of report.exposures.variations) assert.equal(await page.getByTestId(`exposed-${v.id}`).innerText(), fmtInt(v.persons));
    const v0 = report.exposures.variations[1] ?? report.exposures.variations[0];
    await page.getByTestId(`exposed-${v0.id}`).click();
    assert.equal(await drawerTotal(page), fmtInt(v0.persons));
    await closeDrawer(page);

    // Metric values in their units.
    const cells = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        people: (tr.querySelector('td[data-col="people"]') as HTMLElement).innerText.trim(),
        value: (tr.querySelector('td[data-col="value"]') as HTMLElement).innerText.trim(),
        diff: (tr.querySelector('td[data-col="diff"]') as HTMLElement).innerText.trim(),
        uplift: (tr.querySelector('td[data-col="uplift"]') as HTMLElement).innerText.trim(),
      })),
    );
    const expected = report.metrics.flatMap((m: any) =>
      m.report.variations.map((v: any, i: number) => {
        const c = m.report.variations[0];
        const res = i === 0 ? null : m.report.results[i - 1];
        const d = v.mean - c.mean;
        return {
          people: fmtInt(v.n),
          value: m.kind === 'conversion' ? fmtPct(v.mean, 2) : fmtMoney(v.mean, currency),
          diff: i === 0 ? 'control' : m.kind === 'conversion' ? fmtPoints(d, 2) : `${d >= 0 ? '+' : '−'}${fmtMoney(Math.abs(d), currency)}`,
          uplift: res ? `${fmtChange(res.uplift.mean)} (${fmtChange(res.ci[0])} to ${fmtChange(res.ci[1])})` : '',
        };
      }),
    );
    assert.deepEqual(cells, expected);
    assert.ok(
      cells.some((c) => c.value.startsWith('$') || /[€£]/.test(c.value)),
      'revenue in currency',
    );
    assert.ok(
      cells.some((c) => / pp$/.test(c.diff)),
      'conversion differences in percentage points',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'experiment-units.png'), fullPage: true });
  });

  it('initiatives: the lift of a rate KPI in percentage points and its relative change in percent, as the API computes them', async () => {
    const info = await api('GET', '/api/v1/project/info');
    const end = String(info.dataRange.last).slice(0, 10);
    const shipped = new Date(Date.parse(end) - 30 * 86_400_000).toISOString().slice(0, 10);
    const created = await api('POST', '/api/v1/initiatives', {
      name: 'Checkout redesign',
      shippedAt: shipped,
      kpi: 'conversion_rate',
      method: 'forecast',
    });
    const report = await api('GET', `/api/v1/initiatives/${encodeURIComponent(created.id)}/report`);
    await page.goto(`${f.url}/initiatives?initiative=${encodeURIComponent(created.id)}`);
    await page.getByTestId('lift-absolute').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('lift-absolute').innerText(), fmtPoints(report.lift.absolute.estimate, 2));
    assert.match(
      await page.getByTestId('lift-interval').innerText(),
      new RegExp(
        `^${fmtPoints(report.lift.absolute.low, 2).replace('+', '\\+')} to ${fmtPoints(report.lift.absolute.high, 2).replace('+', '\\+')}`,
      ),
    );
    if (report.lift.relative) assert.equal(await page.getByTestId('lift-relative').innerText(), fmtChange(report.lift.relative.estimate));
    await page.screenshot({ path: join(ARTIFACTS, 'initiative-units.png'), fullPage: true });
  });

  it('feedback: each score card names the previous period, as the API computes it', async () => {
    await page.goto(f.url + '/feedback');
    const card = page.locator('.mantine-Card-root').filter({ has: page.getByText('NPS', { exact: true }) });
    await card.getByText(/previous period/).waitFor({ timeout: 60_000 });
    const now = await scopeOf(page);
    const days = Math.round((Date.parse(now.to) - Date.parse(now.from)) / 86_400_000);
    const before = { from: new Date(Date.parse(now.from) - days * 86_400_000).toISOString(), to: now.from };
    const [cur, prev] = await Promise.all([api('POST', '/api/v1/feedback', now), api('POST', '/api/v1/feedback', before)]);
    assert.ok(cur.total.nps && prev.total.nps, 'NPS answers in both periods');
    const d = cur.total.nps.score - prev.total.nps.score;
    const expected = `previous period ${prev.total.nps.score.toFixed(0)} (${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(0)})`;
    assert.ok((await card.innerText()).includes(expected), `${await card.innerText()} should name ${expected}`);
    await page.screenshot({ path: join(ARTIFACTS, 'feedback-compare.png'), fullPage: true });
  });

  it("settings: each saved persona's size opens a list of as many people", async () => {
    await api('POST', '/api/v1/personas/suggested', {});
    await page.goto(f.url + '/settings');
    const sizes = page.getByTestId('persona-sizes');
    await sizes.waitFor({ timeout: 60_000 });
    const personas = (await api('GET', '/api/v1/personas')).personas as Array<{ id: string; name: string }>;
    assert.ok(personas.length > 0);
    for (const p of personas.slice(0, 2)) {
      const size = await api('GET', `/api/v1/personas/${encodeURIComponent(p.id)}/size`);
      const button = page.getByRole('button', { name: `People in persona ${p.name}` });
      assert.equal(await button.innerText(), fmtInt(size.persons));
      await button.click();
      assert.equal(await drawerTotal(page), fmtInt(size.persons), p.name);
      await closeDrawer(page);
    }
  });

  it('fits a 375 px phone: funnel step labels do not overlap, the project name is whole, ROAS and ROI are on screen', async () => {
    const phone = await signIn(f.browser, f.url, undefined, { width: 375, height: 812 });
    const p = phone.page;
    const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

    // The project name: the picker's text fits its box, and the box lies on screen.
    await p.goto(f.url + '/funnels');
    const picker = p.getByRole('textbox', { name: 'Project' }).or(p.getByLabel('Project')).first();
    await picker.waitFor();
    const name = await picker.evaluate((el) => {
      const input = el as HTMLInputElement;
      const r = input.getBoundingClientRect();
      return { scroll: input.scrollWidth, client: input.clientWidth, right: r.right, value: input.value };
    });
    assert.ok(name.value.length > 0);
    assert.ok(name.scroll <= name.client, `the project name "${name.value}" is cut: ${name.scroll}px of text in a ${name.client}px box`);
    assert.ok(name.right <= 375, `the project picker ends at ${name.right}px`);

    // Funnel step labels, as drawn on the canvas: every step has its label and no two intersect.
    const chart = p.locator('[aria-label="Funnel steps: reached and dropped"][data-rendered="1"]');
    await chart.waitFor({ timeout: 60_000 });
    const steps = await p.getByTestId('table-funnel steps').locator('tbody tr').count();
    // zrender draws a label as a text element whose glyph runs (tspans) carry the string; the box
    // of the label is its own bounding rect in chart coordinates.
    const labels: Box[] = await chart.evaluate((el) => {
      type Rect = { x: number; y: number; width: number; height: number; applyTransform(m: unknown): void };
      type Z = {
        type: string;
        ignore?: boolean;
        invisible?: boolean;
        style?: { text?: string };
        parent?: Z;
        getBoundingRect(): { clone(): Rect };
        getComputedTransform(): unknown;
      };
      const c = (el as HTMLElement & { __wmChart?: { getZr(): { storage: { getDisplayList(update: boolean): Z[] } } } }).__wmChart!;
      const out: Array<{ x: number; y: number; width: number; height: number; text: string }> = [];
      for (const z of c.getZr().storage.getDisplayList(true)) {
        const text = z.style?.text;
        if (typeof text !== 'string' || text === '' || z.ignore || z.invisible) continue;
        const r = z.getBoundingRect().clone();
        r.applyTransform(z.getComputedTransform());
        out.push({ x: r.x, y: r.y, width: r.width, height: r.height, text });
      }
      // Step labels start with the step number ("2. Product Added", or "2" alone when very narrow)
      // and may wrap onto more lines below; they are the lowest texts of the chart (axis values run
      // up the side, bar percentages sit inside the bars), so every line from the first one down.
      const first = out.filter((b) => /^\d+\. \S/.test(b.text) || (/^\d+$/.test(b.text) && b.y === Math.max(...out.map((o) => o.y))));
      const top = Math.min(...first.map((b) => b.y));
      return out.filter((b) => b.y >= top - 1);
    });
    assert.equal(
      labels.filter((l) => /^\d+(\. |$)/.test(l.text)).length,
      steps,
      `one label per step: ${labels.map((l) => l.text).join(' | ')}`,
    );
    const width = await chart.evaluate((el) => el.getBoundingClientRect().width);
    for (const [i, a] of labels.entries()) {
      assert.ok(a.x >= 0 && a.x + a.width <= width + 0.5, `label "${a.text}" leaves the chart`);
      for (const b of labels.slice(i + 1)) assert.ok(!overlaps(a, b), `labels "${a.text}" and "${b.text}" overlap`);
    }
    assert.ok((await overflow()) <= 0, 'the funnels page is wider than the phone');
    await p.screenshot({ path: join(ARTIFACTS, 'funnels-375.png'), fullPage: true });

    // ROI table: the deciding columns lie within the screen, the page does not scroll sideways.
    await p.goto(f.url + '/attribution');
    const roi = p.getByTestId('table-roi');
    await roi.locator('tbody tr').first().waitFor({ timeout: 60_000 });
    for (const col of ['touchpoint', 'roas', 'roi']) {
      const box = await roi.locator(`td[data-col="${col}"]`).first().boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 375, `ROI column ${col} is off screen: ${JSON.stringify(box)}`);
    }
    assert.ok((await overflow()) <= 0, 'the attribution page is wider than the phone');
    await p.screenshot({ path: join(ARTIFACTS, 'attribution-375.png'), fullPage: true });
    await phone.context.close();
  });
});
