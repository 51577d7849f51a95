// Deterministic demo data for Waymark: a B2C retailer's Segment messages, daily ad spend and the
// ground truth behind them. Streams customer by customer; memory does not grow with --customers.
//
// groundTruth() and spendRows() need realised counts. They are collected while messages() is
// iterated to the end; if that has not happened, the first call runs one silent counting pass
// (same simulation, messages discarded), so both always describe exactly the messages produced.

import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { SegmentMessage } from './segment-message.ts';
import { simulateCustomer } from './journey.ts';
import { makeSchedule, type Schedule } from './schedule.ts';
import { newTally, type Tally } from './tally.ts';
export { newTally, mergeTally, type Tally } from './tally.ts';
import { costUsd, spendRowsFrom } from './spend.ts';
import type { SpendRow } from '../import/spend.ts';
import { buildGroundTruth, groundTruthJson, type GroundTruth } from './ground-truth.ts';

export type { SegmentMessage } from './segment-message.ts';
export type { SpendRow } from '../import/spend.ts';
export type { GroundTruth, ChannelTruth, StageTruth, PersonTruth, UpliftTruth, UpliftSegment } from './ground-truth.ts';
export { groundTruthJson } from './ground-truth.ts';

export interface DemoOptions {
  seed: number;
  customers: number;
  days: number;
  /** YYYY-MM-DD, the last day of the period (UTC). */
  endDate: string;
}

/**
 * Fixed end date: output never depends on today's date. A year of daily data (what a
 * marketing-mix model needs); 26k would-be customers ≈ 20k who arrive ≈ 1M messages.
 */
export const DEFAULT_DEMO: DemoOptions = { seed: 42, customers: 26000, days: 365, endDate: '2026-10-31' };

export interface DemoRun {
  /** Every message, grouped per customer (time-ordered within a customer, not across customers). */
  messages(): Generator<SegmentMessage>;
  /** The same messages, one array per simulated customer (for progress by customer). */
  customerMessages(): Generator<SegmentMessage[]>;
  /** Customers simulated (bots included): the length of customerMessages(). */
  readonly customers: number;
  /** One row per day × paid campaign (× keyword for paid search). */
  spendRows(): Generator<SpendRow>;
  groundTruth(): GroundTruth;
}

function truthFrom(s: Schedule, tally: Tally): GroundTruth {
  const spend = new Map<string, number>();
  for (const row of spendRowsFrom(s, tally)) spend.set(row.channel, (spend.get(row.channel) ?? 0) + costUsd(row));
  return buildGroundTruth(s, tally, spend);
}

function* customerBatches(s: Schedule, tally: Tally, from = 0, to = s.customers): Generator<SegmentMessage[]> {
  for (let i = from; i < to; i++) yield simulateCustomer(s, i, tally);
}

/**
 * Customers [from, to) of a run, one message array each, counted into `tally`: lets several
 * workers generate one run's customers in parallel; mergeTally joins their counts in range order.
 */
export function* customerRange(options: DemoOptions, from: number, to: number, tally: Tally): Generator<SegmentMessage[]> {
  yield* customerBatches(makeSchedule(options), tally, from, to);
}

/** Spend and ground truth of a run from counts gathered elsewhere (customerRange + mergeTally). */
export function demoFromTally(options: DemoOptions, tally: Tally): { spendRows(): Generator<SpendRow>; groundTruth(): GroundTruth } {
  const schedule = makeSchedule(options);
  let truth: GroundTruth | undefined;
  return {
    spendRows: () => spendRowsFrom(schedule, tally),
    groundTruth() {
      truth ??= truthFrom(schedule, tally);
      return truth;
    },
  };
}

export function generateDemo(options: DemoOptions): DemoRun {
  const schedule = makeSchedule(options);
  let realised: Tally | undefined;
  let truth: GroundTruth | undefined;

  const ensureTally = (): Tally => {
    if (!realised) {
      const tally = newTally(schedule.days);
      for (const _ of customerBatches(schedule, tally)) void _;
      realised = tally;
    }
    return realised;
  };

  return {
    customers: schedule.customers,
    *messages() {
      const tally = newTally(schedule.days);
      for (const batch of customerBatches(schedule, tally)) yield* batch;
      realised ??= tally;
    },
    *customerMessages() {
      const tally = newTally(schedule.days);
      yield* customerBatches(schedule, tally);
      realised ??= tally;
    },
    *spendRows() {
      yield* spendRowsFrom(schedule, ensureTally());
    },
    groundTruth() {
      truth ??= truthFrom(schedule, ensureTally());
      return truth;
    },
  };
}

export interface DemoProgress {
  customersDone: number;
  customersTotal: number;
  messages: number;
}

export interface DemoFileCounts {
  customers: number;
  messages: number;
  spendRows: number;
  byType: Record<string, number>;
  files: { events: string; spend: string; groundTruth: string };
}

const SPEND_HEADER = 'date,channel,campaign,keyword,cost,currency,impressions,clicks';
const FLUSH_AT = 1 << 20;

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function write(ws: WriteStream, chunk: string): Promise<void> {
  // Respect backpressure: wait for the stream to drain instead of buffering the whole file.
  if (!ws.write(chunk)) await once(ws, 'drain');
}

async function close(ws: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.end(() => resolve());
  });
}

/**
 * Writes demo-events.ndjson (one message per line), demo-spend.csv and ground-truth.json into
 * dir. onProgress is called every 1,000 customers and once at the end.
 */
export async function writeDemoFiles(dir: string, options: DemoOptions, onProgress?: (p: DemoProgress) => void): Promise<DemoFileCounts> {
  await mkdir(dir, { recursive: true });
  const files = {
    events: join(dir, 'demo-events.ndjson'),
    spend: join(dir, 'demo-spend.csv'),
    groundTruth: join(dir, 'ground-truth.json'),
  };
  const schedule = makeSchedule(options);
  const tally = newTally(schedule.days);

  const events = createWriteStream(files.events);
  let buffer = '';
  let done = 0;
  for (const batch of customerBatches(schedule, tally)) {
    for (const m of batch) buffer += JSON.stringify(m) + '\n';
    if (buffer.length >= FLUSH_AT) {
      await write(events, buffer);
      buffer = '';
    }
    done++;
    if (onProgress && done % 1000 === 0) onProgress({ customersDone: done, customersTotal: schedule.customers, messages: tally.messages });
  }
  if (buffer) await write(events, buffer);
  await close(events);
  onProgress?.({ customersDone: done, customersTotal: schedule.customers, messages: tally.messages });

  // This pass's counts feed spend and ground truth: no second simulation.
  const spend = createWriteStream(files.spend);
  buffer = SPEND_HEADER + '\n';
  let spendRows = 0;
  for (const r of spendRowsFrom(schedule, tally)) {
    buffer +=
      [r.date, r.channel, r.campaign, r.keyword, r.cost.toFixed(2), r.currency, r.impressions, r.clicks].map(csvField).join(',') + '\n';
    spendRows++;
    if (buffer.length >= FLUSH_AT) {
      await write(spend, buffer);
      buffer = '';
    }
  }
  await write(spend, buffer);
  await close(spend);

  const truth = truthFrom(schedule, tally);
  const gt = createWriteStream(files.groundTruth);
  await write(gt, groundTruthJson(truth));
  await close(gt);

  const byType: Record<string, number> = {};
  for (const k of [...tally.byType.keys()].sort()) byType[k] = tally.byType.get(k)!;
  return { customers: schedule.customers, messages: tally.messages, spendRows, byType, files };
}
