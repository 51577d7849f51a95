/**
 * KPI anomalies: each KPI's daily series gets expected bands from the seasonal model
 * (model.ts); days outside them in the recent window are anomalies, with their size,
 * probability and the dimension value that explains most of the change (kpis.ts, in SQL).
 * Subscriptions (document kind "anomaly-subscription") send new anomalies of a KPI or a step's
 * conversion to webhooks through the audience webhook sender, and record them as alerts
 * (document kind "anomaly-alert") for the dashboard.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { newWebhookSecret, deliverWebhook, finishedKeys, type DeliveryOptions } from '../audiences/webhooks.ts';
import { defineAnalysis } from '../registry/define.ts';
import { projectDataRange, ScopeError } from '../scope/scope.ts';
import { deleteDocument, getDocument, listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import { isRate, kpiName, kpiSeries, rootCauses, type Kpi, type RootCause } from './kpis.ts';
import { fitSeasonal, type BandPoint, type SeasonalFit } from './model.ts';

const DAY = 86_400_000;
export const DEFAULT_KPIS = ['orders', 'revenue', 'visitors', 'sessions'] as const;
/** Metrics a KPI may name: the defaults (revenue net of refunds) and gross revenue (orders only). */
const METRIC_KPIS: readonly string[] = [...DEFAULT_KPIS, 'gross_revenue'];

/** "orders", "revenue", "gross_revenue", "visitors", "sessions", or "From event>To event" for a step conversion. */
export function parseKpi(text: string): Kpi {
  if (METRIC_KPIS.includes(text)) return text as Kpi;
  const parts = text.split('>').map((s) => s.trim());
  if (parts.length === 2 && parts[0] && parts[1]) return { from: parts[0], to: parts[1] };
  throw new ScopeError(`kpi: "${text}" is not one of ${METRIC_KPIS.join(', ')} or "From event>To event"`);
}

export const anomaliesInputSchema = z.object({
  kpi: z
    .string()
    .optional()
    .describe('orders, revenue (net of refunds), gross_revenue, visitors, sessions or "From event>To event" (default: the first four)'),
  recentDays: z.number().int().min(1).max(365).default(30).describe('anomalies reported in the last N days'),
  historyDays: z.number().int().min(28).max(3650).default(730).describe('days of history the model is fitted on'),
  z: z.number().min(1).max(10).default(3).describe('band half-width in robust standard deviations'),
  rootCauses: z.number().int().min(0).max(20).default(5).describe('anomalies explained by dimension (most recent first)'),
});
export type AnomaliesInput = z.output<typeof anomaliesInputSchema>;

export interface Anomaly extends BandPoint {
  kpi: string;
  rootCauses: RootCause[];
}

export interface KpiAnomalies {
  kpi: string;
  components: SeasonalFit['components'];
  bands: BandPoint[];
  anomalies: Anomaly[];
}

/** The value of one event of a KPI, for its noise floor: 1 for counts, the average order value for revenue, none for rates. */
async function eventValue(store: Store, projectId: string, kpi: Kpi, series: Array<{ value: number }>, from: Date, to: Date) {
  if (kpi === 'orders' || kpi === 'visitors' || kpi === 'sessions') return 1;
  if (kpi !== 'revenue' && kpi !== 'gross_revenue') return undefined;
  const orders = (await kpiSeries(store, projectId, 'orders', from, to)).reduce((s, p) => s + p.value, 0);
  const revenue = series.reduce((s, p) => s + p.value, 0);
  return orders > 0 && revenue > 0 ? revenue / orders : undefined;
}

export async function detectAnomalies(
  store: Store,
  projectId: string,
  input: AnomaliesInput,
): Promise<{ from: string; to: string; kpis: KpiAnomalies[] }> {
  const range = await projectDataRange(store, projectId, { excludeBots: true });
  if (!range) throw new ScopeError('the project has no events yet');
  const endDay = Math.floor((range.to.getTime() - 1) / DAY) * DAY; // the last day with data
  // The last (possibly partial) day is left out: a day still in progress looks like a drop.
  const to = new Date(endDay);
  const from = new Date(Math.max(Math.floor(range.from.getTime() / DAY) * DAY, endDay - input.historyDays * DAY));
  const kpis = input.kpi ? [parseKpi(input.kpi)] : [...DEFAULT_KPIS];
  const out: KpiAnomalies[] = [];
  for (const kpi of kpis) {
    const series = await kpiSeries(store, projectId, kpi, from, to);
    if (series.length < 28)
      throw Object.assign(new Error(`anomaly bands need at least 28 days of data; the project has ${series.length}`), { statusCode: 422 });
    const fit = fitSeasonal(
      series.map((p) => ({ date: p.date, value: p.value })),
      { transform: isRate(kpi) ? 'none' : 'log1p', z: input.z, eventValue: await eventValue(store, projectId, kpi, series, from, to) },
    );
    const recentFrom = new Date(to.getTime() - input.recentDays * DAY).toISOString().slice(0, 10);
    const recent = fit.points.filter((p) => p.date >= recentFrom);
    const flagged = recent.filter((p) => p.anomaly).reverse();
    const anomalies: Anomaly[] = [];
    for (const [i, p] of flagged.entries())
      anomalies.push({ ...p, kpi: kpiName(kpi), rootCauses: i < input.rootCauses ? await rootCauses(store, projectId, kpi, p.date) : [] });
    out.push({ kpi: kpiName(kpi), components: fit.components, bands: recent, anomalies });
  }
  return { from: from.toISOString(), to: to.toISOString(), kpis: out };
}

export const anomaliesAnalysis = defineAnalysis({
  id: 'anomalies',
  path: '/api/v1/anomalies',
  summary:
    'KPI anomalies against seasonal bands (weekly, yearly, holidays, level shifts), with size, probability and root cause by channel, device, region and persona',
  access: 'read',
  input: anomaliesInputSchema,
  scoped: false,
  run: ({ store, project }, input) => detectAnomalies(store, project.id, input),
});

// ---- subscriptions and alerts ----

export const SUBSCRIPTION_KIND = 'anomaly-subscription';
export const ALERT_KIND = 'anomaly-alert';

export const subscriptionInputSchema = z.object({
  kpi: z.string().min(1).describe('orders, revenue, visitors, sessions or "From event>To event" (a stage leak)'),
  minProbability: z.number().min(0.5).max(1).default(0.99),
  webhooks: z
    .array(z.object({ url: z.url({ protocol: /^https?$/ }), secret: z.string().min(16).optional() }))
    .max(10)
    .default([]),
});

export interface Subscription {
  id: string;
  kpi: string;
  minProbability: number;
  webhooks: Array<{ url: string; secret: string }>;
  createdAt: string;
}

export interface Alert {
  id: string;
  subscriptionId: string;
  kpi: string;
  date: string;
  value: number;
  expected: number;
  size: number;
  relativeSize: number | null;
  probability: number;
  rootCauses: RootCause[];
  createdAt: string;
}

export async function createSubscription(store: Store, projectId: string, input: unknown): Promise<Subscription> {
  const body = subscriptionInputSchema.parse(input);
  parseKpi(body.kpi);
  const sub: Subscription = {
    id: randomUUID(),
    kpi: body.kpi,
    minProbability: body.minProbability,
    webhooks: body.webhooks.map((w) => ({ url: w.url, secret: w.secret ?? newWebhookSecret() })),
    createdAt: new Date().toISOString(),
  };
  const { id, ...stored } = sub;
  await putDocument(store, SUBSCRIPTION_KIND, projectId, id, stored);
  return sub;
}

export async function listSubscriptions(store: Store, projectId?: string): Promise<Array<Subscription & { projectId: string }>> {
  return (await listDocuments<Omit<Subscription, 'id'>>(store, SUBSCRIPTION_KIND, projectId)).map((d) => ({
    ...d.body,
    id: d.id,
    projectId: d.projectId,
  }));
}

export async function deleteSubscription(store: Store, projectId: string, id: string): Promise<boolean> {
  if (!(await getDocument(store, SUBSCRIPTION_KIND, projectId, id))) return false;
  await deleteDocument(store, SUBSCRIPTION_KIND, projectId, id);
  return true;
}

export async function listAlerts(store: Store, projectId: string): Promise<Alert[]> {
  return (await listDocuments<Omit<Alert, 'id'>>(store, ALERT_KIND, projectId))
    .map((d) => ({ ...d.body, id: d.id }))
    .sort((a, b) => b.date.localeCompare(a.date) || a.kpi.localeCompare(b.kpi));
}

/**
 * Checks every subscription of a project (or all): new anomalies of the last `recentDays` become
 * alerts once (the alert id is subscription + day) and are delivered once per webhook (the same
 * id is the idempotency key; a final outcome is never re-sent).
 */
export async function checkSubscriptions(
  store: Store,
  projectId?: string,
  options: { recentDays?: number; delivery?: DeliveryOptions } = {},
): Promise<{ alerts: Alert[]; delivered: number; dead: number }> {
  const result = { alerts: [] as Alert[], delivered: 0, dead: 0 };
  for (const sub of await listSubscriptions(store, projectId)) {
    const detected = await detectAnomalies(
      store,
      sub.projectId,
      anomaliesInputSchema.parse({ kpi: sub.kpi, recentDays: options.recentDays ?? 7, rootCauses: 3 }),
    );
    for (const a of detected.kpis[0]!.anomalies.filter((x) => x.probability >= sub.minProbability)) {
      const id = `${sub.id}:${a.date}`;
      let alert = await getDocument<Omit<Alert, 'id'>>(store, ALERT_KIND, sub.projectId, id).then((b) => (b ? { ...b, id } : undefined));
      if (!alert) {
        alert = {
          id,
          subscriptionId: sub.id,
          kpi: a.kpi,
          date: a.date,
          value: a.value,
          expected: a.expected,
          size: a.size,
          relativeSize: a.relativeSize,
          probability: a.probability,
          rootCauses: a.rootCauses,
          createdAt: new Date().toISOString(),
        };
        const { id: _id, ...stored } = alert;
        await putDocument(store, ALERT_KIND, sub.projectId, id, stored);
        result.alerts.push(alert);
      }
      for (const hook of sub.webhooks) {
        const source = `anomaly:${sub.id}`;
        if ((await finishedKeys(store, sub.projectId, source, hook.url)).has(id)) continue;
        const outcome = await deliverWebhook(store, sub.projectId, source, hook, id, { ...alert, type: 'kpi.anomaly' }, options.delivery);
        result[outcome]++;
      }
    }
  }
  return result;
}

/** Checks subscriptions every `intervalMs` (default hourly); returns a stop function. */
export function startAnomalyScheduler(store: Store, intervalMs = 3_600_000, onError: (e: unknown) => void = () => undefined): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    checkSubscriptions(store)
      .catch(onError)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
