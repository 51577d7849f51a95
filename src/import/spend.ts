/**
 * Ad spend rows (date × channel × campaign × keyword), converted to the project's reporting
 * currency with its rates table. Re-importing a file replaces the rows it brought before.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import { QueryBuilder } from '../store/dialect/dialect.ts';
import { AD_SPEND } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import type { ProjectSettings } from '../projects/projects.ts';
import { BadRequestError } from '../errors.ts';

export interface SpendRow {
  date: string;
  channel: string;
  campaign: string;
  keyword: string;
  cost: number;
  currency: string;
  impressions: number;
  clicks: number;
  source?: string;
}

export class SpendRowError extends BadRequestError {}

export function convertCost(cost: number, currency: string, settings: ProjectSettings): number {
  const cur = currency.toUpperCase();
  if (!cur || cur === settings.reportingCurrency) return cost;
  const rate = settings.currencyRates[cur];
  if (rate === undefined) {
    throw new SpendRowError(
      `no exchange rate for ${cur} → ${settings.reportingCurrency}: set it with PATCH /api/v1/project/settings {"currencyRates": {"${cur}": …}}`,
    );
  }
  return Math.round(cost * rate * 1e6) / 1e6;
}

export function validateSpendRow(raw: Record<string, unknown>, line: number): SpendRow {
  const date = String(raw.date ?? '').trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) throw new SpendRowError(`line ${line}: date must be YYYY-MM-DD`);
  const channel = String(raw.channel ?? '').trim();
  if (!channel) throw new SpendRowError(`line ${line}: channel is required`);
  const cost = Number(raw.cost);
  if (!Number.isFinite(cost) || cost < 0) throw new SpendRowError(`line ${line}: cost must be a non-negative number`);
  const intOf = (v: unknown, name: string) => {
    if (v === undefined || v === '' || v === null) return 0;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new SpendRowError(`line ${line}: ${name} must be a non-negative number`);
    return Math.round(n);
  };
  return {
    date,
    channel,
    campaign: String(raw.campaign ?? '').trim(),
    keyword: String(raw.keyword ?? '').trim(),
    cost,
    currency: String(raw.currency ?? '')
      .trim()
      .toUpperCase(),
    impressions: intOf(raw.impressions, 'impressions'),
    clicks: intOf(raw.clicks, 'clicks'),
    source: raw.source === undefined ? '' : String(raw.source),
  };
}

export async function importSpendRows(
  store: Store,
  projectId: string,
  settings: ProjectSettings,
  rows: Iterable<SpendRow> | AsyncIterable<SpendRow>,
  importId: string,
  onProgress?: (n: number) => void,
): Promise<{ rows: number; cost: number }> {
  const q = new QueryBuilder(store.dialect);
  // Both engines accept this DELETE (a lightweight delete on ClickHouse).
  await store.exec(q.build(`DELETE FROM ad_spend WHERE project_id = ${q.str(projectId)} AND import_id = ${q.str(importId)}`));
  let batch: Record<string, unknown>[] = [];
  let count = 0;
  let total = 0;
  const flush = async () => {
    await store.insert('ad_spend', AD_SPEND.columns, batch);
    batch = [];
    onProgress?.(count);
  };
  for await (const r of rows as AsyncIterable<SpendRow>) {
    const reporting = convertCost(r.cost, r.currency || settings.reportingCurrency, settings);
    batch.push({
      project_id: projectId,
      date: `${r.date}T00:00:00.000Z`,
      channel: r.channel,
      source: r.source ?? '',
      campaign: r.campaign,
      keyword: r.keyword,
      cost: r.cost,
      currency: r.currency || settings.reportingCurrency,
      cost_reporting: reporting,
      impressions: r.impressions,
      clicks: r.clicks,
      import_id: importId,
    });
    count++;
    total += reporting;
    if (batch.length >= 5000) await flush();
  }
  await flush();
  return { rows: count, cost: Math.round(total * 100) / 100 };
}

/** Rows of a spend CSV with header date,channel,campaign,keyword,cost,currency,impressions,clicks. */
export async function* readSpendCsv(path: string): AsyncGenerator<SpendRow> {
  const parser = createReadStream(path).pipe(
    parse({ columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true }),
  );
  let line = 1;
  for await (const record of parser) {
    line++;
    yield validateSpendRow(record as Record<string, unknown>, line);
  }
}

export function spendImportId(path: string): string {
  return `file:${basename(path)}`;
}
