import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type JourneyMap } from '../../analysis/journey-map.ts';
import type { Journey } from '../../journeys/definition.ts';
import { availableJourneys, resolveJourney, saveJourney } from '../../journeys/journeys.ts';
import { addScopeOptions, runScopedAnalysis, type ScopeOptions } from '../options.ts';
import { CliError, globalOptions, print, runOn } from '../target.ts';

const pct = (x: number | null) => (x === null ? '   –  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
const hours = (s: number | null) => (s === null ? '–' : `${(s / 3600).toFixed(1)} h`);

function renderMap(m: JourneyMap): string {
  const lines = [
    `${m.journey.name}: ${m.persons} persons, ${m.orders} orders, revenue ${m.revenue.toFixed(2)} (${m.from.slice(0, 10)} – ${m.to.slice(0, 10)})`,
    '',
  ];
  lines.push(
    `${'stage'.padEnd(16)} ${'entered'.padStart(9)} ${'→ next'.padStart(7)} ${'drop-off'.padStart(9)} ${'median to next'.padStart(15)} ${'emotion'.padStart(8)}`,
  );
  for (const s of m.stages) {
    lines.push(
      `${s.name.padEnd(16)} ${String(s.entered).padStart(9)} ${pct(s.conversionRate).padStart(7)} ${String(s.dropOff).padStart(9)} ${hours(s.medianTimeToNextSeconds).padStart(15)} ${(s.emotionScore === null ? '–' : s.emotionScore.toFixed(2)).padStart(8)}`,
    );
  }
  lines.push('', 'largest leaks (lost persons × average order value):');
  for (const l of m.leaks.slice(0, 10))
    lines.push(
      `  ${l.stage.padEnd(14)} ${l.touchpoint.padEnd(44)} ${String(l.lost).padStart(7)} × ${l.avgOrderValue.toFixed(2)} = ${l.value.toFixed(2)}`,
    );
  return lines.join('\n');
}

function renderJourney(j: Journey): string {
  return [
    `${j.id}: ${j.name}`,
    ...j.stages.map((s, i) => `  ${i + 1}. ${s.name} (${s.id}) — ${s.rules.length} rule(s)${s.description ? `: ${s.description}` : ''}`),
  ].join('\n');
}

export function registerJourneyCommands(program: Command): void {
  const journeys = program.command('journeys').description('journey definitions: stages and their rules');
  journeys
    .command('list')
    .description("the project's journeys (the default B2C template when none is defined)")
    .action(async (_o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const { journeys: result } = await runOn(opts, 'GET', '/api/v1/journeys', undefined, async (store, project) => ({
        journeys: await availableJourneys(store, project.id),
      }));
      print(opts, result, (js) => js.map(renderJourney).join('\n'));
    });
  journeys
    .command('show <id>')
    .description('one journey definition as JSON')
    .action(async (id: string, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const result = await runOn(opts, 'GET', `/api/v1/journeys/${encodeURIComponent(id)}`, undefined, (store, project) =>
        resolveJourney(store, project.id, id),
      );
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
      const result = await runOn(opts, 'POST', '/api/v1/journeys', body, (store, project) => saveJourney(store, project.id, body));
      print(opts, result, (j) => `saved ${renderJourney(j)}`);
    });

  addScopeOptions(
    program
      .command('journey-map')
      .description('stage × touchpoint numbers of a journey: reach, conversion, time, drop-off, revenue, feedback, leaks')
      .option('--journey <id>', "journey id or name (default: the project's default journey)"),
  ).action(async (o: ScopeOptions & { journey?: string }, command: Command) => {
    await runScopedAnalysis(globalOptions(command), o, '/api/v1/journeys/map', (scope) => ({ ...scope, journeyId: o.journey }), renderMap);
  });
}
