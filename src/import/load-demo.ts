/**
 * `waymark demo`: the demo retailer's events, spend and ground truth, loaded once into the data
 * folder through the same validate → enrich steps and the same merge SQL as any user's data.
 *
 * One simulation pass feeds everything: customers are generated in slices on parallel threads,
 * their messages enriched into event rows and written to NDJSON files that the store bulk-loads
 * into the staging table while the next file is generated;
 * dedup, identity links and sessionization then run once over the whole staged set (the
 * loader's own statements from ingestion/load-sql.ts), not once per file. Spend and ground truth
 * come from the counts of that same pass.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/config.ts';
import {
  DEFAULT_DEMO,
  demoFromTally,
  groundTruthJson,
  mergeTally,
  type DemoOptions,
  type GroundTruth,
  type SpendRow,
} from '../demo/generator.ts';
import { mergeEventsSql, mergeIdentityLinksSql, mergeTraitsSql } from '../ingestion/load-sql.ts';
import { createProject, findProjectByName, updateProjectSettings } from '../projects/projects.ts';
import { EVENT_COLUMNS, EVENTS_STAGING } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { phaseBar, timedPhase } from '../cli/progress.ts';
import { writeEventFiles, type EventFilesResult, type EventFilesTask } from './demo-event-files.ts';
import { importSpendRows } from './spend.ts';

export const DEMO_PROJECT = 'Demo Retailer';

export interface DemoCommandOptions {
  seed?: string;
  customers?: string;
  days?: string;
}

interface DemoKeys {
  projectId: string;
  writeKey: string;
  secretKey: string;
}

export interface DemoLoadOptions {
  /** Scratch folder for the staged NDJSON files (removed as they load). */
  workDir: string;
  sessionTimeoutMinutes?: number;
  showProgress?: boolean;
  /** Rows per staged file: small enough that loading overlaps generation, large enough to bulk-load well. */
  fileRows?: number;
  /** Generator threads (default: up to 2, one per core); 1 generates in process. */
  threads?: number;
}

export interface DemoLoadResult {
  messages: number;
  accepted: number;
  rejected: number;
  /** Spend rows and ground truth of the generated run. */
  truth: { spendRows(): Generator<SpendRow>; groundTruth(): GroundTruth };
}

// Measured on 2 cores (DuckDB, 1M demo rows into an empty project): the merge statements' rate,
// used only for the merge bar's ETA.
const MERGE_ROWS_PER_SECOND = { identity: 2_000_000, traits: 4_000_000, events: 250_000 };

/** One slice of the customers, generated in a worker thread. */
function runSlice(task: EventFilesTask, onFile: (path: string) => void, onProgress: (done: number) => void): Promise<EventFilesResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./demo-worker-boot.mjs', import.meta.url), { workerData: task });
    let result: EventFilesResult | undefined;
    worker.on(
      'message',
      (m: { kind: 'file'; path: string } | { kind: 'progress'; done: number } | { kind: 'done'; result: EventFilesResult }) => {
        if (m.kind === 'file') onFile(m.path);
        else if (m.kind === 'progress') onProgress(m.done);
        else result = m.result;
      },
    );
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`demo generator thread exited with code ${code}`))));
  });
}

/**
 * Generates the demo's messages straight into the bulk path and merges them once. Rows are
 * exactly what importMessages (and live collection) would store: same validation, enrichment,
 * receive time per import, dedup and sessionization. The customers are split into contiguous
 * slices generated in parallel threads (the JavaScript work is most of the load's CPU); their
 * counts are joined in slice order, so spend and ground truth are those of one pass.
 */
export async function loadDemoEvents(store: Store, projectId: string, options: DemoOptions, o: DemoLoadOptions): Promise<DemoLoadResult> {
  const show = o.showProgress ?? false;
  const threads = Math.max(1, Math.min(o.threads ?? Math.min(2, availableParallelism()), options.customers || 1));
  mkdirSync(o.workDir, { recursive: true });
  await store.exec(store.dialect.truncate(EVENTS_STAGING.name));

  let filesSealed = 0;
  let filesStaged = 0;
  // Staging loads run in the database's threads, one after another, while generation goes on.
  let staging: Promise<void> = Promise.resolve();
  const onFile = (path: string) => {
    filesSealed++;
    staging = staging.then(async () => {
      await store.loadNdjson(EVENTS_STAGING.name, EVENT_COLUMNS, path);
      rmSync(path, { force: true });
      filesStaged++;
    });
    // Failures surface where staging is awaited; this only keeps the chain from counting as unhandled.
    staging.catch(() => {});
  };

  try {
    const gen = phaseBar('generating', options.customers, 'customers', show);
    const receivedAt = new Date().toISOString();
    const bounds = Array.from({ length: threads + 1 }, (_, k) => Math.round((k * options.customers) / threads));
    const done = new Array<number>(threads).fill(0);
    const slices = await Promise.all(
      bounds.slice(0, -1).map((from, k) => {
        const task: EventFilesTask = {
          options,
          from,
          to: bounds[k + 1]!,
          projectId,
          workDir: o.workDir,
          receivedAt,
          fileRows: o.fileRows ?? 200_000,
          slice: k,
        };
        const progress = (n: number) => {
          done[k] = n;
          gen.update(done.reduce((a, b) => a + b, 0));
        };
        return threads === 1 ? writeEventFiles(task, onFile, progress) : runSlice(task, onFile, progress);
      }),
    );
    const tally = slices[0]!.tally;
    for (const slice of slices.slice(1)) mergeTally(tally, slice.tally);
    const result: DemoLoadResult = { messages: 0, accepted: 0, rejected: 0, truth: demoFromTally(options, tally) };
    for (const slice of slices) {
      result.messages += slice.messages;
      result.accepted += slice.accepted;
      result.rejected += slice.rejected;
    }
    gen.stop(`${options.customers.toLocaleString('en-US')} customers, ${result.accepted.toLocaleString('en-US')} events`);

    const stage = phaseBar('staging', filesSealed, 'files', show);
    const ticker = setInterval(() => stage.update(filesStaged), 200);
    try {
      await staging;
    } finally {
      clearInterval(ticker);
    }
    stage.stop(`${filesSealed} files, ${result.accepted.toLocaleString('en-US')} rows`);

    // The loader's merge, in the loader's order (identity first), once over everything staged.
    const rows = result.accepted;
    const d = store.dialect;
    const timeout = (o.sessionTimeoutMinutes ?? 30) * 60;
    await timedPhase('identities', (1000 * rows) / MERGE_ROWS_PER_SECOND.identity, show, () => store.exec(mergeIdentityLinksSql(d)));
    await timedPhase('traits', (1000 * rows) / MERGE_ROWS_PER_SECOND.traits, show, () => store.exec(mergeTraitsSql()));
    await timedPhase(
      'sessions',
      (1000 * rows) / MERGE_ROWS_PER_SECOND.events,
      show,
      () => store.exec(mergeEventsSql(d, timeout)),
      'dedup, sessionize, merge',
    );
    await store.exec(d.truncate(EVENTS_STAGING.name));
    return result;
  } finally {
    await staging.catch(() => {});
    rmSync(o.workDir, { recursive: true, force: true });
  }
}

/** Returns the lines to print: where the demo is and its keys. */
export async function loadDemo(store: Store, config: Config, o: DemoCommandOptions, showProgress: boolean): Promise<string[]> {
  const keysFile = join(config.dataDir, 'demo-keys.json');
  const existing = await findProjectByName(store, DEMO_PROJECT);
  if (existing && existsSync(keysFile)) {
    const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as DemoKeys;
    return banner(keys, config, 'already loaded');
  }
  const options = {
    ...DEFAULT_DEMO,
    seed: o.seed === undefined ? DEFAULT_DEMO.seed : Number(o.seed),
    customers: o.customers === undefined ? DEFAULT_DEMO.customers : Number(o.customers),
    days: o.days === undefined ? DEFAULT_DEMO.days : Number(o.days),
  };
  const { project, secretKey } = existing ? { project: existing, secretKey: '' } : await createProject(store, DEMO_PROJECT);
  const keys: DemoKeys = { projectId: project.id, writeKey: project.writeKey, secretKey };
  mkdirSync(config.dataDir, { recursive: true });
  // The demo's keys are kept beside its data so that every `npm run demo` can print them.
  writeFileSync(keysFile, JSON.stringify(keys, null, 2), { mode: 0o600 });

  const started = Date.now();
  const result = await loadDemoEvents(store, project.id, options, {
    workDir: join(config.dataDir, 'tmp', `demo-${process.pid}`),
    sessionTimeoutMinutes: config.sessionTimeoutMinutes,
    showProgress,
  });
  // Counted during the pass above: no second simulation.
  const truth = result.truth.groundTruth();
  const settings = await updateProjectSettings(store, project.id, {
    reportingCurrency: 'USD',
    currencyRates: { ...truth.fx_to_usd },
    margin: 0.4,
  });
  const spend = await importSpendRows(store, project.id, settings.settings, result.truth.spendRows(), 'demo');
  writeFileSync(join(config.dataDir, 'ground-truth.json'), groundTruthJson(truth));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return banner(
    keys,
    config,
    `${result.accepted} events and ${spend.rows} spend rows loaded in ${seconds} s; ground truth in ${join(config.dataDir, 'ground-truth.json')}`,
  );
}

function banner(keys: DemoKeys, config: Config, status: string): string[] {
  return [
    `Demo project "${DEMO_PROJECT}" (${status})`,
    `  write key:  ${keys.writeKey}`,
    `  secret key: ${keys.secretKey}`,
    `  data:       ${config.dataDir}`,
  ];
}
