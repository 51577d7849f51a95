/**
 * `waymark demo`: the demo retailer's events, spend and ground truth, loaded once into the data
 * folder through the same validate → enrich steps and the same merge SQL as any user's data.
 *
 * One simulation pass feeds everything: messages are enriched into event rows and written to
 * NDJSON files that DuckDB bulk-loads into the staging table while the next file is generated;
 * dedup, identity links and sessionization then run once over the whole staged set (the
 * loader's own statements from ingestion/load-sql.ts), not once per file. Spend and ground truth
 * come from the counts of that same pass.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { DEFAULT_DEMO, generateDemo, groundTruthJson, type DemoRun } from '../demo/generator.ts';
import { mergeEventsSql, mergeIdentityLinksSql, mergeTraitsSql } from '../ingestion/load-sql.ts';
import { processMessages } from '../ingestion/pipeline.ts';
import { createProject, findProjectByName, updateProjectSettings } from '../projects/projects.ts';
import { EVENT_COLUMNS, EVENTS_STAGING } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { phaseBar, timedPhase } from '../cli/progress.ts';
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
}

export interface DemoLoadResult {
  messages: number;
  accepted: number;
  rejected: number;
}

// Measured on 2 cores (DuckDB, 1M demo rows into an empty project): the merge statements' rate,
// used only for the merge bar's ETA.
const MERGE_ROWS_PER_SECOND = { identity: 2_000_000, traits: 4_000_000, events: 250_000 };

function writeAsync(stream: WriteStream, data: string): Promise<void> {
  if (stream.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.once('drain', () => {
      stream.off('error', reject);
      resolve();
    });
  });
}

function endAsync(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/**
 * Generates the demo's messages straight into the bulk path and merges them once. Rows are
 * exactly what importMessages (and live collection) would store: same validation, enrichment,
 * receive time per import, dedup and sessionization.
 */
export async function loadDemoEvents(store: Store, projectId: string, demo: DemoRun, o: DemoLoadOptions): Promise<DemoLoadResult> {
  const show = o.showProgress ?? false;
  const fileRows = o.fileRows ?? 200_000;
  mkdirSync(o.workDir, { recursive: true });
  await store.exec(store.dialect.truncate(EVENTS_STAGING.name));

  const result: DemoLoadResult = { messages: 0, accepted: 0, rejected: 0 };
  const receivedAt = new Date();
  let fileIndex = 0;
  let file = '';
  let out: WriteStream | undefined;
  let rowsInFile = 0;
  let filesSealed = 0;
  let filesStaged = 0;
  // Staging loads run in the database's threads, one after another, while generation goes on.
  let staging: Promise<void> = Promise.resolve();

  const seal = async () => {
    if (!out) return;
    await endAsync(out);
    out = undefined;
    const path = file;
    filesSealed++;
    staging = staging.then(async () => {
      await store.loadNdjson(EVENTS_STAGING.name, EVENT_COLUMNS, path);
      rmSync(path, { force: true });
      filesStaged++;
    });
    // Failures surface where staging is awaited; this only keeps the chain from counting as unhandled.
    staging.catch(() => {});
    rowsInFile = 0;
  };

  let pending: unknown[] = [];
  const processPending = async () => {
    const outcome = processMessages(projectId, pending, 'batch', undefined, receivedAt, 64 * 1024);
    pending = [];
    result.rejected += outcome.rejected.length;
    result.accepted += outcome.rows.length;
    if (outcome.rows.length === 0) return;
    if (!out) {
      file = join(o.workDir, `demo-${process.pid}-${fileIndex++}.ndjson`);
      out = createWriteStream(file);
    }
    let text = '';
    for (const r of outcome.rows) text += JSON.stringify(r) + '\n';
    await writeAsync(out, text);
    rowsInFile += outcome.rows.length;
    if (rowsInFile >= fileRows) await seal();
  };

  try {
    const gen = phaseBar('generating', demo.customers, 'customers', show);
    let customersDone = 0;
    for (const batch of demo.customerMessages()) {
      for (const m of batch) pending.push(m);
      result.messages += batch.length;
      customersDone++;
      if (pending.length >= 10_000) {
        await processPending();
        gen.update(customersDone);
      }
    }
    await processPending();
    await seal();
    gen.stop(`${demo.customers.toLocaleString('en-US')} customers, ${result.accepted.toLocaleString('en-US')} events`);

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
    await timedPhase('sessions', (1000 * rows) / MERGE_ROWS_PER_SECOND.events, show, () => store.exec(mergeEventsSql(d, timeout)), 'dedup, sessionize, merge');
    await store.exec(d.truncate(EVENTS_STAGING.name));
  } finally {
    if (out) await endAsync(out).catch(() => {});
    await staging.catch(() => {});
    rmSync(o.workDir, { recursive: true, force: true });
  }
  return result;
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
  const demo = generateDemo(options);
  const result = await loadDemoEvents(store, project.id, demo, {
    workDir: join(config.dataDir, 'tmp', `demo-${process.pid}`),
    sessionTimeoutMinutes: config.sessionTimeoutMinutes,
    showProgress,
  });
  // Counted during the pass above: no second simulation.
  const truth = demo.groundTruth();
  const settings = await updateProjectSettings(store, project.id, { reportingCurrency: 'USD', currencyRates: { ...truth.fx_to_usd }, margin: 0.4 });
  const spend = await importSpendRows(store, project.id, settings.settings, demo.spendRows(), 'demo');
  writeFileSync(join(config.dataDir, 'ground-truth.json'), groundTruthJson(truth));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return banner(keys, config, `${result.accepted} events and ${spend.rows} spend rows loaded in ${seconds} s; ground truth in ${join(config.dataDir, 'ground-truth.json')}`);
}

function banner(keys: DemoKeys, config: Config, status: string): string[] {
  return [`Demo project "${DEMO_PROJECT}" (${status})`, `  write key:  ${keys.writeKey}`, `  secret key: ${keys.secretKey}`, `  data:       ${config.dataDir}`];
}
