import type { Command } from 'commander';
import { computeFeedback, type FeedbackReport, type ScoreSummary } from '../../analysis/feedback.ts';
import { resolveScope } from '../../analysis/scope.ts';
import { globalOptions, list, runAnalysis } from '../target.ts';
import { dataRange } from './journeys.ts';
import { toScopeInput } from './kpis.ts';

interface FeedbackCommandOptions {
  from?: string;
  to?: string;
  channels?: string;
  persona?: string;
}

function scores(s: ScoreSummary): string {
  const nps = s.nps ? `NPS ${s.nps.score.toFixed(0).padStart(4)} (n=${s.nps.responses})` : 'NPS    –';
  const csat = s.csat ? `CSAT ${(s.csat.score * 100).toFixed(0).padStart(3)}% (n=${s.csat.responses})` : 'CSAT   –';
  return `${String(s.responses).padStart(7)}  ${nps.padEnd(18)} ${csat}`;
}

function render(r: FeedbackReport): string {
  const lines = [`all responses   ${scores(r.total)}`, '', 'by stage:'];
  for (const s of r.byStage) lines.push(`  ${s.stage.padEnd(20)} ${scores(s)}`);
  lines.push('', 'by touchpoint:');
  for (const s of r.byTouchpoint) lines.push(`  ${s.touchpoint.padEnd(20)} ${scores(s)}`);
  lines.push('', `themes (${r.comments} comments):`);
  for (const t of r.themes) {
    const sentiment = t.sentiment === null ? '–' : t.sentiment.toFixed(2);
    lines.push(`  ${t.theme.padEnd(10)} ${String(t.mentions).padStart(7)}  sentiment ${sentiment.padStart(5)}  ${t.examples.map((e) => `"${e}"`).join(', ')}`);
  }
  lines.push('', `phrases: ${r.phrases.map((p) => `${p.phrase} (${p.count})`).join(', ')}`);
  return lines.join('\n');
}

export function registerFeedbackCommands(program: Command): void {
  program
    .command('feedback')
    .description('survey feedback by journey stage and touchpoint: NPS, CSAT, comment themes')
    .option('--from <date>', 'range start (default: the first event)')
    .option('--to <date>', 'range end, exclusive (default: just after the last event)')
    .option('--channels <list>', 'only persons reached through these channels (comma-separated)')
    .option('--persona <name>', 'only persons of this saved persona')
    .action(async (o: FeedbackCommandOptions, command: Command) => {
      const opts = globalOptions(command);
      const range = async (store?: Parameters<typeof dataRange>[1], projectId?: string) => (o.from && o.to ? { from: o.from, to: o.to } : { ...(await dataRange(opts, store, projectId)), ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}) });
      const body = (r: { from: string; to: string }) => ({ from: r.from, to: r.to, channels: list(o.channels), persona: o.persona });
      await runAnalysis(
        opts,
        '/api/v1/feedback',
        opts.server ? body(await range()) : {},
        async (store, project) => computeFeedback(store, await resolveScope(store, project.id, toScopeInput(body(await range(store, project.id))))),
        render,
      );
    });
}
