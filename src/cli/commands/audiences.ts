import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { createAudience, getAudience, listAudiences, publicAudience, type SavedAudience } from '../../audiences/audiences.ts';
import { audienceCsv, audienceIdentifyCalls } from '../../audiences/export.ts';
import { syncAudience, type SyncResult } from '../../audiences/sync.ts';
import { renderTable } from '../../format/table.ts';
import { CliError, callServer, globalOptions, print, runOn, withStore, resolveProject } from '../target.ts';

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`--${flag}: JSON, e.g. '{"key": "value"}'`);
  }
}

interface CreateOptions {
  name: string;
  description?: string;
  persona?: string;
  segment?: string;
  model?: string;
  params?: string;
  source?: string;
  webhook?: string[];
  refreshMinutes?: string;
  trait?: string;
}

function sourceOf(o: CreateOptions): unknown {
  const given = [o.persona, o.segment, o.model, o.source].filter((x) => x !== undefined).length;
  if (given !== 1) throw new CliError('give exactly one of --persona, --segment, --model or --source');
  if (o.persona) return { kind: 'persona', persona: o.persona };
  if (o.segment) return { kind: 'segment', segment: parseJson('segment', o.segment) };
  if (o.model) return { kind: 'model', model: o.model, params: o.params ? parseJson('params', o.params) : {} };
  return parseJson('source', o.source!);
}

const renderSync = (r: SyncResult) =>
  `${r.audienceId}: ${r.size} members (+${r.joined} joined, −${r.left} left) in ${r.runId}; webhooks: ${r.deliveries.delivered} delivered, ${r.deliveries.dead} dead-lettered`;

export function registerAudienceCommands(program: Command): void {
  const audiences = program.command('audiences').description('saved audiences: membership history, exports and webhooks');
  listCommand(audiences);
  createCommand(audiences);
  syncCommand(audiences);
  exportCommand(audiences);
}

/** `audiences list`: the project's saved audiences as a table. */
function listCommand(audiences: Command): void {
  audiences
    .command('list')
    .description("the project's saved audiences")
    .action(async (_o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const result = await runOn(opts, 'GET', '/api/v1/audiences', undefined, async (store, project) => ({
        audiences: (await listAudiences(store, project.id)).map(publicAudience),
      }));
      print(opts, result, (r) =>
        r.audiences.length
          ? renderTable(
              [
                { header: 'Id' },
                { header: 'Name' },
                { header: 'Built from' },
                { header: 'Re-evaluated' },
                { header: 'Webhooks', align: 'right' },
              ],
              r.audiences.map((a: SavedAudience) => [
                a.id,
                a.name,
                a.source.kind === 'model' ? `model ${a.source.model}` : a.source.kind,
                a.refreshMinutes ? `every ${a.refreshMinutes} min` : 'on demand',
                String(a.webhooks.length),
              ]),
            )
          : 'no audiences yet',
      );
    });
}

/** `audiences create`: save an audience from a persona, segment, model or source JSON. */
function createCommand(audiences: Command): void {
  audiences
    .command('create')
    .description('save an audience from a persona, a segment, a model (e.g. propensity decile) or a full source JSON')
    .requiredOption('--name <name>', 'audience name')
    .option('--description <text>', 'what it is for')
    .option('--persona <id|name>', 'a saved persona')
    .option('--segment <json>', 'an inline segment, e.g. \'{"rules":[{"kind":"order_count","op":"gte","value":2}]}\'')
    .option('--model <name>', 'a model source: propensity, uplift, discovered-persona')
    .option(
      '--params <json>',
      'the model source parameters, e.g. \'{"target":"purchase","days":30,"deciles":[1]}\' (decile 1 = the most likely tenth)',
    )
    .option('--source <json>', 'a complete audience source (analysis drill-down included)')
    .option('--webhook <url...>', 'webhook URL(s) told about joins and leaves (secrets are printed once)')
    .option('--refresh-minutes <n>', 're-evaluate on this schedule while the server runs')
    .option('--trait <name>', 'trait name in Segment identify exports')
    .action(async (o: CreateOptions, command: Command) => {
      const opts = globalOptions(command);
      const body = {
        name: o.name,
        description: o.description,
        source: sourceOf(o),
        webhooks: (o.webhook ?? []).map((url) => ({ url })),
        refreshMinutes: o.refreshMinutes ? Number(o.refreshMinutes) : undefined,
        trait: o.trait,
      };
      const result = await runOn(opts, 'POST', '/api/v1/audiences', body, (store, project) => createAudience(store, project.id, body));
      print(opts, result, (a) => [`saved audience ${a.id}`, ...a.webhooks.map((w) => `  webhook ${w.url} secret ${w.secret}`)].join('\n'));
    });
}

/** `audiences sync`: re-evaluate one audience or all of them now. */
function syncCommand(audiences: Command): void {
  audiences
    .command('sync [id]')
    .description('re-evaluate an audience now (or --all): record joins and leaves and send them to its webhooks')
    .option('--all', 'every audience of the project')
    .action(async (id: string | undefined, o: { all?: boolean }, command: Command) => {
      const opts = globalOptions(command);
      if (!id && !o.all) throw new CliError('name an audience id or pass --all');
      const results: SyncResult[] = [];
      if (opts.server) {
        const ids = id
          ? [id]
          : (await callServer<{ audiences: SavedAudience[] }>(opts, 'GET', '/api/v1/audiences')).audiences.map((a) => a.id);
        for (const one of ids)
          results.push(await callServer<SyncResult>(opts, 'POST', `/api/v1/audiences/${encodeURIComponent(one)}/sync`, {}));
      } else {
        await withStore(opts, async (store) => {
          const project = await resolveProject(store, opts.project);
          const targets = id ? [await getAudience(store, project.id, id)] : await listAudiences(store, project.id);
          for (const a of targets) results.push(await syncAudience(store, a));
        });
      }
      print(opts, results, (rs) => rs.map(renderSync).join('\n'));
    });
}

/** `audiences export`: members as CSV or Segment identify calls, locally or from the server. */
function exportCommand(audiences: Command): void {
  audiences
    .command('export <id>')
    .description('current members as CSV, or as Segment identify calls (NDJSON) carrying the audience trait')
    .option('--format <format>', 'csv | segment', 'csv')
    .option('--include-left', 'segment format: also persons who left, with the trait set to false')
    .option('--output <file>', 'write to a file instead of standard output')
    .action(async (id: string, o: { format: string; includeLeft?: boolean; output?: string }, command: Command) => {
      const opts = globalOptions(command);
      if (o.format !== 'csv' && o.format !== 'segment') throw new CliError('--format: csv or segment');
      const out = o.output ? createWriteStream(o.output) : process.stdout;
      const write = (text: string) => new Promise<void>((resolve, reject) => out.write(text, (e) => (e ? reject(e) : resolve())));
      if (opts.server) {
        if (!opts.key) throw new CliError('--key SECRET is required with --server');
        const response = await fetch(
          new URL(
            `/api/v1/audiences/${encodeURIComponent(id)}/export?format=${o.format}&includeLeft=${o.includeLeft ? 'true' : 'false'}`,
            opts.server,
          ),
          { headers: { authorization: `Bearer ${opts.key}` } },
        );
        if (!response.ok) throw new CliError(`server answered ${response.status}: ${await response.text()}`);
        await write(await response.text());
      } else {
        await withStore(opts, async (store) => {
          const project = await resolveProject(store, opts.project);
          const audience = await getAudience(store, project.id, id);
          if (o.format === 'csv') for await (const line of audienceCsv(store, audience)) await write(line);
          else
            for await (const call of audienceIdentifyCalls(store, audience, { includeLeft: o.includeLeft }))
              await write(JSON.stringify(call) + '\n');
        });
      }
      if (o.output) await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
    });
}
