/** Every CLI command, registered in one place. Add a line per feature. */
import type { Command } from 'commander';
import { registerDerivedAnalysisCommands } from '../analysis-command.ts';
import { registerImportCommand } from './import.ts';
import { registerProjectCommands } from './projects.ts';
import { registerServerCommands } from './server.ts';
import { registerSqlCommand } from './sql.ts';
import { registerStatsCommands } from './stats.ts';
import { registerAttributionCommands } from './attribution.ts';
import { registerInitiativeCommands } from './initiatives.ts';
import { registerExperimentCommands } from './experiments.ts';
import { registerRoiCommands } from './roi.ts';
import { registerJourneyCommands } from './journeys.ts';
import { registerCustomerCommands } from './customers.ts';
import { registerPathsCommands } from './paths.ts';
import { registerRetentionCommands } from './retention.ts';
import { registerFunnelCommands } from './funnel.ts';
import { registerKpiCommands } from './kpis.ts';
import { registerFeedbackCommands } from './feedback.ts';
import { registerPredictionCommands } from './predictions.ts';
import { registerStatusCommand } from './status.ts';
import { registerUserCommands } from './users.ts';
import { registerAudienceCommands } from './audiences.ts';
import { registerPersonaCommands } from './personas.ts';
import { registerPredictActCommands } from './predict-act.ts';
import { registerAnomalySubscriptionCommands } from './anomaly-subscriptions.ts';

export function registerCommands(program: Command): void {
  registerServerCommands(program);
  registerProjectCommands(program);
  registerImportCommand(program);
  registerSqlCommand(program);
  registerStatsCommands(program);
  registerAttributionCommands(program);
  registerInitiativeCommands(program);
  registerExperimentCommands(program);
  registerRoiCommands(program);
  registerJourneyCommands(program);
  registerCustomerCommands(program);
  registerPathsCommands(program);
  registerRetentionCommands(program);
  registerFunnelCommands(program);
  registerKpiCommands(program);
  registerFeedbackCommands(program);
  registerPredictionCommands(program);
  registerStatusCommand(program);
  registerUserCommands(program);
  registerAudienceCommands(program);
  registerPersonaCommands(program);
  registerPredictActCommands(program);
  registerAnomalySubscriptionCommands(program);
  // Registered analyses without a hand-written command above get one derived from their input.
  registerDerivedAnalysisCommands(program);
}
