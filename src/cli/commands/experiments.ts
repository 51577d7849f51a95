import type { Command } from 'commander';
import { experimentReport, type ExperimentReport } from '../../experiments/experiment-report.ts';
import { getExperiment, listExperiments, saveExperiment, type Experiment, type ExperimentInput } from '../../experiments/experiments.ts';
import { discoverExperiments } from '../../experiments/exposures.ts';
import { CliError, globalOptions, list, print, runOn } from '../target.ts';

interface CreateOptions {
  id: string;
  name?: string;
  variations: string;
  weights?: string;
  metric: string[];
  guardrail: string[];
  method: string;
  correction: string;
  cupedDays?: string;
  start?: string;
  end?: string;
}

/** "kind[:event[:windowDays]]", e.g. "conversion:Order Completed:14" or "revenue". */
function parseMetric(text: string, guardrail: boolean, cupedDays: number | undefined): ExperimentInput['metrics'][number] {
  const [kind, event, days] = text.split(':');
  if (kind !== 'conversion' && kind !== 'revenue' && kind !== 'count')
    throw new CliError(`metric "${text}": kind must be conversion, revenue or count`);
  return {
    name: text,
    kind,
    ...(event ? { event } : {}),
    ...(days ? { windowDays: Number(days) } : {}),
    guardrail,
    ...(cupedDays ? { cupedPreDays: cupedDays } : {}),
  };
}

export function experimentInputFromOptions(o: CreateOptions): ExperimentInput {
  const ids = list(o.variations) ?? [];
  const weights = o.weights ? list(o.weights)!.map(Number) : ids.map(() => 1 / ids.length);
  if (weights.length !== ids.length) throw new CliError('--weights needs one weight per variation');
  const cuped = o.cupedDays ? Number(o.cupedDays) : undefined;
  return {
    id: o.id,
    name: o.name ?? '',
    variations: ids.map((id, i) => ({ id, weight: weights[i]! })),
    metrics: [...o.metric.map((m) => parseMetric(m, false, cuped)), ...o.guardrail.map((m) => parseMetric(m, true, cuped))],
    method: o.method as ExperimentInput['method'],
    correction: o.correction as ExperimentInput['correction'],
    ...(o.start ? { start: o.start } : {}),
    ...(o.end ? { end: o.end } : {}),
  };
}

const collect = (value: string, previous: string[]) => [...previous, value];
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function renderReport(r: ExperimentReport): string {
  const lines = [`${r.experiment.id} (${r.method}, correction ${r.correction})`];
  for (const v of r.exposures.variations)
    lines.push(`  variation ${v.id}: ${v.persons} persons (${pct(v.observedShare)}, expected ${pct(v.expectedShare)})`);
  lines.push(
    `  SRM p = ${r.srm.pValue.toPrecision(3)}${r.srm.mismatch ? '  MISMATCH' : ''}; excluded: ${r.exposures.excludedMultipleVariations} in several variations`,
  );
  for (const m of r.metrics) {
    lines.push(
      `${m.name}${m.guardrail ? ' (guardrail)' : ''}: ${m.report.variations.map((v) => `${v.name} mean ${v.mean.toPrecision(4)}`).join(', ')}`,
    );
    for (const x of m.report.results) {
      const stat =
        x.p_value !== undefined
          ? `p = ${x.p_value.toPrecision(3)}${x.p_value_adjusted !== undefined ? ` (adjusted ${x.p_value_adjusted.toPrecision(3)})` : ''}`
          : `chance to win ${pct(x.chance_to_win ?? 0)}, risk ${x.risk?.map((v) => v.toPrecision(3)).join('/')}`;
      lines.push(`  ${x.name}: ${pct(x.expected)} [${pct(x.ci[0])}, ${pct(x.ci[1])}], ${stat}`);
    }
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function registerExperimentCommands(program: Command): void {
  const cmd = program.command('experiments').description('A/B tests on Experiment Viewed events');

  cmd
    .command('create')
    .description('configure (or replace) an experiment')
    .requiredOption('--id <id>', 'experiment_id of the Experiment Viewed events')
    .requiredOption('--variations <list>', 'variation ids, control first (comma-separated)')
    .option('--weights <list>', 'traffic weights, default equal')
    .option('--name <name>', 'display name')
    .option('--metric <spec>', 'kind[:event[:days]], repeatable (kind: conversion, revenue, count)', collect, [])
    .option('--guardrail <spec>', 'a guardrail metric, same form, repeatable', collect, [])
    .option('--method <method>', 'frequentist, bayesian or sequential', 'frequentist')
    .option('--correction <c>', 'none, holm-bonferroni or benjamini-hochberg (across metrics)', 'holm-bonferroni')
    .option('--cuped-days <n>', 'CUPED: the same metric over n days before exposure as covariate')
    .option('--start <date>', 'first exposure day counted')
    .option('--end <date>', 'last exposure day counted')
    .action(async (o: CreateOptions, command: Command) => {
      const opts = globalOptions(command);
      if (o.metric.length === 0) o.metric = ['conversion'];
      const input = experimentInputFromOptions(o);
      print(
        opts,
        await runOn(opts, 'POST', '/api/v1/experiments', input, (store, project) => saveExperiment(store, project.id, input)),
        (e) => `saved experiment ${e.id}`,
      );
    });

  cmd
    .command('list')
    .description('configured experiments')
    .action(async (_o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const result = await runOn(opts, 'GET', '/api/v1/experiments', undefined, async (store, project) => ({
        experiments: await listExperiments(store, project.id),
      }));
      print(opts, result, (r: { experiments: Experiment[] }) =>
        r.experiments.length
          ? r.experiments
              .map((e) => `${e.id}  ${e.variations.map((v) => v.id).join(' vs ')}  ${e.metrics.map((m) => m.name).join(', ')}`)
              .join('\n')
          : '(no experiments)',
      );
    });

  cmd
    .command('discovered')
    .description('experiment ids seen in Experiment Viewed events, with counts')
    .action(async (_o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const result = await runOn(opts, 'GET', '/api/v1/experiments/discovered', undefined, async (store, project) => ({
        experiments: await discoverExperiments(store, project.id),
      }));
      print(
        opts,
        result,
        (r) =>
          r.experiments
            .map((e) => `${e.experimentId}  ${e.persons} persons  ${e.variations.map((v) => `${v.id}: ${v.persons}`).join(', ')}`)
            .join('\n') || '(none)',
      );
    });

  cmd
    .command('report <id>')
    .description('per-variation results, effects with intervals, SRM check')
    .action(async (id: string, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const report = await runOn(opts, 'GET', `/api/v1/experiments/${encodeURIComponent(id)}/report`, undefined, async (store, project) => {
        const experiment = await getExperiment(store, project.id, id);
        if (!experiment) throw new CliError(`no experiment "${id}" (configure it with waymark experiments create)`);
        return experimentReport(store, project.id, experiment);
      });
      print(opts, report, renderReport);
    });
}
