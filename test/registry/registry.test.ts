import assert from 'node:assert/strict';
import { it, describe } from 'node:test';
import { Command } from 'commander';
import Fastify from 'fastify';
import { isWriteRequest } from '../../src/auth/access.ts';
import { registerCommands } from '../../src/cli/commands/index.ts';
import { collectRoutes } from '../../src/api/openapi.ts';
import { registerAnalysisRoutes } from '../../src/api/routes/analyses.ts';
import type { AppContext } from '../../src/api/context.ts';
import { createProject } from '../../src/projects/projects.ts';
import { ANALYSES } from '../../src/registry/analyses.ts';
import { runAnalysisRequest } from '../../src/registry/run.ts';
import { defaultRange, RECENT_PERIOD_DAYS } from '../../src/scope/defaults.ts';
import { ingest } from '../support/ingest.ts';
import { describeEachStore } from '../support/stores.ts';

describe('analysis registry', () => {
  it('gives every analysis a unique id, route and command', () => {
    const unique = (xs: string[]) => new Set(xs).size === xs.length;
    assert.ok(ANALYSES.length >= 13);
    assert.ok(unique(ANALYSES.map((a) => a.id)), 'ids');
    assert.ok(unique(ANALYSES.map((a) => a.path)), 'paths');
    assert.ok(unique(ANALYSES.map((a) => a.command ?? a.id)), 'commands');
  });

  it('opens read analyses to viewers and keeps write analyses closed, from the registry alone', () => {
    for (const a of ANALYSES) assert.equal(isWriteRequest('POST', a.path), a.access === 'write', a.id);
    assert.equal(isWriteRequest('POST', '/api/v1/projects'), true);
  });

  it('documents every analysis route with its body schema in OpenAPI', async () => {
    const app = Fastify();
    const document = collectRoutes(app);
    registerAnalysisRoutes(app, { projectResolvers: [] } as unknown as AppContext);
    await app.ready();
    const paths = document().paths as Record<
      string,
      {
        post?: {
          summary?: string;
          requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, unknown> } } } };
        };
      }
    >;
    for (const a of ANALYSES) {
      const op = paths[a.path]?.post;
      assert.ok(op, `${a.path} documented`);
      assert.equal(op.summary, a.summary);
      const props = op.requestBody!.content['application/json'].schema.properties ?? {};
      if (a.scoped !== false) assert.ok('from' in props && 'to' in props, `${a.id} has the scope fields`);
      for (const field of Object.keys(a.input.shape)) assert.ok(field in props, `${a.id}.${field}`);
    }
    await app.close();
  });

  it('reaches every analysis from the CLI, derived from its schema when no adapter exists', () => {
    const program = new Command();
    registerCommands(program);
    for (const a of ANALYSES) {
      let command: Command | undefined = program;
      for (const word of (a.command ?? a.id).split(' ')) command = command?.commands.find((c) => c.name() === word);
      assert.ok(command, `waymark ${a.command ?? a.id}`);
    }
    const series = program.commands.find((c) => c.name() === 'kpis')!.commands.find((c) => c.name() === 'series');
    assert.ok(series?.options.some((o) => o.long === '--metric'));
  });

  it('defaults a missing range to the last 30 days of data, or all of it', () => {
    const data = { from: new Date('2026-01-01T10:00:00Z'), to: new Date('2026-03-15T12:00:00Z') };
    assert.deepEqual(defaultRange('all', data), data);
    const recent = defaultRange('recent', data);
    assert.equal(recent.to.toISOString(), data.to.toISOString());
    assert.equal(recent.from.toISOString(), '2026-02-14T00:00:00.000Z');
    assert.equal(RECENT_PERIOD_DAYS, 30);
    const short = { from: new Date('2026-03-10T00:00:00Z'), to: data.to };
    assert.deepEqual(defaultRange('recent', short), short);
  });
});

describeEachStore('the one default range rule', (ctx) => {
  it('counts the last 30 days for everyday analyses and all data for history models, the same through any surface', async () => {
    const { project } = await createProject(ctx.store, 'Defaults');
    const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d, 12)).toISOString();
    // One visitor a day for 60 days: a funnel without from/to sees only the recent 30.
    const messages = Array.from({ length: 60 }, (_, i) => [
      { type: 'page', messageId: `p${i}`, anonymousId: `v${i}`, timestamp: day(i), context: { page: { url: 'https://shop.example/' } } },
      { type: 'track', event: 'Signed Up', messageId: `s${i}`, anonymousId: `v${i}`, timestamp: day(i) },
    ]).flat();
    await ingest(ctx.store, project.id, messages, new Date(Date.UTC(2026, 2, 15)));
    const funnel = ANALYSES.find((a) => a.id === 'funnel')!;
    const recent = (await runAnalysisRequest(ctx.store, project, funnel, { steps: ['Page Viewed', 'Signed Up'] })) as {
      steps: { count: number }[];
      from: string;
    };
    // Data ends on day 59 at 12:00; the window is that day and the 29 before it: days 30..59.
    assert.equal(recent.steps[0]!.count, 30);
    const all = (await runAnalysisRequest(ctx.store, project, funnel, {
      steps: ['Page Viewed', 'Signed Up'],
      from: day(0),
      to: day(60),
    })) as { steps: { count: number }[] };
    assert.equal(all.steps[0]!.count, 60);
    const retention = ANALYSES.find((a) => a.id === 'retention')!;
    const cohorts = (await runAnalysisRequest(ctx.store, project, retention, {
      cohortEvent: 'Signed Up',
      interval: 'month',
      periods: 2,
    })) as { cohorts: { size: number }[] };
    assert.equal(
      cohorts.cohorts.reduce((n, c) => n + c.size, 0),
      60,
    );
  });
});
