/**
 * The marketing-mix model on a project's data: the aggregate query, calibration from measured
 * lifts, the fit (cached in memory per project, range, options and data, so the budget planner
 * and the reconciliation reuse the model `mmm` fitted), and the report in the interface shape.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Project } from '../projects/projects.ts';
import type { AnalysisScope } from '../scope/scope.ts';
import { ScopeError } from '../scope/scope.ts';
import type { Store } from '../store/store.ts';
import { calibrationInputSchema, CalibrationError, collectLifts } from './calibration.ts';
import { controlSeriesSchema, dailyAggregate, listControlSeries } from './data.ts';
import { DEFAULT_SAMPLER, fitMmm, MmmFitError, type Diagnostics, type Interval, type MmmFit, summarize } from './fit.ts';
import { channelReports, fitQuality, responseCurves, type ChannelReport, type ResponseCurve } from './report.ts';

const normalPrior = z.object({ mean: z.number(), sd: z.number().positive() });

/** The fields every MMM-backed analysis (mmm, budget, reconciliation) shares. */
export const mmmFitFields = {
  /** revenue (net of refunds), orders, or the name of an event to count. */
  kpi: z.string().min(1).default('revenue'),
  interval: z.number().gt(0).lt(1).default(0.9),
  /** ROI priors per channel, overriding the default and any lift. */
  priors: z.record(z.string(), normalPrior).optional(),
  /** The default ROI prior of every channel (revenue: N(1, 2)). */
  defaultPrior: normalPrior.optional(),
  /** Days between spend and its first effect, per channel (delayed adstock). */
  delays: z.record(z.string(), z.number().int().min(0).max(28)).optional(),
  /** Holidays of the baseline instead of the default retail list. */
  holidays: z
    .array(
      z.object({
        name: z.string().min(1),
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        leadDays: z.number().int().min(0).max(60).optional(),
      }),
    )
    .optional(),
  /** Stored control series to use (default: all stored for the project). */
  controls: z.array(z.string()).optional(),
  /** Control series given inline. */
  controlSeries: z.array(controlSeriesSchema).optional(),
  chains: z.number().int().min(1).max(8).optional(),
  warmup: z.number().int().min(50).max(5000).optional(),
  draws: z.number().int().min(50).max(5000).optional(),
  seed: z.number().int().optional(),
  ...calibrationInputSchema,
};

export const mmmInputSchema = z.object({ ...mmmFitFields, curves: z.boolean().default(true) });
export type MmmFitInput = z.output<z.ZodObject<typeof mmmFitFields>>;

export interface FittedModel {
  fit: MmmFit;
  from: string;
  to: string;
  queryMs: number;
  fitMs: number;
  notes: string[];
  cached: boolean;
}

const CACHE_SIZE = 8;
const cache = new Map<string, FittedModel>();

export class MmmInputError extends ScopeError {}

/** Fits (or reuses) the model of a project's scope. */
export async function fittedModel(store: Store, project: Project, scope: AnalysisScope, input: MmmFitInput): Promise<FittedModel> {
  const stored = await listControlSeries(store, project.id);
  const wanted = input.controls ? stored.filter((c) => input.controls!.includes(c.name)) : stored;
  for (const name of input.controls ?? [])
    if (!stored.some((c) => c.name === name)) throw new MmmInputError(`controls: no stored control series "${name}"`);
  const controls = [...wanted, ...(input.controlSeries ?? [])];
  let aggregate;
  try {
    aggregate = await dailyAggregate(store, scope, input.kpi, controls);
  } catch (error) {
    if (error instanceof ScopeError) throw new MmmInputError(error.message);
    throw error;
  }
  const { series } = aggregate;
  let lifts;
  try {
    lifts = await collectLifts(
      store,
      project.id,
      input,
      series.channels.map((c) => c.name),
      project.settings.margin,
    );
  } catch (error) {
    if (error instanceof CalibrationError) throw new MmmInputError(error.message);
    throw error;
  }
  const hash = createHash('sha256');
  // Only the fields that change the fit: budget and reconciliation reuse the model mmm fitted.
  const fitFields = Object.fromEntries(
    Object.keys(mmmFitFields)
      .filter((k) => k !== 'interval')
      .map((k) => [k, (input as Record<string, unknown>)[k]]),
  );
  hash.update(
    JSON.stringify({ p: project.id, first: series.firstDay, days: series.days, w: series.warmup, lifts: lifts.lifts, fitFields }),
  );
  hash.update(new Uint8Array(series.y.buffer));
  for (const c of series.channels) {
    hash.update(c.name);
    hash.update(new Uint8Array(c.spend.buffer));
  }
  const key = hash.digest('hex');
  const hit = cache.get(key);
  if (hit) return { ...hit, queryMs: aggregate.queryMs, cached: true };
  const t0 = performance.now();
  let fit: MmmFit;
  try {
    fit = await fitMmm(series, {
      sampler: {
        ...(input.chains ? { chains: input.chains } : {}),
        ...(input.warmup ? { warmup: input.warmup } : {}),
        ...(input.draws ? { draws: input.draws } : {}),
        ...(input.seed !== undefined ? { seed: input.seed } : {}),
      },
      roiPriors: input.priors,
      defaultRoiPrior: input.defaultPrior,
      lifts: lifts.lifts,
      delays: input.delays,
      holidays: input.holidays,
    });
  } catch (error) {
    if (error instanceof MmmFitError) throw new MmmInputError(error.message);
    throw error;
  }
  const fitMs = performance.now() - t0;
  const notes = [...aggregate.notes, ...lifts.notes];
  if (!fit.diagnostics.converged) {
    notes.push(
      `The sampler did not converge (max R-hat ${fit.diagnostics.maxRhat.toFixed(3)}, min ESS ${fit.diagnostics.minEss.toFixed(0)}, ${fit.diagnostics.divergences} divergences): rerun with more warmup/draws before relying on the intervals.`,
    );
  }
  const model: FittedModel = { fit, from: series.firstDay, to: aggregate.lastDay, queryMs: aggregate.queryMs, fitMs, notes, cached: false };
  cache.set(key, model);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return model;
}

export interface MmmReport {
  kpi: string;
  interval: number;
  /** Fitted days, inclusive. */
  from: string;
  to: string;
  channels: Array<
    ChannelReport & {
      prior: {
        mean: number;
        sd: number;
        source: string;
        weight: number;
        lifts: Array<{ source: string; label: string; roi: number; se: number }>;
      };
    }
  >;
  baseline: Interval;
  /** The baseline's design columns (intercept, trend, Fourier terms, holidays, controls). */
  baselineColumns: string[];
  fit: { r2: number; mape: number; wape: number };
  curves: ResponseCurve[];
  diagnostics: Omit<Diagnostics, 'parameters'> & { parameters: Diagnostics['parameters'] };
  notes: string[];
  timings: { queryMs: number; fitMs: number; cached: boolean };
}

export async function computeMmm(
  store: Store,
  project: Project,
  scope: AnalysisScope,
  input: z.output<typeof mmmInputSchema>,
): Promise<MmmReport> {
  const m = await fittedModel(store, project, scope, input);
  const { fit } = m;
  const level = input.interval;
  const channels = channelReports(fit, level).map((c, i) => {
    const p = fit.priors[i]!;
    return {
      ...c,
      prior: {
        mean: p.roi.mean,
        sd: p.roi.sd,
        source: p.source,
        weight: p.weight,
        lifts: p.lifts.map((l) => ({ source: l.source, label: l.label, roi: l.roi, se: l.se })),
      },
    };
  });
  return {
    kpi: input.kpi,
    interval: level,
    from: m.from,
    to: m.to,
    channels,
    baseline: summarize(fit.baselineTotal, level),
    baselineColumns: fit.data.columns,
    fit: fitQuality(fit),
    curves: input.curves ? responseCurves(fit, level) : [],
    diagnostics: fit.diagnostics,
    notes: m.notes,
    timings: { queryMs: m.queryMs, fitMs: m.fitMs, cached: m.cached },
  };
}

export { DEFAULT_SAMPLER };
