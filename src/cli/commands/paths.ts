import type { Command } from 'commander';
import { parseCleaningRule } from '../../analysis/path-cleaning.ts';
import { type PathsResult } from '../../analysis/paths.ts';
import { addScopeOptions, optionalScopeFields, runScopedAnalysis, type ScopeOptions } from '../options.ts';
import { globalOptions } from '../target.ts';


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
}

function render(r: PathsResult): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const lines = [`${r.mode} paths${r.anchor ? ` from "${r.anchor}"` : ''}${r.end ? ` to "${r.end}"` : ''}: ${r.persons} persons`, '', 'top paths:'];
  for (const p of r.topPaths) lines.push(`  ${String(p.persons).padStart(8)} ${pct(p.share)}  ${p.steps.join(' → ')}`);
  lines.push('', 'steps (depth, persons, drop-off, label):');
  for (const n of r.nodes) lines.push(`  ${String(n.depth).padStart(3)} ${String(n.persons).padStart(8)} ${String(n.dropOff).padStart(8)}  ${n.label}`);
  return lines.join('\n');
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
      .option('--clean <pattern=label>', 'path cleaning rule, repeatable, applied in order', (v: string, all: string[]) => [...all, v], [] as string[])
      .option('--with-channel', 'label steps as "channel · step"')
      .option('--starts-with <label>', 'keep paths whose first step is this label')
      .option('--ends-with <label>', 'keep paths whose last step is this label')
      .option('--max-nodes <n>', 'busiest labels per depth; the rest are grouped as Other')
      .option('--top <n>', 'number of top paths', '10'),
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
    };
    await runScopedAnalysis(globalOptions(command), o, '/api/v1/paths', () => body, render);
  });
}
