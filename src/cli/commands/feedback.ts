import type { Command } from 'commander';
import { type FeedbackReport, type ScoreSummary } from '../../analysis/feedback.ts';
import { addScopeOptions, runScopedAnalysis, type ScopeOptions } from '../options.ts';
import { globalOptions } from '../target.ts';

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
    lines.push(
      `  ${t.theme.padEnd(10)} ${String(t.mentions).padStart(7)}  sentiment ${sentiment.padStart(5)}  ${t.examples.map((e) => `"${e}"`).join(', ')}`,
    );
  }
  lines.push('', `phrases: ${r.phrases.map((p) => `${p.phrase} (${p.count})`).join(', ')}`);
  return lines.join('\n');
}

export function registerFeedbackCommands(program: Command): void {
  addScopeOptions(
    program.command('feedback').description('survey feedback by journey stage and touchpoint: NPS, CSAT, comment themes'),
  ).action(async (o: ScopeOptions, command: Command) => {
    await runScopedAnalysis(globalOptions(command), o, '/api/v1/feedback', (scope) => scope, render);
  });
}
