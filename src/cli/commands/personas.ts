import type { Command } from 'commander';
import { createPersona } from '../../journeys/personas.ts';
import { discoverPersonasAnalysis, type DiscoverResult } from '../../personas/discover.ts';
import { fmtInt } from '../../format/numbers.ts';
import { renderTable } from '../../format/table.ts';
import { CliError, globalOptions, runOn, runRegisteredAnalysis } from '../target.ts';

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

function render(r: DiscoverResult): string {
  const lines = [
    `${r.k} personas among ${r.sampled} persons (k by ${r.criterion}; silhouette prefers ${r.silhouetteK}, BIC prefers ${r.bicK}); ${r.unclustered} of ${r.persons} persons too few product views to place`,
    renderTable(
      [
        { header: 'k', align: 'right' },
        { header: 'Silhouette (higher is better)', align: 'right' },
        { header: 'BIC (lower is better)', align: 'right' },
      ],
      r.silhouetteByK.map((s) => [String(s.k), s.silhouette.toFixed(3), fmtInt(s.bic)]),
    ),
    '',
  ];
  for (const p of r.personas) {
    lines.push(
      `${p.name} — ${p.size} persons (${pct(p.share)}), ${p.value.revenuePerPerson.toFixed(2)} revenue/person (${pct(p.value.revenueShare)} of revenue), ${p.value.ordersPerPerson.toFixed(2)} orders/person`,
    );
    lines.push(
      `  channels: ${p.topChannels.map((c) => `${c.channel} ${pct(c.share)}`).join(', ')}; categories: ${p.topCategories.map((c) => `${c.category} ${pct(c.share)}`).join(', ')}; mobile ${pct(p.mobileShare)}`,
    );
    lines.push(
      `  stages: viewed ${pct(p.stageConversion.viewedProduct)} → cart ${pct(p.stageConversion.addedToCart)} → checkout ${pct(p.stageConversion.startedCheckout)} → ordered ${pct(p.stageConversion.ordered)}; NPS ${p.nps.score === null ? '–' : p.nps.score.toFixed(0)} (${p.nps.respondents})`,
    );
    if (p.themes.length) lines.push(`  themes: ${p.themes.map((t) => `"${t.comment}" ×${t.count}`).join(', ')}`);
    lines.push(`  rule: ${JSON.stringify(p.suggestedSegment.rules)}`);
  }
  return lines.join('\n');
}

export function registerPersonaCommands(program: Command): void {
  const personas =
    program.commands.find((c) => c.name() === 'personas') ??
    program.command('personas').description('personas: saved segments and discovery');
  personas
    .command('discover')
    .description(discoverPersonasAnalysis.summary)
    .option('--k <n>', 'number of personas (default: chosen by --criterion)')
    .option('--max-k <n>', 'largest k tried', '8')
    .option('--criterion <name>', 'how k is chosen: silhouette (separated groups) or bic', 'silhouette')
    .option('--min-product-views <n>', 'persons clustered need at least this many product views', '1')
    .option('--channel-mix', 'also cluster on the acquisition channel mix (otherwise only on the cards)')
    .option('--save', 'save each discovered persona as a rule persona (its suggested segment)')
    .action(
      async (
        o: { k?: string; maxK: string; criterion: string; minProductViews: string; channelMix?: boolean; save?: boolean },
        command: Command,
      ) => {
        const opts = globalOptions(command);
        const int = (text: string, flag: string) => {
          const n = Number(text);
          if (!Number.isInteger(n) || n < 2 || n > 12) throw new CliError(`--${flag}: a whole number from 2 to 12, not "${text}"`);
          return n;
        };
        if (o.criterion !== 'silhouette' && o.criterion !== 'bic')
          throw new CliError(`--criterion: silhouette or bic, not "${o.criterion}"`);
        const minProductViews = Number(o.minProductViews);
        if (!Number.isInteger(minProductViews) || minProductViews < 0 || minProductViews > 1000)
          throw new CliError(`--min-product-views: a whole number from 0 to 1000, not "${o.minProductViews}"`);
        const body = {
          ...(o.k ? { k: int(o.k, 'k') } : {}),
          maxK: int(o.maxK, 'max-k'),
          criterion: o.criterion,
          minProductViews,
          ...(o.channelMix ? { channelMix: true } : {}),
        };
        const result = await runRegisteredAnalysis<DiscoverResult>(opts, discoverPersonasAnalysis, body, render);
        if (o.save) {
          for (const p of result.personas) {
            const input = { name: p.name, description: `Discovered from behaviour: ${p.size} persons`, segment: p.suggestedSegment };
            const saved = await runOn<{ id: string }>(opts, 'POST', '/api/v1/personas', input, (store, project) =>
              createPersona(store, project.id, input),
            );
            if (!opts.json) process.stdout.write(`saved persona ${saved.id}\n`);
          }
        }
      },
    );
}
