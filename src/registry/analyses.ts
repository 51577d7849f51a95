/**
 * Every analysis, named once. Routes, the OpenAPI document, the viewer allowlist, the CLI and the
 * dashboard's typed calls are all derived from this list: adding an analysis is its own module
 * (with `defineAnalysis`) plus one line here.
 */
import { dropOffDriversAnalysis } from '../analysis/drop-off-drivers.ts';
import { feedbackAnalysis } from '../analysis/feedback.ts';
import { funnelAnalysis } from '../analysis/funnel.ts';
import { journeyMapAnalysis } from '../analysis/journey-map.ts';
import { kpiSeriesAnalysis } from '../analysis/kpi-series.ts';
import { kpisAnalysis } from '../analysis/kpis.ts';
import { pathsAnalysis } from '../analysis/paths.ts';
import { retentionAnalysis } from '../analysis/retention.ts';
import { attributionAnalysis, attributionCompareAnalysis, marginalAnalysis, roiAnalysis } from '../attribution/analyses.ts';
import { clvAnalysis } from '../predictions/predict-customers.ts';
import { propensityAnalysis } from '../predictions/propensity.ts';
import { discoverPersonasAnalysis } from '../personas/discover.ts';
import { upliftAnalysis } from '../uplift/uplift.ts';
import { anomaliesAnalysis } from '../anomalies/anomalies.ts';
import { budgetAnalysis, mmmAnalysis, mmmControlsAnalysis, roiReconcileAnalysis } from '../mmm/analyses.ts';
import type { AnyAnalysis } from './define.ts';

export const ANALYSES: readonly AnyAnalysis[] = [
  kpisAnalysis,
  kpiSeriesAnalysis,
  funnelAnalysis,
  dropOffDriversAnalysis,
  pathsAnalysis,
  retentionAnalysis,
  journeyMapAnalysis,
  feedbackAnalysis,
  attributionAnalysis,
  attributionCompareAnalysis,
  roiAnalysis,
  marginalAnalysis,
  clvAnalysis,
  propensityAnalysis,
  discoverPersonasAnalysis,
  upliftAnalysis,
  anomaliesAnalysis,
  mmmAnalysis,
  budgetAnalysis,
  roiReconcileAnalysis,
  mmmControlsAnalysis,
];

export function analysisById(id: string): AnyAnalysis | undefined {
  return ANALYSES.find((a) => a.id === id);
}
