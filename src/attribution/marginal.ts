/**
 * Marginal return of the next dollar per channel: daily spend against daily attributed revenue,
 * a diminishing-returns curve revenue = a·(1 − e^(−spend/b)) fitted per channel, and channels
 * ranked by the curve's slope at their mean daily spend.
 *
 * Daily attributed revenue (a documented simplification, since the data-driven models give
 * totals, not per-day credit): the model fixes each channel's total attributed revenue over the
 * range; that total is spread over days in proportion to the channel's linear credit dated by the
 * touch's day (journeys.ts dailyTouchCredit), so revenue lands on the day the spend bought the
 * visit. Only days with a spend row for the channel enter its fit.
 */
import type { AnalysisScope } from '../scope/scope.ts';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import { attributeJourneys, type AttributionRequest, AttributionInputError } from './attribution-report.ts';
import { buildJourneyPaths, dailyTouchCredit, spendFrom } from './journeys.ts';
import { isModelName, MODEL_NAMES } from './models/index.ts';
import { fitResponseCurve, type ResponseCurveFit } from './response-curve.ts';

export interface MarginalRequest extends Omit<AttributionRequest, 'granularity'> {
  margin: number;
}

export interface DailyPoint {
  date: string;
  spend: number;
  revenue: number;
}

export interface ChannelMarginal {
  channel: string;
  days: number;
  spend: number;
  attributedRevenue: number;
  fit: ResponseCurveFit | null;
  /** Revenue from the next dollar at the mean daily spend (the curve's slope), null without a fit. */
  marginalReturn: number | null;
  /** marginalReturn × margin − 1: profit from the next dollar. */
  marginalRoi: number | null;
  points: DailyPoint[];
  note?: string;
}

export interface MarginalReport {
  model: string;
  margin: number;
  from: string;
  to: string;
  channels: ChannelMarginal[];
  /** Channels with a fit, best marginal return first. */
  ranking: string[];
  notes: string[];
}

/** Spend per day and channel (reporting currency). */
export async function dailySpend(store: Store, scope: AnalysisScope): Promise<{ date: string; channel: string; spend: number }[]> {
  const q = new QueryBuilder(store.dialect);
  const d = store.dialect;
  const rows = await store.query<{ spend_day: string; channel: string; total_spend: number }>(
    q.build(`SELECT ${d.formatDate('date')} AS spend_day, channel, sum(cost_reporting) AS total_spend FROM ad_spend
WHERE project_id = ${q.str(scope.projectId)} AND date >= ${q.time(spendFrom(scope))} AND date < ${q.time(scope.to)}
GROUP BY ${d.formatDate('date')}, channel ORDER BY spend_day, channel`),
  );
  return rows.map((r) => ({ date: r.spend_day, channel: r.channel, spend: Number(r.total_spend) }));
}

export async function computeMarginal(store: Store, scope: AnalysisScope, request: MarginalRequest): Promise<MarginalReport> {
  if (!isModelName(request.model))
    throw new AttributionInputError(`model: unknown attribution model "${request.model}"; expected one of ${MODEL_NAMES.join(', ')}`);
  const journeyOptions = { ...request, granularity: 'channel' as const };
  const paths = await buildJourneyPaths(store, scope, { ...journeyOptions, withAges: request.model === 'time_decay' });
  const summary = attributeJourneys(request.model, paths, request.options);
  const daily = await dailyTouchCredit(store, scope, journeyOptions);
  const spend = await dailySpend(store, scope);

  const key = (s: string) => s.trim().toLowerCase();
  const modelValue = new Map(summary.touchpoints.map((t) => [key(t.touchpoint), t.value]));
  const linearTotal = new Map<string, number>();
  for (const r of daily) linearTotal.set(key(r.touchpoint), (linearTotal.get(key(r.touchpoint)) ?? 0) + r.value);
  const dailyRevenue = new Map<string, number>();
  for (const r of daily) {
    const k = key(r.touchpoint);
    const total = linearTotal.get(k) ?? 0;
    const scaled = total > 0 ? (r.value / total) * (modelValue.get(k) ?? 0) : 0;
    dailyRevenue.set(`${k}|${r.date}`, scaled);
  }

  const byChannel = new Map<string, { channel: string; points: DailyPoint[] }>();
  for (const s of spend) {
    const k = key(s.channel);
    const entry = byChannel.get(k) ?? { channel: s.channel, points: [] };
    const prev = entry.points.find((p) => p.date === s.date);
    if (prev) prev.spend += s.spend;
    else entry.points.push({ date: s.date, spend: s.spend, revenue: dailyRevenue.get(`${k}|${s.date}`) ?? 0 });
    byChannel.set(k, entry);
  }

  const channels: ChannelMarginal[] = [...byChannel.values()].map(({ channel, points }) => {
    const totalSpend = points.reduce((s, p) => s + p.spend, 0);
    const attributedRevenue = points.reduce((s, p) => s + p.revenue, 0);
    let fit: ResponseCurveFit | null = null;
    let note: string | undefined;
    try {
      fit = fitResponseCurve(points);
    } catch (e) {
      note = (e as Error).message;
    }
    const marginalReturn = fit ? fit.marginalReturn : null;
    return {
      channel,
      days: points.length,
      spend: totalSpend,
      attributedRevenue,
      fit,
      marginalReturn,
      marginalRoi: marginalReturn === null ? null : marginalReturn * request.margin - 1,
      points,
      ...(note ? { note } : {}),
    };
  });
  channels.sort((a, b) => (b.marginalReturn ?? -Infinity) - (a.marginalReturn ?? -Infinity) || a.channel.localeCompare(b.channel));
  return {
    model: request.model,
    margin: request.margin,
    from: scope.from.toISOString(),
    to: scope.to.toISOString(),
    channels,
    ranking: channels.filter((c) => c.marginalReturn !== null).map((c) => c.channel),
    notes: [
      "daily attributed revenue: the model's channel total spread over days by linear credit dated on the touch day",
      'marginal return: slope of the fitted revenue = a·(1 − e^(−spend/b)) curve at the mean daily spend',
    ],
  };
}
