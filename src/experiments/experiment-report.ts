/**
 * The report of an experiment: exposures per variation with a sample-ratio check, and per
 * metric the effect of every treatment against the control (CUPED-adjusted where configured),
 * with p-values corrected across metrics, or chance to win and risk for the Bayesian method.
 */
import { adjustedCi, benjaminiHochberg, checkSrm, holmBonferroni, runAb, type AbInput, type AbReport } from './stats/index.ts';
import type { Store } from '../store/store.ts';
import type { Experiment, MetricSpec } from './experiments.ts';
import { exposureCounts, metricSums, type ExposureWindow } from './exposures.ts';

/** gbstats' default: a split this unlikely under the configured weights means broken assignment. */
export const SRM_THRESHOLD = 0.001;

export interface ExperimentMetricReport {
  name: string;
  kind: MetricSpec['kind'];
  event: string;
  windowDays: number;
  guardrail: boolean;
  /** The per-variation summaries given to the statistics (rerun them with `waymark stats ab`). */
  input: AbInput;
  report: AbReport;
}

export interface ExperimentReport {
  experiment: Experiment;
  method: Experiment['method'];
  correction: Experiment['correction'];
  exposures: {
    variations: Array<{ id: string; name: string; weight: number; persons: number; expectedShare: number; observedShare: number }>;
    /** Persons seen in several variations, left out of every metric. */
    excludedMultipleVariations: number;
    /** Persons whose variation id is not configured, left out. */
    excludedUnknownVariation: number;
    unknownVariations: string[];
  };
  srm: { pValue: number; threshold: number; mismatch: boolean };
  metrics: ExperimentMetricReport[];
  warnings: string[];
}

const dayStart = (date: string) => new Date(`${date}T00:00:00.000Z`);

/** The exposures a report counts: the experiment's configured days, else all of them. */
export function exposureWindow(projectId: string, experiment: Pick<Experiment, 'id' | 'start' | 'end'>): ExposureWindow {
  return {
    projectId,
    experimentId: experiment.id,
    ...(experiment.start ? { from: dayStart(experiment.start) } : {}),
    ...(experiment.end ? { to: new Date(dayStart(experiment.end).getTime() + 86_400_000) } : {}),
  };
}

export async function experimentReport(store: Store, projectId: string, experiment: Experiment): Promise<ExperimentReport> {
  const window = exposureWindow(projectId, experiment);
  const warnings: string[] = [];
  const counts = await exposureCounts(store, window);
  const configured = new Set(experiment.variations.map((v) => v.id));
  const unknownVariations = Object.keys(counts.byVariation).filter((v) => !configured.has(v));
  const excludedUnknown = unknownVariations.reduce((s, v) => s + counts.byVariation[v]!, 0);
  const persons = experiment.variations.map((v) => counts.byVariation[v.id] ?? 0);
  const totalPersons = persons.reduce((a, b) => a + b, 0);
  const totalWeight = experiment.variations.reduce((a, v) => a + v.weight, 0);
  if (counts.multipleVariations > 0) warnings.push(`${counts.multipleVariations} person(s) saw more than one variation and are left out.`);
  if (excludedUnknown > 0)
    warnings.push(
      `${excludedUnknown} person(s) in variation(s) ${unknownVariations.join(', ')} that the experiment does not configure are left out.`,
    );

  const srm = checkSrm(
    persons,
    experiment.variations.map((v) => v.weight),
  );
  const mismatch = totalPersons > 0 && srm.p_value < SRM_THRESHOLD;
  if (mismatch)
    warnings.push(
      `Sample ratio mismatch (p = ${srm.p_value.toExponential(2)}): the split differs from the configured weights; assignment or tracking may be broken and effects are not trustworthy.`,
    );
  if (totalPersons === 0) warnings.push('No exposures yet.');

  const metrics: ExperimentMetricReport[] = [];
  for (const metric of experiment.metrics) {
    const sums = new Map((await metricSums(store, window, metric)).map((s) => [s.variation, s]));
    const cuped = metric.cupedPreDays !== undefined;
    const input: AbInput = {
      metric_type: metric.kind === 'conversion' ? 'binomial' : 'mean',
      method: experiment.method,
      relative: true,
      alpha: experiment.alpha,
      inverse: metric.inverse,
      correction: 'none',
      variations: experiment.variations.map((v) => {
        const s = sums.get(v.id);
        return {
          name: v.id,
          n: s?.n ?? 0,
          sum: s?.sum ?? 0,
          sum_squares: s?.sumSquares ?? 0,
          ...(cuped ? { pre_sum: s?.preSum ?? 0, pre_sum_squares: s?.preSumSquares ?? 0, sum_product: s?.sumProduct ?? 0 } : {}),
        };
      }),
    };
    metrics.push({
      name: metric.name,
      kind: metric.kind,
      event: metric.event,
      windowDays: metric.windowDays,
      guardrail: metric.guardrail,
      input,
      report: runAb(input),
    });
  }

  // Holm or Benjamini–Hochberg across every metric × treatment comparison.
  if (experiment.method !== 'bayesian' && experiment.correction !== 'none') {
    const results = metrics.flatMap((m) => m.report.results.filter((r) => r.p_value !== undefined && r.error === undefined));
    const ps = results.map((r) => r.p_value!);
    const adjusted = experiment.correction === 'holm-bonferroni' ? holmBonferroni(ps) : benjaminiHochberg(ps);
    results.forEach((r, i) => {
      r.p_value_adjusted = adjusted[i]!;
      const ci = adjustedCi(adjusted[i]!, r.expected, experiment.alpha, r.ci);
      r.ci_adjusted = [Number.isFinite(ci[0]) ? ci[0] : null, Number.isFinite(ci[1]) ? ci[1] : null];
    });
  }
  for (const m of metrics) for (const r of m.report.results) if (r.error) warnings.push(`${m.name}, ${r.name}: ${r.error}`);

  return {
    experiment,
    method: experiment.method,
    correction: experiment.correction,
    exposures: {
      variations: experiment.variations.map((v, i) => ({
        id: v.id,
        name: v.name,
        weight: v.weight,
        persons: persons[i]!,
        expectedShare: v.weight / totalWeight,
        observedShare: totalPersons > 0 ? persons[i]! / totalPersons : 0,
      })),
      excludedMultipleVariations: counts.multipleVariations,
      excludedUnknownVariation: excludedUnknown,
      unknownVariations,
    },
    srm: { pValue: srm.p_value, threshold: SRM_THRESHOLD, mismatch },
    metrics,
    warnings,
  };
}
