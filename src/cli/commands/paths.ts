import type { Command } from 'commander';
import { parseCleaningRule } from '../../analysis/path-cleaning.ts';
import { type PathsResult } from '../../analysis/paths.ts';
import { addScopeOptions, optionalScopeFields, runScopedAnalysis, type ScopeOptions } from '../options.ts';
import { globalOptions } from '../target.ts';
import { fmtInt, fmtPct } from '../../format/numbers.ts';
import { renderTable } from '../../format/table.ts';

interface PathsCommandOptions extends ScopeOptions {
  start?: string;
  end?: string;
  steps: string;
  backward?: boolean;
  stepType: string;
  unit: string;
  collapse?: boolean;
  clean: string[];
  withChannel?: boolean;
  startsWith?: string;
  endsWith?: string;
  maxNodes?: string;
  top: string;
  all?: boolean;
  showNoise?: boolean;
}

/** A bounded summary: the top paths, then the busiest steps of each depth (--all: every step). */
function renderer(all: boolean) {
  return (r: PathsResult): string => {
    const head = `${r.mode} paths${r.anchor ? ` from "${r.anchor}"` : ''}${r.end ? ` to "${r.end}"` : ''}: ${fmtInt(r.persons)} people`;
    const top = renderTable(
      [{ header: 'people', align: 'right' }, { header: 'share', align: 'right' }, { header: 'path' }],
      r.topPaths.map((p) => [fmtInt(p.persons), fmtPct(p.share), p.steps.join(' → ')]),
    );
    const perDepth = 5;
    const shown: typeof r.nodes = [];
    let hidden = 0;
    for (const depth of [...new Set(r.nodes.map((n) => n.depth))]) {
      const at = r.nodes.filter((n) => n.depth === depth);
      shown.push(...(all ? at : at.slice(0, perDepth)));
      hidden += all ? 0 : Math.max(0, at.length - perDepth);
    }
    const steps = renderTable(
      [
        { header: 'depth', align: 'right' },
        { header: 'step' },
        { header: 'people', align: 'right' },
        { header: 'share', align: 'right' },
        { header: 'stop here', align: 'right' },
      ],
      shown.map((n) => [String(n.depth), n.label, fmtInt(n.persons), fmtPct(n.share), fmtInt(n.dropOff)]),
    );
    const more = hidden > 0 ? `\n(${fmtInt(hidden)} less common steps left out: --all lists every step, --json gives links too)` : '';
    return `${head}\n\nTop paths\n${top}\n\nBusiest steps per depth\n${steps}${more}`;
  };
}

export function registerPathsCommands(program: Command): void {
  addScopeOptions(
    program
      .command('paths')
      .description('most common paths after an event, before it (--backward), or between two events')
      .option('--start <event>', 'anchor: paths start at the first occurrence of this step')
      .option('--end <event>', 'with --start: paths from start to end; alone: paths leading to end')
      .option('--steps <n>', 'steps after/before the anchor (or the most steps from start to end)', '5')
      .option('--backward', 'read the steps before the anchor')
      .option('--step-type <type>', 'event, page or event_and_page', 'event_and_page')
      .option('--unit <unit>', 'session (paths end with the session) or person', 'session')
      .option('--collapse', 'collapse consecutive repeats of a step')
      .option(
        '--clean <pattern=label>',
        'path cleaning rule, repeatable, applied in order',
        (v: string, all: string[]) => [...all, v],
        [] as string[],
      )
      .option('--with-channel', 'label steps as "channel · step"')
      .option('--starts-with <label>', 'keep paths whose first step is this label')
      .option('--ends-with <label>', 'keep paths whose last step is this label')
      .option('--max-nodes <n>', 'busiest labels per depth; the rest are grouped as Other')
      .option('--top <n>', 'number of top paths', '10')
      .option('--all', 'list every step of every depth (default: the 5 busiest per depth)')
      .option('--show-noise', 'keep generic page and screen views ("Page Viewed") as steps'),
  ).action(async (o: PathsCommandOptions, command: Command) => {
    const body = {
      ...optionalScopeFields(o),
      start: o.start,
      end: o.end,
      direction: o.backward ? 'backward' : 'forward',
      steps: Number(o.steps),
      stepType: o.stepType,
      unit: o.unit,
      collapseRepeats: Boolean(o.collapse),
      cleaning: o.clean.map(parseCleaningRule),
      includeChannel: Boolean(o.withChannel),
      startsWith: o.startsWith,
      endsWith: o.endsWith,
      maxNodesPerStep: o.maxNodes === undefined ? undefined : Number(o.maxNodes),
      topPaths: Number(o.top),
      showNoise: Boolean(o.showNoise),
    };
    await runScopedAnalysis(globalOptions(command), o, '/api/v1/paths', () => body, renderer(Boolean(o.all)));
  });
}
