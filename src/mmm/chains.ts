/**
 * Runs the NUTS chains of one fit, in parallel worker threads (one per core, at most one per
 * chain) or in this thread. A chain's draws depend only on the model data, its start and its
 * seed (sampler seed × 1000 + chain index), never on which thread ran it, so a fit gives the
 * same draws with any number of threads.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { nuts, type NutsChain } from '../stats/nuts.ts';
import { MmmModel, type ModelData } from './model.ts';

export interface ChainSettings {
  warmup: number;
  draws: number;
  seed: number;
  targetAccept: number;
  maxTreeDepth: number;
  metric: 'diag' | 'dense';
}

export interface ChainTask {
  chain: number;
  start: Float64Array;
}

export interface ChainJob {
  data: ModelData;
  settings: ChainSettings;
  tasks: ChainTask[];
}

/** One chain on a model (the worker and the in-thread path both run this). */
export function runChain(model: MmmModel, task: ChainTask, settings: ChainSettings): NutsChain {
  return nuts((th, g) => model.logDensity(th, g), task.start, {
    warmup: settings.warmup,
    draws: settings.draws,
    seed: settings.seed * 1000 + task.chain,
    targetAccept: settings.targetAccept,
    maxTreeDepth: settings.maxTreeDepth,
    metric: settings.metric,
  });
}

export function runJob(job: ChainJob): NutsChain[] {
  const model = new MmmModel(job.data);
  return job.tasks.map((t) => runChain(model, t, job.settings));
}

/** Threads a fit uses by default: one per core, never more than chains. */
export function defaultThreads(chains: number): number {
  return Math.max(1, Math.min(chains, availableParallelism()));
}

function runInWorker(job: ChainJob): Promise<NutsChain[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./chain-worker-boot.mjs', import.meta.url), { workerData: job });
    let result: NutsChain[] | undefined;
    worker.once('message', (m: { chains?: NutsChain[]; error?: string }) => {
      if (m.error) reject(new Error(`MMM sampler thread: ${m.error}`));
      else result = m.chains;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`MMM sampler thread exited with code ${code}`))));
  });
}

/** All chains of a fit; chain c goes to thread c mod threads. Results come back in chain order. */
export async function runChains(data: ModelData, starts: Float64Array[], settings: ChainSettings, threads: number): Promise<NutsChain[]> {
  const tasks = starts.map((start, chain) => ({ chain, start }));
  const n = Math.max(1, Math.min(threads, tasks.length));
  if (n === 1) return runJob({ data, settings, tasks });
  const groups = Array.from({ length: n }, (_, i) => tasks.filter((t) => t.chain % n === i));
  const results = await Promise.all(groups.map((g) => runInWorker({ data, settings, tasks: g })));
  const out = new Array<NutsChain>(tasks.length);
  groups.forEach((g, i) => g.forEach((t, j) => (out[t.chain] = results[i]![j]!)));
  return out;
}
