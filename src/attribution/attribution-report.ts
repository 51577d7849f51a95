/**
 * Attribution on stored data: journeys are aggregated in the store (journeys.ts), the models
 * run on the compact path aggregates.
 *
 * New customers per touchpoint: the same model is run a second time with each path's value
 * replaced by its count of first orders, so a touchpoint's "value" credit there is its share of
 * first orders under the model's own value rule (exact for the per-path models; for Markov and
 * Shapley it follows their value convention).
 *
 * Value is net of refunds for orders (journeys.ts); when refunds lowered any path's value, the
 * model runs once more on the gross values (the same way as first orders) for `grossValue`.
 */
import { type AnalysisScope, ScopeError } from '../scope/scope.ts';
import type { Store } from '../store/store.ts';
import {
  buildJourneyPaths,
  DEFAULT_CONVERSION_EVENT,
  DEFAULT_LOOKBACK_DAYS,
  type Granularity,
  type JourneyPath,
  withoutAges,
} from './journeys.ts';
import { compareModels, isModelName, MODEL_NAMES, runModel, type Disagreement } from './models/index.ts';
import type { AttributionResult, ModelOptions } from './models/types.ts';

export interface AttributionRequest {
  model: string;
  granularity?: Granularity;
  lookbackDays?: number;
  conversionEvent?: string;
  options?: ModelOptions;
}

export interface TouchpointCredit {
  touchpoint: string;
  conversions: number;
  value: number;
  share: number;
  /** Attributed first orders (new customers). */
  newCustomers: number;
  /** Attributed repeat orders: conversions − newCustomers. */
  returningCustomers: number;
  /** Credited value before refunds; present when refunds lowered some journey's value (`value` is net). */
  grossValue?: number;
  low?: number;
  high?: number;
}

export interface AttributionSummary {
  model: string;
  touchpoints: TouchpointCredit[];
  totalConversions: number;
  totalValue: number;
  /** totalValue before refunds; present when refunds lowered some journey's value. */
  totalGrossValue?: number;
  totalFirstOrders: number;
  notes: string[];
}

export interface JourneyStats {
  /** Distinct paths handed to the models. */
  paths: number;
  conversions: number;
  nulls: number;
  firstOrders: number;
  /** Conversion value, net of refunds for orders. */
  value: number;
  /** Conversion value before refunds. */
  grossValue: number;
  /** Conversions with no touch inside the lookback. */
  conversionsWithoutTouch: number;
}

/** Shown on every attribution report: credit follows touches, which is not the same as causing sales. */
export const INCREMENTALITY_NOTE =
  'Attribution measures which touches preceded conversions, not incrementality (conversions that would not have happened without the channel). For incremental ROI see the marketing-mix model: waymark mmm, POST /api/v1/mmm, and waymark roi reconcile.';

/** What every attribution report says about the journeys it credited. */
export interface ReportHeader {
  /** INCREMENTALITY_NOTE. */
  note: string;
  granularity: Granularity;
  lookbackDays: number;
  conversionEvent: string;
  from: string;
  to: string;
  journeys: JourneyStats;
}

export interface AttributionReport extends AttributionSummary, ReportHeader {}

/** Inconsistent attribution input (unknown model …): a 400 through the API. */
export class AttributionInputError extends ScopeError {}

function checkModel(model: string): void {
  if (!isModelName(model))
    throw new AttributionInputError(`model: unknown attribution model "${model}"; expected one of ${MODEL_NAMES.join(', ')}`);
}

export function journeyStats(paths: JourneyPath[]): JourneyStats {
  const s: JourneyStats = { paths: 0, conversions: 0, nulls: 0, firstOrders: 0, value: 0, grossValue: 0, conversionsWithoutTouch: 0 };
  const distinct = new Set<string>();
  for (const p of paths) {
    distinct.add(JSON.stringify(p.path));
    s.conversions += p.conversions;
    s.nulls += p.nulls;
    s.firstOrders += p.firstOrders;
    s.value += p.value;
    s.grossValue += p.grossValue ?? p.value;
    if (p.path.length === 0) s.conversionsWithoutTouch += p.conversions;
  }
  s.paths = distinct.size;
  s.value = Math.round(s.value * 100) / 100;
  s.grossValue = Math.round(s.grossValue * 100) / 100;
  return s;
}

/** Runs one model on journey paths and adds new/returning customers per touchpoint. */
export function attributeJourneys(model: string, paths: JourneyPath[], options: ModelOptions = {}): AttributionSummary {
  checkModel(model);
  const input = model === 'time_decay' ? paths : withoutAges(paths);
  const result = runModel(model, input, options);
  const firstOrders = runModel(
    model,
    input.map((p) => ({ ...p, value: p.firstOrders })),
    { ...options, bootstrap: false },
  );
  const refunded = input.some((p) => p.grossValue !== undefined);
  const gross = refunded
    ? runModel(
        model,
        input.map((p) => ({ ...p, value: p.grossValue ?? p.value })),
        { ...options, bootstrap: false },
      )
    : undefined;
  return summarize(result, firstOrders, gross);
}

function summarize(result: AttributionResult, firstOrders: AttributionResult, gross?: AttributionResult): AttributionSummary {
  const newBy = new Map(firstOrders.channels.map((c) => [c.channel, c.value]));
  const grossBy = gross && new Map(gross.channels.map((c) => [c.channel, c.value]));
  return {
    model: result.model,
    touchpoints: result.channels.map((c) => {
      const newCustomers = newBy.get(c.channel) ?? 0;
      return {
        touchpoint: c.channel,
        conversions: c.conversions,
        value: c.value,
        share: c.share,
        newCustomers,
        returningCustomers: c.conversions - newCustomers,
        ...(grossBy ? { grossValue: grossBy.get(c.channel) ?? 0 } : {}),
        ...(c.low !== undefined ? { low: c.low, high: c.high } : {}),
      };
    }),
    totalConversions: result.totalConversions,
    totalValue: result.totalValue,
    ...(gross ? { totalGrossValue: gross.totalValue } : {}),
    totalFirstOrders: firstOrders.totalValue,
    notes: result.notes,
  };
}

function header(scope: AnalysisScope, r: Omit<AttributionRequest, 'model'>) {
  return {
    note: INCREMENTALITY_NOTE,
    granularity: r.granularity ?? 'channel',
    lookbackDays: r.lookbackDays ?? DEFAULT_LOOKBACK_DAYS,
    conversionEvent: r.conversionEvent ?? DEFAULT_CONVERSION_EVENT,
    from: scope.from.toISOString(),
    to: scope.to.toISOString(),
  };
}

export async function computeAttribution(store: Store, scope: AnalysisScope, request: AttributionRequest): Promise<AttributionReport> {
  checkModel(request.model);
  const paths = await buildJourneyPaths(store, scope, { ...request, withAges: request.model === 'time_decay' });
  return { ...header(scope, request), journeys: journeyStats(paths), ...attributeJourneys(request.model, paths, request.options) };
}

export interface ModelComparisonReport extends ReportHeader {
  results: AttributionSummary[];
  skipped: { model: string; reason: string }[];
  /** Touchpoints by how much the models disagree on their share of conversions, largest first. */
  disagreements: Disagreement[];
}

/** Every model (or `models`) on the same journeys, side by side. */
export async function compareAttributionModels(
  store: Store,
  scope: AnalysisScope,
  request: Omit<AttributionRequest, 'model'> & { models?: string[] },
): Promise<ModelComparisonReport> {
  const models = request.models ?? MODEL_NAMES;
  for (const m of models) checkModel(m);
  const paths = await buildJourneyPaths(store, scope, { ...request, withAges: models.includes('time_decay') });
  const options = request.options ?? {};
  const comparison = compareModels(paths, { ...options, models });
  const results = comparison.results.map((r) => {
    const input = r.model === 'time_decay' ? paths : withoutAges(paths);
    return summarize(
      r,
      runModel(
        r.model,
        input.map((p) => ({ ...p, value: p.firstOrders })),
        { ...options, bootstrap: false },
      ),
    );
  });
  return {
    ...header(scope, request),
    journeys: journeyStats(paths),
    results,
    skipped: comparison.skipped,
    disagreements: comparison.disagreements,
  };
}
