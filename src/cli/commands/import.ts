import { join } from 'node:path';
import type { Command } from 'commander';
import { parseMapping, readCsvMessages, type CsvKind } from '../../import/csv-events.ts';
import { importMessages, readNdjson } from '../../import/segment-messages.ts';
import { importSpendRows, readSpendCsv, spendImportId } from '../../import/spend.ts';
import { readCallsCsv } from '../../calls/csv.ts';
import { progressBar } from '../progress.ts';
import { callServer, CliError, globalOptions, print, resolveProject, withStore, type GlobalOptions } from '../target.ts';

interface ImportOptions {
  kind?: 'auto' | 'segment' | 'events' | 'orders' | 'spend' | 'calls';
  map?: string;
  event?: string;
}

function kindOf(file: string, kind: ImportOptions['kind']): 'segment' | 'events' | 'orders' | 'spend' | 'calls' {
  if (kind && kind !== 'auto') return kind;
  if (/\.(nd)?jsonl?$/i.test(file) || /\.ndjson$/i.test(file)) return 'segment';
  if (/spend/i.test(file)) return 'spend';
  throw new CliError('say what the CSV holds with --kind events|orders|spend');
}

/** Through a running server: messages go to /v1/batch like any client's, spend to /api/v1/spend. */
async function importViaServer(opts: GlobalOptions, file: string, kind: string, o: ImportOptions) {
  const project = await callServer<{ writeKey: string }>(opts, 'GET', '/api/v1/project');
  if (kind === 'spend') {
    const rows = [];
    for await (const r of readSpendCsv(file)) rows.push(r);
    return callServer(opts, 'POST', '/api/v1/spend', { importId: spendImportId(file), rows });
  }
  const source =
    kind === 'segment'
      ? readNdjson(file)
      : kind === 'calls'
        ? readCallsCsv(file)
        : readCsvMessages(file, parseMapping(o.map), kind as CsvKind, o.event);
  let batch: unknown[] = [];
  const totals = { messages: 0, accepted: 0, rejected: 0 };
  const send = async () => {
    const response = await fetch(new URL('/v1/batch', opts.server), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${project.writeKey}:`).toString('base64')}` },
      body: JSON.stringify({ batch }),
    });
    const json = (await response.json()) as { accepted?: number };
    totals.messages += batch.length;
    totals.accepted += json.accepted ?? 0;
    totals.rejected += batch.length - (json.accepted ?? 0);
    batch = [];
  };
  for await (const m of source) {
    batch.push(m);
    if (batch.length >= 500) await send();
  }
  if (batch.length) await send();
  await callServer(opts, 'POST', '/api/v1/flush');
  return totals;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import <file>')
    .description('import Segment messages (NDJSON), or a CSV of events, orders or ad spend')
    .option(
      '--kind <kind>',
      'segment (NDJSON), events, orders, spend (CSV: date,channel,campaign,keyword,cost,currency,impressions,clicks) or calls (CallRail CSV)',
      'auto',
    )
    .option('--map <mapping>', 'CSV column mapping, e.g. "timestamp=Date,userId=Customer,revenue=Amount"')
    .option('--event <name>', 'event name for CSV rows without an event column')
    .action(async (file: string, o: ImportOptions, command: Command) => {
      const opts = globalOptions(command);
      const kind = kindOf(file, o.kind);
      if (opts.server) {
        print(opts, await importViaServer(opts, file, kind, o));
        return;
      }
      const bar = progressBar(`importing ${file}`, !opts.json);
      try {
        const result = await withStore(opts, async (store, config) => {
          const project = await resolveProject(store, opts.project);
          if (kind === 'spend') {
            return importSpendRows(store, project.id, project.settings, readSpendCsv(file), spendImportId(file), (n) =>
              bar.update(n, 'rows'),
            );
          }
          const source =
            kind === 'segment'
              ? readNdjson(file)
              : kind === 'calls'
                ? readCallsCsv(file)
                : readCsvMessages(file, parseMapping(o.map), kind, o.event);
          return importMessages(store, project.id, source, {
            workDir: join(config.dataDir, 'tmp'),
            sessionTimeoutMinutes: config.sessionTimeoutMinutes,
            onProgress: (p) => bar.update(p.messages, `messages (${p.rejected} rejected)`),
          });
        });
        bar.stop();
        print(opts, result);
      } finally {
        bar.stop();
      }
    });
}
