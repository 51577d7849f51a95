/**
 * `waymark status`: is ingestion flowing? The running server's /health when one answers (live
 * loader state), else what the data folder's spool says (segments waiting, quarantined, dead
 * letters), which needs no store lock.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { countLines, loaderPaths } from '../../ingestion/loader.ts';
import { configFrom, globalOptions, print } from '../target.ts';

interface SpoolStatus {
  source: 'server' | 'data folder';
  ok: boolean | null;
  state: string;
  backlogBytes: number;
  pendingSegments: number;
  quarantinedSegments: number;
  deadLetters: number;
  deadLetterFile: string;
  lastError: string | null;
}

function segmentsIn(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.endsWith('.ndjson') || n.endsWith('.open'))
        .map((n) => join(dir, n))
    : [];
}

/** The spool as it lies on disk. */
export function spoolStatusFromDisk(dataDir: string): SpoolStatus {
  const dir = join(dataDir, 'spool');
  const paths = loaderPaths(dir);
  const pending = segmentsIn(dir);
  return {
    source: 'data folder',
    ok: null,
    state: pending.length > 0 ? 'segments waiting for a server to load them' : 'nothing waiting',
    backlogBytes: pending.reduce((n, f) => n + statSync(f).size, 0),
    pendingSegments: pending.length,
    quarantinedSegments: segmentsIn(paths.quarantine).length,
    deadLetters: countLines(paths.deadLetter),
    deadLetterFile: paths.deadLetter,
    lastError: null,
  };
}

async function fromServer(url: string, deadLetterFile: string): Promise<SpoolStatus | undefined> {
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(2000) });
    const health = (await response.json()) as {
      ok: boolean;
      loader?: {
        state: string;
        backlogBytes: number;
        pendingSegments: number;
        quarantinedSegments: number;
        deadLetters: number;
        lastError: string | null;
      };
    };
    if (!health.loader) return undefined;
    const l = health.loader;
    return {
      source: 'server',
      ok: health.ok,
      state: l.state,
      backlogBytes: l.backlogBytes,
      pendingSegments: l.pendingSegments,
      quarantinedSegments: l.quarantinedSegments,
      deadLetters: l.deadLetters,
      deadLetterFile,
      lastError: l.lastError,
    };
  } catch {
    return undefined;
  }
}

function render(s: SpoolStatus): string {
  return [
    `loader (${s.source}): ${s.state}${s.ok === null ? '' : s.ok ? ', healthy' : ', UNHEALTHY'}`,
    `  backlog:      ${s.backlogBytes} bytes in ${s.pendingSegments} segment(s)`,
    `  quarantined:  ${s.quarantinedSegments} segment(s)`,
    `  dead letters: ${s.deadLetters}${s.deadLetters > 0 ? `  (${s.deadLetterFile})` : ''}`,
    ...(s.lastError ? [`  last error:   ${s.lastError}`] : []),
  ].join('\n');
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description("ingestion status: the loader's state, backlog, quarantined segments and dead letters")
    .action(async (_o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const config = configFrom(opts);
      const deadLetterFile = loaderPaths(join(config.dataDir, 'spool')).deadLetter;
      const local = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
      const status = (await fromServer(opts.server ?? local, deadLetterFile)) ?? spoolStatusFromDisk(config.dataDir);
      print(opts, status, render);
      if (status.ok === false) process.exitCode = 1;
    });
}
