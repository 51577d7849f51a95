import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runAb } from '../../src/experiments/stats/index.ts';
import { ingest } from '../support/ingest.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { abMessages, HERO, HERO_PURCHASE } from '../experiments/fixtures.ts';

describe('experiments API', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('duckdb');
    await ingest(t.store, t.project.id, abMessages());
  });
  after(async () => t.close());

  it('discovers experiment ids from events and reports a configured experiment', async () => {
    const discovered = await t.api('GET', '/api/v1/experiments/discovered');
    assert.equal(discovered.status, 200);
    assert.deepEqual(
      discovered.body.experiments.map(
        (e: { experimentId: string; persons: number; configured: boolean; variations: { id: string; persons: number }[] }) => [
          e.experimentId,
          e.persons,
          e.configured,
          e.variations.map((v) => [v.id, v.persons]),
        ],
      ),
      [
        [
          'hero',
          22,
          false,
          [
            ['0', 11],
            ['1', 11],
            ['2', 1],
          ],
        ],
      ],
    );
    assert.equal((await t.api('POST', '/api/v1/experiments', HERO)).status, 201);
    const report = await t.api('GET', '/api/v1/experiments/hero/report');
    assert.equal(report.status, 200);
    assert.deepEqual(
      report.body.exposures.variations.map((v: { persons: number }) => v.persons),
      [10, 10],
    );
    const expected = runAb(HERO_PURCHASE).results[0]!;
    const got = report.body.metrics[0].report.results[0];
    assert.equal(got.expected, expected.expected);
    assert.deepEqual(got.ci, expected.ci);
    assert.equal(got.p_value, expected.p_value);
    assert.equal((await t.api('GET', '/api/v1/experiments')).body.experiments.length, 1);
    assert.equal((await t.api('GET', '/api/v1/experiments/discovered')).body.experiments[0].configured, true);
  });

  it('answers 404 for unknown experiments and 400 for invalid configurations', async () => {
    assert.equal((await t.api('GET', '/api/v1/experiments/nope/report')).status, 404);
    assert.equal((await t.api('GET', '/api/v1/experiments/nope')).status, 404);
    assert.equal((await t.api('DELETE', '/api/v1/experiments/nope')).status, 404);
    const oneArm = await t.api('POST', '/api/v1/experiments', { ...HERO, variations: [{ id: '0', weight: 1 }] });
    assert.equal(oneArm.status, 400);
    assert.equal(oneArm.body.field, 'variations');
    const badKind = await t.api('POST', '/api/v1/experiments', { ...HERO, metrics: [{ name: 'm', kind: 'ratio' }] });
    assert.equal(badKind.status, 400);
  });
});
