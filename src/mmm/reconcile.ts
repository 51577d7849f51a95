/**
 * One ROI view that reconciles the evidence, per channel: attribution's credit (touches under
 * the chosen model: revenue credited ÷ spend), the MMM's ROI with its interval (incremental
 * revenue ÷ spend), and every measured lift (experiments, initiatives, hand-entered tests).
 * A disagreement is marked where attribution's ROAS or a lift's interval lies outside the MMM's
 * interval; attribution above it is the typical sign of crediting touches that would have
 * converged anyway (brand search, direct, affiliates at checkout).
 */
import { computeRoi } from '../attribution/roi-report.ts';
import type { Project } from '../projects/projects.ts';
import type { AnalysisScope } from '../scope/scope.ts';
import type { Store } from '../store/store.ts';
import { normalQuantile } from '../stats/distributions.ts';
import type { Interval } from './fit.ts';
import { fittedModel, type MmmFitInput } from './mmm.ts';
import { channelReports } from './report.ts';

export interface ReconcileRow {
  channel: string;
  spend: number;
  attribution: { model: string; revenue: number; conversions: number; roas: number | null } | null;
  mmm: { roi: Interval; contribution: Interval } | null;
  lifts: Array<{ source: string; label: string; roi: Interval }>;
  disagreements: string[];
}

export interface ReconcileReport {
  kpi: string;
  model: string;
  interval: number;
  from: string;
  to: string;
  channels: ReconcileRow[];
  notes: string[];
}

const key = (s: string) => s.trim().toLowerCase();

export async function reconcileRoi(
  store: Store,
  project: Project,
  scope: AnalysisScope,
  input: MmmFitInput & { model: string },
): Promise<ReconcileReport> {
  const m = await fittedModel(store, project, { ...scope }, input);
  const level = input.interval;
  const mmm = channelReports(m.fit, level);
  // Attribution over the same days the MMM fitted.
  const attributionScope = { ...scope, from: new Date(`${m.from}T00:00:00Z`), to: new Date(Date.parse(`${m.to}T00:00:00Z`) + 86_400_000) };
  const roi = await computeRoi(store, attributionScope, { models: [input.model], margin: project.settings.margin, granularity: 'channel' });
  const table = roi.tables[0]!;
  const z = normalQuantile(0.5 + level / 2);
  const names = new Map<string, string>();
  for (const r of mmm) names.set(key(r.channel), r.channel);
  for (const r of table.rows) if (r.spend > 0 && !names.has(key(r.touchpoint))) names.set(key(r.touchpoint), r.touchpoint);
  const rows: ReconcileRow[] = [...names.entries()].map(([k, channel]) => {
    const mm = mmm.find((r) => key(r.channel) === k);
    const at = table.rows.find((r) => key(r.touchpoint) === k);
    const spend = mm?.spend ?? at?.spend ?? 0;
    const roas = at && spend > 0 ? at.revenue / spend : null;
    const lifts = m.fit.priors
      .filter((p) => key(p.channel) === k)
      .flatMap((p) =>
        p.lifts.map((l) => ({ source: l.source, label: l.label, roi: { mean: l.roi, lo: l.roi - z * l.se, hi: l.roi + z * l.se } })),
      );
    const disagreements: string[] = [];
    if (mm && roas !== null) {
      if (roas > mm.roi.hi)
        disagreements.push(
          `attribution ROAS ${roas.toFixed(2)} is above the MMM's ${Math.round(level * 100)}% interval (${mm.roi.lo.toFixed(2)}..${mm.roi.hi.toFixed(2)}): touches credited beyond what the channel adds`,
        );
      else if (roas < mm.roi.lo)
        disagreements.push(
          `attribution ROAS ${roas.toFixed(2)} is below the MMM's interval (${mm.roi.lo.toFixed(2)}..${mm.roi.hi.toFixed(2)}): the channel adds more than its touches are credited with`,
        );
    }
    for (const l of lifts) {
      if (mm && (l.roi.hi < mm.roi.lo || l.roi.lo > mm.roi.hi))
        disagreements.push(`${l.label} (${l.roi.lo.toFixed(2)}..${l.roi.hi.toFixed(2)}) does not overlap the MMM's interval`);
    }
    if (!mm) disagreements.push('no spend in the MMM range: no model estimate');
    return {
      channel,
      spend,
      attribution: at ? { model: input.model, revenue: at.revenue, conversions: at.conversions, roas } : null,
      mmm: mm ? { roi: mm.roi, contribution: mm.contribution } : null,
      lifts,
      disagreements,
    };
  });
  rows.sort((a, b) => b.spend - a.spend || a.channel.localeCompare(b.channel));
  return {
    kpi: input.kpi,
    model: input.model,
    interval: level,
    from: m.from,
    to: m.to,
    channels: rows,
    notes: [
      'Attribution measures which touches preceded conversions, not which conversions the channel caused; the MMM and lift tests measure incrementality.',
      ...(input.kpi !== 'revenue'
        ? ['The MMM KPI is not revenue: its ROI is in KPI units per unit of spend, attribution ROAS in revenue.']
        : []),
      ...m.notes,
    ],
  };
}
