import type { Command } from 'commander';
import {
  createInitiative,
  getInitiative,
  listInitiatives,
  removeInitiative,
  type Initiative,
  type InitiativeInput,
} from '../../initiatives/initiatives.ts';
import { initiativeReport, type InitiativeReport } from '../../initiatives/initiative-report.ts';
import { CliError, globalOptions, list, print, runOn } from '../target.ts';

interface CreateOptions {
  name: string;
  description?: string;
  stage?: string;
  touchpoint?: string;
  shipped: string;
  rolloutEnd?: string;
  preStart?: string;
  postEnd?: string;
  kpi: string;
  stepFrom?: string;
  stepTo?: string;
  cost?: string;
  monthlyCost?: string;
  controlRegion?: string;
  treatedRegion?: string;
  controlChannel?: string;
  controlPersona?: string;
  wave?: string[];
  waveBy?: string;
  never?: string;
  wavePreDays?: string;
  method?: string;
}

/** `--wave 2026-05-21:North,East` → one wave of a staggered rollout. */
function parseWave(spec: string): { shippedAt: string; values: string[] } {
  const m = /^(\d{4}-\d{2}-\d{2}):(.+)$/.exec(spec.trim());
  if (!m) throw new CliError(`--wave: expected YYYY-MM-DD:value1,value2 (got "${spec}")`);
  return { shippedAt: m[1]!, values: list(m[2]!)! };
}

/** The rollout of --wave options: `--wave-by region` (default), `channel` or `trait:NAME`. */
function rolloutFromOptions(o: CreateOptions): InitiativeInput['rollout'] {
  if (!o.wave || o.wave.length === 0) return undefined;
  const by = o.waveBy ?? 'region';
  const dimension: { by: 'region' | 'channel' | 'trait'; trait?: string } | undefined = by.startsWith('trait:')
    ? { by: 'trait', trait: by.slice('trait:'.length) }
    : by === 'region' || by === 'channel'
      ? { by }
      : undefined;
  if (!dimension) throw new CliError(`--wave-by: expected region, channel or trait:NAME (got "${by}")`);
  return {
    ...dimension,
    waves: o.wave.map(parseWave),
    ...(o.never ? { never: list(o.never)! } : {}),
    ...(o.wavePreDays ? { preDays: Number(o.wavePreDays) } : {}),
  };
}

export function initiativeInputFromOptions(o: CreateOptions): InitiativeInput {
  const kpi = o.kpi === 'step' ? { kind: 'step' as const, from: o.stepFrom ?? '', to: o.stepTo ?? '' } : o.kpi;
  const control = o.controlRegion
    ? { by: 'region' as const, values: list(o.controlRegion)!, ...(o.treatedRegion ? { treated: list(o.treatedRegion)! } : {}) }
    : o.controlChannel
      ? { by: 'channel' as const, values: list(o.controlChannel)! }
      : o.controlPersona
        ? { by: 'persona' as const, persona: o.controlPersona }
        : undefined;
  const treated = !control && o.treatedRegion ? { by: 'region' as const, values: list(o.treatedRegion)! } : undefined;
  const rollout = rolloutFromOptions(o);
  // A rollout in waves starts with its first wave.
  const shippedAt = o.shipped ?? (rollout ? rollout.waves.map((w) => w.shippedAt).sort()[0]! : '');
  return {
    name: o.name,
    description: o.description ?? '',
    stage: o.stage ?? '',
    touchpoint: o.touchpoint ?? '',
    shippedAt,
    ...(o.rolloutEnd ? { rolloutEnd: o.rolloutEnd } : {}),
    ...(o.preStart ? { preStart: o.preStart } : {}),
    ...(o.postEnd ? { postEnd: o.postEnd } : {}),
    cost: { oneOff: Number(o.cost ?? 0), perMonth: Number(o.monthlyCost ?? 0) },
    kpi: kpi as InitiativeInput['kpi'],
    ...(control ? { control } : {}),
    ...(treated ? { treated } : {}),
    ...(rollout ? { rollout } : {}),
    method: (o.method ?? 'auto') as InitiativeInput['method'],
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 4 });

function renderList(r: { initiatives: Initiative[] }): string {
  if (r.initiatives.length === 0) return '(no initiatives)';
  return r.initiatives
    .map((i) => `${i.id}  ${i.shippedAt}  ${typeof i.kpi === 'string' ? i.kpi : `${i.kpi.from} → ${i.kpi.to}`}  ${i.name}`)
    .join('\n');
}

function renderReport(r: InitiativeReport): string {
  const a = r.lift.absolute;
  const lines = [
    `${r.initiative.name} — ${r.kpi.name}, ${r.method} (${r.methodReason})`,
    `pre ${r.periods.preStart}..${r.periods.preEnd}, post ${r.periods.postStart}..${r.periods.postEnd} (${r.lift.postDays} days)`,
    `lift: ${num(a.estimate)} [${num(a.low)}, ${num(a.high)}], p = ${a.pValue.toFixed(4)}` +
      (r.lift.relative ? `; relative ${pct(r.lift.relative.estimate)} [${pct(r.lift.relative.low)}, ${pct(r.lift.relative.high)}]` : ''),
  ];
  if (r.method === 'staggered') {
    const waves = (r.details.waves ?? []) as Array<{
      shipDate: string;
      units: string[];
      controls: string[];
      lift: { estimate: number; low: number; high: number } | null;
    }>;
    for (const w of waves)
      lines.push(
        `  wave ${w.shipDate} (${w.units.join(', ')}; controls ${w.controls.join(', ') || 'none'}): ` +
          (w.lift ? `${num(w.lift.estimate)} [${num(w.lift.low)}, ${num(w.lift.high)}]` : 'no clean control'),
      );
  }
  if (r.incrementalConversions)
    lines.push(
      `incremental conversions: ${num(r.incrementalConversions.estimate)} [${num(r.incrementalConversions.low)}, ${num(r.incrementalConversions.high)}]`,
    );
  if (r.incrementalRevenue)
    lines.push(
      `incremental revenue: ${num(r.incrementalRevenue.estimate)} [${num(r.incrementalRevenue.low)}, ${num(r.incrementalRevenue.high)}]`,
    );
  if (r.roi && r.cost)
    lines.push(
      `ROI: ${pct(r.roi.estimate)} [${pct(r.roi.low)}, ${pct(r.roi.high)}] on cost ${num(r.cost.total)}; payback ${r.paybackDate ?? 'not within the post-period'}`,
    );
  if (r.placebo)
    lines.push(
      `placebo at ${r.placebo.fakeShipDate}: ${num(r.placebo.averageLift.estimate)} [${num(r.placebo.averageLift.low)}, ${num(r.placebo.averageLift.high)}]${r.placebo.intervalContainsZero ? ' (contains 0, as it should)' : ' (excludes 0!)'}`,
    );
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function registerInitiativeCommands(program: Command): void {
  const cmd = program.command('initiatives').description('journey changes with a ship date and cost: causal lift and ROI');

  cmd
    .command('create')
    .description('record an initiative')
    .requiredOption('--name <name>', 'name')
    .option('--shipped <date>', 'first day the change was live, YYYY-MM-DD (with --wave: the first wave by default)')
    .requiredOption(
      '--kpi <kpi>',
      'checkout_conversion, conversion_rate, revenue_per_visitor, aov, repeat_rate, csat, or step (with --step-from/--step-to)',
    )
    .option('--step-from <event>', 'first event of a step KPI')
    .option('--step-to <event>', 'second event of a step KPI')
    .option('--description <text>', 'description')
    .option('--stage <stage>', 'journey stage it changes')
    .option('--touchpoint <touchpoint>', 'touchpoint it changes')
    .option('--rollout-end <date>', 'last day of a gradual rollout (those days are left out)')
    .option('--pre-start <date>', 'first day of the pre-period')
    .option('--post-end <date>', 'last day of the post-period')
    .option('--cost <amount>', 'one-off cost', '0')
    .option('--monthly-cost <amount>', 'running cost per month', '0')
    .option('--control-region <list>', 'regions the change did not reach (comma-separated)')
    .option('--treated-region <list>', 'regions the change reached (without --control-region: all others are untreated)')
    .option('--control-channel <list>', 'first-touch channels the change did not reach')
    .option('--control-persona <name>', 'a saved persona the change did not reach')
    .option(
      '--wave <date:values>',
      'a wave of a staggered rollout: its first live day and the units it reached, e.g. 2026-05-21:North,East (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--wave-by <unit>', 'what the waves name: region (default), channel or trait:NAME')
    .option('--never <list>', 'units the rollout never reached (default: every unit in no wave)')
    .option('--wave-pre-days <n>', "days of each wave's window before its ship date (default 28)")
    .option('--method <method>', 'auto, did, forecast, synthetic_control or staggered', 'auto')
    .action(async (o: CreateOptions, command: Command) => {
      const opts = globalOptions(command);
      const input = initiativeInputFromOptions(o);
      print(
        opts,
        await runOn(opts, 'POST', '/api/v1/initiatives', input, (store, project) => createInitiative(store, project.id, input)),
        (i) => `created initiative ${i.id} (${i.name})`,
      );
    });

  cmd
    .command('list')
    .description('list initiatives')
    .action(async (_o: unknown, command: Command) => {
      const opts = globalOptions(command);
      print(
        opts,
        await runOn(opts, 'GET', '/api/v1/initiatives', undefined, async (store, project) => ({
          initiatives: await listInitiatives(store, project.id),
        })),
        renderList,
      );
    });

  cmd
    .command('show <id>')
    .description('show one initiative')
    .action(async (id: string, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const initiative = await runOn(opts, 'GET', `/api/v1/initiatives/${encodeURIComponent(id)}`, undefined, async (store, project) => {
        const found = await getInitiative(store, project.id, id);
        if (!found) throw new CliError(`no initiative "${id}"`);
        return found;
      });
      print(opts, initiative, (i) => JSON.stringify(i, null, 2));
    });

  cmd
    .command('delete <id>')
    .description('delete an initiative')
    .action(async (id: string, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const result = await runOn(opts, 'DELETE', `/api/v1/initiatives/${encodeURIComponent(id)}`, undefined, async (store, project) => {
        if (!(await removeInitiative(store, project.id, id))) throw new CliError(`no initiative "${id}"`);
        return { deleted: id };
      });
      print(opts, result, (r) => `deleted ${r.deleted}`);
    });

  cmd
    .command('report <id>')
    .description('causal lift, incremental revenue and ROI of an initiative, with a placebo test')
    .action(async (id: string, _o: unknown, command: Command) => {
      const opts = globalOptions(command);
      const report = await runOn(opts, 'GET', `/api/v1/initiatives/${encodeURIComponent(id)}/report`, undefined, async (store, project) => {
        const found = await getInitiative(store, project.id, id);
        if (!found) throw new CliError(`no initiative "${id}"`);
        return initiativeReport(store, project.id, found, { grossMargin: project.settings.margin });
      });
      print(opts, report, renderReport);
    });
}
