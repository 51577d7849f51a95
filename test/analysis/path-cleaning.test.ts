import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { computePaths } from '../../src/analysis/paths.ts';
import { NOISE_STEPS, noiseSteps } from '../../src/analysis/path-cleaning.ts';
import { ingest, minutesAfter } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

const T0 = '2026-03-02T09:00:00.000Z';
let seq = 0;
const track = (anon: string, event: string, min: number) => ({
  type: 'track',
  event,
  anonymousId: anon,
  messageId: `n${seq++}`,
  timestamp: minutesAfter(T0, min),
});
const page = (anon: string, path: string, min: number) => ({
  type: 'page',
  anonymousId: anon,
  messageId: `n${seq++}`,
  timestamp: minutesAfter(T0, min),
  context: { page: { url: `https://shop.example${path}`, path } },
});

// A and B did the same thing; B's page views (one "Page Viewed" each with events as steps) split them.
const journeys = [
  track('A', 'Product Viewed', 0),
  track('A', 'Product Added', 1),
  track('A', 'Order Completed', 2),
  track('B', 'Product Viewed', 0),
  page('B', '/p/1', 1),
  page('B', '/p/2', 2),
  track('B', 'Product Added', 3),
  page('B', '/cart', 4),
  track('B', 'Order Completed', 5),
];
const scope = (projectId: string) => ({ projectId, from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') });

it('names generic page and screen views as noise, except when a path is anchored on one', () => {
  assert.deepEqual(NOISE_STEPS, ['Page Viewed', 'Screen Viewed']);
  assert.deepEqual(noiseSteps(['Product Viewed', undefined]), ['Page Viewed', 'Screen Viewed']);
  assert.deepEqual(noiseSteps(['Page Viewed']), ['Screen Viewed']);
});

describeEachStore('path noise', (ctx) => {
  const project = 'noise-project';
  before(async () => {
    await ingest(ctx.store, project, journeys);
  });

  it('leaves generic page views out by default, so equal journeys make one path', async () => {
    const r = await computePaths(ctx.store, scope(project), { start: 'Product Viewed', steps: 3, stepType: 'event' });
    assert.deepEqual(
      r.topPaths.map((p) => [p.steps.join(' → '), p.persons]),
      [['Product Viewed → Product Added → Order Completed', 2]],
    );
  });

  it('shows them with showNoise, and keeps them when the path is anchored on a page view', async () => {
    const shown = await computePaths(ctx.store, scope(project), { start: 'Product Viewed', steps: 3, stepType: 'event', showNoise: true });
    assert.deepEqual(
      shown.topPaths.map((p) => [p.steps.join(' → '), p.persons]),
      [
        ['Product Viewed → Page Viewed → Page Viewed → Product Added', 1],
        ['Product Viewed → Product Added → Order Completed', 1],
      ],
    );
    const anchored = await computePaths(ctx.store, scope(project), { start: 'Page Viewed', steps: 1, stepType: 'event' });
    assert.deepEqual(
      anchored.topPaths.map((p) => [p.steps.join(' → '), p.persons]),
      [['Page Viewed → Page Viewed', 1]],
    );
  });
});
