import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { computeJourneyMap, type JourneyMap } from '../../analysis/journey-map.ts';
import { resolveScope } from '../../analysis/scope.ts';
import type { Journey } from '../../journeys/definition.ts';
import { availableJourneys, resolveJourney, saveJourney } from '../../journeys/journeys.ts';
import { QueryBuilder } from '../../store/dialect/dialect.ts';
import type { Store } from '../../store/store.ts';
import { callServer, CliError, globalOptions, type GlobalOptions, list, print, resolveProject, runAnalysis, withStore } from '../target.ts';

/** The project's whole data range [first event, last event + 1 ms), the default period. */
export async function dataRange(opts: GlobalOptions, store?: Store, projectId?: string): Promise<{ from: string; to: string }> {
  let row: { first_ts: string | null; last_ts: string | null } | undefined;
  if (store && projectId) {
    const q = new QueryBuilder(store.dialect);
    row = (await store.query<{ first_ts: string | null; last_ts: string | null }>(q.build(`SELECT min(timestamp) AS first_ts, max(timestamp) AS last_ts FROM events WHERE project_id = ${q.str(projectId)}`)))[0];
  } else {
    row = (await callServer<{ rows: Array<{ first_ts: string | null; last_ts: string | null }> }>(opts, 'POST', '/api/v1/sql', { sql: 'SELECT min(timestamp) AS first_ts, max(timestamp) AS last_ts FROM events' })).rows[0];
  }
  if (!row?.first_ts || !row.last_ts) throw new CliError('the project has no events yet: give --from and --to');
  return { from: new Date(row.first_ts).toISOString(), to: new Date(Date.parse(new Date(row.last_ts).toISOString()) + 1).toISOString() };
}

const pct = (x: number | null) => (x === null ? '   –  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
const hours = (s: number | null) => (s === null ? '–' : `${(s / 3600).toFixed(1)} h`);

function renderMap(m: JourneyMap): string {
  const lines = [`${m.journey.name}: ${m.persons} persons, ${m.orders} orders, revenue ${m.revenue.toFixed(2)} (${m.from.slice(0, 10)} – ${m.to.slice(0, 10)})`, ''];
  lines.push(`${'stage'.padEnd(16)} ${'entered'.padStart(9)} ${'→ next'.padStart(7)} ${'drop-off'.padStart(9)} ${'median to next'.padStart(15)} ${'emotion'.padStart(8)}`);
  for (const s of m.stages) {
    lines.push(`${s.name.padEnd(16)} ${String(s.entered).padStart(9)} ${pct(s.conversionRate).padStart(7)} ${String(s.dropOff).padStart(9)} ${hours(s.medianTimeToNextSeconds).padStart(15)} ${(s.emotionScore === null ? '–' : s.emotionScore.toFixed(2)).padStart(8)}`);
  }
  lines.push('', 'largest leaks (lost persons × average order value):');
  for (const l of m.leaks.slice(0, 10)) lines.push(`  ${l.stage.padEnd(14)} ${l.touchpoint.padEnd(44)} ${String(l.lost).padStart(7)} × ${l.avgOrderValue.toFixed(2)} = ${l.value.toFixed(2)}`);
  return lines.join('\n');
}

function renderJourney(j: Journey): string {
  return [`${j.id}: ${j.name}`, ...j.stages.map((s, i) => `  ${i + 1}. ${s.name} (${s.id}) — ${s.rules.length} rule(s)${s.description ? `: ${s.description}` : ''}`)].join('\n');
}

export function registerJourneyCommands(program: Command): void {
  const journeys = program.command('journeys').description('journey definitions: stages and their rules');
  journeys
    .command('list')
    .description('the project\'s journeys (the default B2C template when none is defined)')
    .action(async (_o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const result = opts.server
        ? (await callServer<{ journeys: Journey[] }>(opts, 'GET', '/api/v1/journeys')).journeys
        : await withStore(opts, async (store) => availableJourneys(store, (await resolveProject(store, opts.project)).id));
      print(opts, result, (js) => js.map(renderJourney).join('\n'));
    });
  journeys
    .command('show <id>')
    .description('one journey definition as JSON')
    .action(async (id: string, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const result = opts.server
        ? await callServer<Journey>(opts, 'GET', `/api/v1/journeys/${encodeURIComponent(id)}`)
        : await withStore(opts, async (store) => resolveJourney(store, (await resolveProject(store, opts.project)).id, id));
      print(opts, result, (j) => JSON.stringify(j, null, 2));
    });
  journeys
    .command('import <file>')
    .description('save a journey defined in a JSON file (replaces one with the same id)')
    .action(async (file: string, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      let body: unknown;
      try {
        body = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new CliError(`${file}: ${(error as Error).message}`);
      }
      const result = opts.server
        ? await callServer<Journey>(opts, 'POST', '/api/v1/journeys', body)
        : await withStore(opts, async (store) => saveJourney(store, (await resolveProject(store, opts.project)).id, body));
      print(opts, result, (j) => `saved ${renderJourney(j)}`);
    });

  program
    .command('journey-map')
    .description('stage × touchpoint numbers of a journey: reach, conversion, time, drop-off, revenue, feedback, leaks')
    .option('--journey <id>', 'journey id or name (default: the project\'s default journey)')
    .option('--from <date>', 'start (default: first event)')
    .option('--to <date>', 'end, exclusive (default: just after the last event)')
    .option('--channels <list>', 'only persons reached through these channels (comma-separated)')
    .option('--persona <name>', 'only persons of this saved persona')
    .action(async (o: { journey?: string; from?: string; to?: string; channels?: string; persona?: string }, command: Command) => {
      const opts = globalOptions(command);
      const body = (range: { from: string; to: string }) => ({ from: o.from ?? range.from, to: o.to ?? range.to, channels: list(o.channels), persona: o.persona, journeyId: o.journey });
      const serverBody = opts.server ? body(o.from && o.to ? { from: o.from, to: o.to } : await dataRange(opts)) : {};
      await runAnalysis(
        opts,
        '/api/v1/journeys/map',
        serverBody,
        async (store, project) => {
          const b = body(o.from && o.to ? { from: o.from, to: o.to } : await dataRange(opts, store, project.id));
          const scope = await resolveScope(store, project.id, { from: new Date(b.from), to: new Date(b.to), channels: b.channels, persona: b.persona });
          return computeJourneyMap(store, scope, { journeyId: b.journeyId });
        },
        renderMap,
      );
    });
}
