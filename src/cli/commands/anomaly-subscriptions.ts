/**
 * `anomalies subscriptions list|create|delete`: the subscriptions that turn new anomalies of a KPI
 * or a stage leak into alerts and webhook calls, the same records as /api/v1/anomalies/subscriptions.
 */
import type { Command } from 'commander';
import { createSubscription, deleteSubscription, listSubscriptions, type Subscription } from '../../anomalies/anomalies.ts';
import { fmtPct } from '../../format/numbers.ts';
import { renderTable } from '../../format/table.ts';
import { CliError, globalOptions, print, runOn } from '../target.ts';

/** Listed secrets are cut as the API cuts them: they are shown in full only when created. */
const masked = (s: Subscription) => ({ ...s, webhooks: s.webhooks.map((w) => ({ url: w.url, secret: `${w.secret.slice(0, 9)}…` })) });

export function registerAnomalySubscriptionCommands(program: Command): void {
  const anomalies = program.commands.find((c) => c.name() === 'anomalies') ?? program.command('anomalies').description('KPI anomalies');
  const subscriptions = anomalies
    .command('subscriptions')
    .description('alerts on new anomalies of a KPI or a stage leak, sent to webhooks');

  subscriptions
    .command('list')
    .description("the project's anomaly subscriptions")
    .action(async (_o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const result = await runOn(opts, 'GET', '/api/v1/anomalies/subscriptions', undefined, async (store, project) => ({
        subscriptions: (await listSubscriptions(store, project.id)).map(({ projectId: _p, ...s }) => masked(s)),
      }));
      print(opts, result, (r) =>
        r.subscriptions.length
          ? renderTable(
              [
                // Right-aligned so the table never shortens it: the id is what `delete` takes (ids are all one length).
                { header: 'Id', align: 'right' },
                { header: 'KPI' },
                { header: 'Min probability', align: 'right' },
                { header: 'Webhooks' },
                { header: 'Created' },
              ],
              r.subscriptions.map((s: Subscription) => [
                s.id,
                s.kpi,
                fmtPct(s.minProbability, 1),
                s.webhooks.map((w) => w.url).join(', ') || '–',
                s.createdAt.slice(0, 10),
              ]),
            )
          : 'no anomaly subscriptions yet',
      );
    });

  subscriptions
    .command('create')
    .description('subscribe to a KPI (orders, revenue, visitors, sessions) or a stage leak ("From event>To event")')
    .option('--kpi <kpi>', '(required) orders, revenue, visitors, sessions or "From event>To event"')
    .option('--min-probability <p>', 'alert only on anomalies at least this probable (0.5–1)', '0.99')
    .option('--webhook <url...>', 'webhook URL(s) told about new alerts (secrets are printed once)')
    .action(async (o: { kpi?: string; minProbability: string; webhook?: string[] }, command: Command) => {
      const opts = globalOptions(command);
      // `anomalies` has a --kpi of its own, which commander fills when it parses the parent's options.
      const kpi = o.kpi ?? (command.optsWithGlobals() as { kpi?: string }).kpi;
      if (!kpi) throw new CliError('--kpi: orders, revenue, visitors, sessions or "From event>To event"');
      const minProbability = Number(o.minProbability);
      if (!Number.isFinite(minProbability)) throw new CliError('--min-probability: a number between 0.5 and 1');
      const body = { kpi, minProbability, webhooks: (o.webhook ?? []).map((url) => ({ url })) };
      const result = await runOn(opts, 'POST', '/api/v1/anomalies/subscriptions', body, (store, project) =>
        createSubscription(store, project.id, body),
      );
      print(opts, result, (s) =>
        [
          `subscribed ${s.id} to ${s.kpi} (probability ≥ ${fmtPct(s.minProbability, 1)})`,
          ...s.webhooks.map((w) => `  webhook ${w.url} secret ${w.secret}`),
        ].join('\n'),
      );
    });

  subscriptions
    .command('delete <id>')
    .description('delete a subscription')
    .action(async (id: string, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const result = await runOn(
        opts,
        'DELETE',
        `/api/v1/anomalies/subscriptions/${encodeURIComponent(id)}`,
        undefined,
        async (store, project) => {
          if (!(await deleteSubscription(store, project.id, id))) throw new CliError(`no subscription ${id}`);
          return {};
        },
      );
      print(opts, { deleted: id, ...(result ?? {}) }, () => `deleted subscription ${id}`);
    });
}
