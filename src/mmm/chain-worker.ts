// One sampler thread: runs its share of a fit's chains and posts their draws back (transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type ChainJob } from './chains.ts';

try {
  const chains = runJob(workerData as ChainJob);
  parentPort!.postMessage(
    { chains },
    chains.map((c) => c.draws.buffer as ArrayBuffer),
  );
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
