import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { computePaths, type PathsInput, type PathsResult } from '../../src/analysis/paths.ts';
import { ScopeError } from '../../src/scope/scope.ts';
import { ingest, minutesAfter } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const T0 = '2026-03-02T09:00:00.000Z';
const at = (min: number) => minutesAfter(T0, min);
let seq = 0;
const track = (anon: string, event: string, min: number, extra: object = {}) => ({
  type: 'track',
  event,
  anonymousId: anon,
  messageId: `m${seq++}`,
  timestamp: at(min),
  ...extra,
});
const page = (anon: string, path: string, min: number) => ({
  type: 'page',
  anonymousId: anon,
  messageId: `m${seq++}`,
  timestamp: at(min),
  context: { page: { url: `https://shop.example${path}`, path } },
});

/*
 * Hand-built journeys (one session each unless noted):
 *   A: /home, Product Viewed, Product Added, Checkout Started, Order Completed
 *   B: /home, Product Viewed, Product Viewed, /product/12, Product Added
 *   C: Product Viewed | 40 idle minutes → new session | Product Added
 *   D: /home, Products Searched                      (never views a product)
 *   E: Product Viewed, Order Completed
 */
const journeys = [
  page('A', '/home', 0),
  track('A', 'Product Viewed', 1),
  track('A', 'Product Added', 2),
  track('A', 'Checkout Started', 3),
  track('A', 'Order Completed', 4),
  page('B', '/home', 0),
  track('B', 'Product Viewed', 1),
  track('B', 'Product Viewed', 2),
  page('B', '/product/12', 3),
  track('B', 'Product Added', 4),
  track('C', 'Product Viewed', 0),
  track('C', 'Product Added', 40),
  page('D', '/home', 0),
  track('D', 'Products Searched', 1),
  track('E', 'Product Viewed', 0),
  track('E', 'Order Completed', 1),
];

const scope = (projectId: string) => ({ projectId, from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') });

/** Node id → persons, and "source → target" → persons, for compact exact assertions. */
function graph(r: PathsResult): { nodes: Record<string, number>; links: Record<string, number>; dropOff: Record<string, number> } {
  return {
    nodes: Object.fromEntries(r.nodes.map((n) => [n.id, n.persons])),
    links: Object.fromEntries(r.links.map((l) => [`${l.source} → ${l.target}`, l.persons])),
    dropOff: Object.fromEntries(r.nodes.filter((n) => n.dropOff > 0).map((n) => [n.id, n.dropOff])),
  };
}

describeEachStore('paths', (ctx) => {
  const project = 'paths-project';
  const run = (input: PathsInput) => computePaths(ctx.store, scope(project), input);
  before(async () => {
    await ingest(ctx.store, project, journeys);
  });

  it('follows the next steps after the first anchor, ending each path with its session', async () => {
    const r = await run({ start: 'Product Viewed', steps: 3 });
    assert.equal(r.mode, 'forward');
    assert.equal(r.persons, 4);
    assert.deepEqual(graph(r), {
      nodes: {
        '0:Product Viewed': 4,
        '1:Order Completed': 1,
        '1:Product Added': 1,
        '1:Product Viewed': 1,
        '2:/product/12': 1,
        '2:Checkout Started': 1,
        '3:Order Completed': 1,
        '3:Product Added': 1,
      },
      links: {
        '0:Product Viewed → 1:Order Completed': 1,
        '0:Product Viewed → 1:Product Added': 1,
        '0:Product Viewed → 1:Product Viewed': 1,
        '1:Product Added → 2:Checkout Started': 1,
        '1:Product Viewed → 2:/product/12': 1,
        '2:/product/12 → 3:Product Added': 1,
        '2:Checkout Started → 3:Order Completed': 1,
      },
      // C's session ends at the anchor; E stops after ordering; A and B reach depth 3.
      dropOff: { '0:Product Viewed': 1, '1:Order Completed': 1, '3:Order Completed': 1, '3:Product Added': 1 },
    });
    assert.equal(r.nodes.find((n) => n.id === '0:Product Viewed')!.share, 1);
    assert.equal(r.links.find((l) => l.target === '1:Order Completed')!.share, 0.25);
    assert.deepEqual(
      r.topPaths.map((p) => [p.steps.join(' > '), p.persons, p.share]),
      [
        ['Product Viewed', 1, 0.25],
        ['Product Viewed > Order Completed', 1, 0.25],
        ['Product Viewed > Product Added > Checkout Started > Order Completed', 1, 0.25],
        ['Product Viewed > Product Viewed > /product/12 > Product Added', 1, 0.25],
      ],
    );
  });

  it('follows the whole history within the range with unit person', async () => {
    const r = await run({ start: 'Product Viewed', steps: 1, unit: 'person' });
    assert.deepEqual(graph(r).nodes, { '0:Product Viewed': 4, '1:Product Added': 2, '1:Order Completed': 1, '1:Product Viewed': 1 });
  });

  it('reads the steps before the anchor with negative depths, backward', async () => {
    const r = await run({ end: 'Order Completed', steps: 2 });
    assert.equal(r.mode, 'backward');
    assert.equal(r.persons, 2);
    assert.deepEqual(graph(r), {
      nodes: { '-2:Product Added': 1, '-1:Checkout Started': 1, '-1:Product Viewed': 1, '0:Order Completed': 2 },
      links: {
        '-2:Product Added → -1:Checkout Started': 1,
        '-1:Checkout Started → 0:Order Completed': 1,
        '-1:Product Viewed → 0:Order Completed': 1,
      },
      // E's path reaches no further back than its first step.
      dropOff: { '-2:Product Added': 1, '-1:Product Viewed': 1 },
    });
    const same = await run({ start: 'Order Completed', direction: 'backward', steps: 2 });
    assert.deepEqual(graph(same), graph(r));
  });

  it('keeps only paths that reach the end anchor within the step limit, between two events', async () => {
    const r = await run({ start: 'Product Viewed', end: 'Order Completed', steps: 3 });
    assert.equal(r.mode, 'between');
    assert.equal(r.persons, 2);
    assert.deepEqual(graph(r).nodes, {
      '0:Product Viewed': 2,
      '1:Order Completed': 1,
      '1:Product Added': 1,
      '2:Checkout Started': 1,
      '3:Order Completed': 1,
    });
    const short = await run({ start: 'Product Viewed', end: 'Order Completed', steps: 2 });
    assert.equal(short.persons, 1, 'A needs 3 steps to order');
    assert.deepEqual(
      short.topPaths.map((p) => p.steps),
      [['Product Viewed', 'Order Completed']],
    );
  });

  it('applies cleaning rules in order and collapses consecutive repeats', async () => {
    const r = await run({
      start: 'Product Viewed',
      steps: 3,
      collapseRepeats: true,
      cleaning: [
        { pattern: '/product/\\d+', label: '/product/:id' },
        { pattern: ':id$', label: ':pid' },
      ],
    });
    assert.deepEqual(graph(r).nodes, {
      '0:Product Viewed': 4,
      '1:/product/:pid': 1,
      '1:Order Completed': 1,
      '1:Product Added': 1,
      '2:Checkout Started': 1,
      '2:Product Added': 1,
      '3:Order Completed': 1,
    });
    const pages = await run({ stepType: 'page', steps: 1, cleaning: [{ pattern: '^/product/.*', label: '/product/:id' }] });
    assert.deepEqual(graph(pages).links, { '0:/home → 1:/product/:id': 1 });
    assert.deepEqual(graph(pages).nodes, { '0:/home': 3, '1:/product/:id': 1 });
  });

  it('names the rule with a bad regular expression', async () => {
    await assert.rejects(
      run({
        start: 'Product Viewed',
        cleaning: [
          { pattern: 'ok', label: 'x' },
          { pattern: '/product/(\\d+', label: 'y' },
        ],
      }),
      (e: Error) => e instanceof ScopeError && /cleaning rule 2/.test(e.message),
    );
    await assert.rejects(run({ cleaning: [{ pattern: 'a(?=b)', label: 'y' }] }), /cleaning rule 1 .*look-around/);
  });

  it('groups all but the busiest labels of each depth as Other', async () => {
    const r = await run({ start: 'Product Viewed', steps: 2, unit: 'person', maxNodesPerStep: 1 });
    assert.deepEqual(graph(r), {
      nodes: { '0:Product Viewed': 4, '1:Product Added': 2, '1:Other': 2, '2:/product/12': 1, '2:Other': 1 },
      links: {
        '0:Product Viewed → 1:Product Added': 2,
        '0:Product Viewed → 1:Other': 2,
        '1:Product Added → 2:Other': 1,
        '1:Other → 2:/product/12': 1,
      },
      dropOff: { '1:Product Added': 1, '1:Other': 1, '2:/product/12': 1, '2:Other': 1 },
    });
  });

  it('starts at each first step without an anchor, and filters on where paths start or end', async () => {
    const r = await run({ steps: 1 });
    assert.deepEqual(graph(r).nodes, {
      '0:/home': 3,
      '0:Product Viewed': 2,
      '1:Product Viewed': 2,
      '1:Products Searched': 1,
      '1:Order Completed': 1,
    });
    const ending = await run({ start: 'Product Viewed', steps: 3, unit: 'person', endsWith: 'Product Added' });
    assert.equal(ending.persons, 2, 'B and C end on Product Added');
    const starting = await run({ steps: 4, startsWith: '/home', endsWith: 'Order Completed' });
    assert.deepEqual(
      starting.topPaths.map((p) => p.steps),
      [['/home', 'Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed']],
    );
  });

  it('prefixes labels with the touchpoint channel when asked', async () => {
    const r = await run({ steps: 1, includeChannel: true, startsWith: 'Direct · /home' });
    assert.deepEqual(graph(r).nodes, { '0:Direct · /home': 3, '1:Product Viewed': 2, '1:Products Searched': 1 });
  });

  it('builds an acyclic Sankey: every link goes one depth forward between existing nodes', async () => {
    for (const input of [
      { steps: 5 },
      { end: 'Order Completed', steps: 5 },
      { start: 'Product Viewed', steps: 5, unit: 'person' as const },
    ]) {
      const r = await run(input);
      // An empty result would pass every check below, so the graph must first have steps to check.
      assert.ok(r.nodes.length >= 3, `${JSON.stringify(input)} gives ${r.nodes.length} nodes`);
      assert.ok(r.links.length >= 2, `${JSON.stringify(input)} gives ${r.links.length} links`);
      const ids = new Set(r.nodes.map((n) => n.id));
      assert.equal(ids.size, r.nodes.length);
      for (const l of r.links) {
        assert.ok(ids.has(l.source) && ids.has(l.target));
        assert.equal(Number(l.target.split(':')[0]), Number(l.source.split(':')[0]) + 1);
      }
    }
  });
});

/*
 * Order and session edge cases:
 *   U browses on two devices linked by identify: the laptop (L) views a product, the phone (P)
 *     opens /home a minute later in its own session, then the laptop adds and checks out.
 *   T sends two steps at the same millisecond: message id 'tie-a' (Product Added) sorts before
 *     'tie-b' (Product Viewed), whatever order they arrive in; then Checkout Started.
 */
const edgeCases = [
  { type: 'identify', anonymousId: 'L', userId: 'u1', messageId: 'e-id-1', timestamp: at(-2) },
  { type: 'identify', anonymousId: 'P', userId: 'u1', messageId: 'e-id-2', timestamp: at(-2) },
  track('L', 'Product Viewed', 0, { messageId: 'e-1' }),
  page('P', '/home', 1),
  track('L', 'Product Added', 2, { messageId: 'e-2' }),
  track('L', 'Checkout Started', 3, { messageId: 'e-3' }),
  track('T', 'Product Viewed', 0, { messageId: 'tie-b' }),
  track('T', 'Product Added', 0, { messageId: 'tie-a' }),
  track('T', 'Checkout Started', 1, { messageId: 'tie-c' }),
];

describeEachStore('paths order and sessions', (ctx) => {
  const project = 'paths-edge-project';
  const run = (input: PathsInput) => computePaths(ctx.store, scope(project), input);
  const paths = (r: PathsResult) => r.topPaths.map((p) => [p.steps.join(' > '), p.persons]);
  before(async () => {
    await ingest(ctx.store, project, edgeCases);
  });

  it("stops a session path at another device's step in between, and follows it with unit person", async () => {
    const session = await run({ start: 'Product Viewed', steps: 3 });
    assert.deepEqual(paths(session), [
      ['Product Viewed', 1],
      ['Product Viewed > Checkout Started', 1],
    ]);
    const person = await run({ start: 'Product Viewed', steps: 3, unit: 'person' });
    assert.deepEqual(paths(person), [
      ['Product Viewed > /home > Product Added > Checkout Started', 1],
      ['Product Viewed > Checkout Started', 1],
    ]);
  });

  it('orders steps at the same millisecond by message id', async () => {
    const back = await run({ end: 'Checkout Started', steps: 2, unit: 'person' });
    assert.deepEqual(paths(back), [
      ['/home > Product Added > Checkout Started', 1],
      ['Product Added > Product Viewed > Checkout Started', 1],
    ]);
  });

  it('ends a path between two events at a channel-prefixed end step matched by its base label', async () => {
    const r = await run({ start: 'Product Viewed', end: '/home', steps: 3, unit: 'person', includeChannel: true });
    assert.equal(r.persons, 1);
    assert.deepEqual(paths(r), [['Product Viewed > Direct · /home', 1]]);
  });
});
