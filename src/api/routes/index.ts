/** Every route module, registered in one place. Analyses come from the registry, not from a line here. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { registerAnalysisRoutes } from './analyses.ts';
import { registerCollectRoutes } from './collect.ts';
import { registerSpendRoutes } from './spend.ts';
import { registerSqlRoutes } from './sql.ts';
import { registerSystemRoutes } from './system.ts';
import { registerAuthRoutes } from './auth.ts';
import { registerWebRoutes } from './web.ts';
import { registerCallRoutes } from './calls.ts';
import { registerInitiativeRoutes } from './initiatives.ts';
import { registerExperimentRoutes } from './experiments.ts';
import { registerJourneyRoutes } from './journeys.ts';
import { registerPersonaRoutes } from './personas.ts';
import { registerCustomerRoutes } from './customers.ts';
import { registerPeopleRoutes } from './people.ts';
import { registerProjectInfoRoutes } from './project-info.ts';
import { registerAudienceRoutes } from './audiences.ts';
import { registerJourneyEditorRoutes } from './journey-editor.ts';
import { registerSourceConfigRoutes } from './source-config.ts';
import { registerAnomalyRoutes } from './anomalies.ts';
import { registerCollaborationRoutes } from './collaboration.ts';

export function registerRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerCollectRoutes(app, ctx);
  registerSourceConfigRoutes(app, ctx);
  registerSqlRoutes(app, ctx);
  registerSpendRoutes(app, ctx);
  registerSystemRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerWebRoutes(app, ctx);
  registerCallRoutes(app, ctx);
  registerInitiativeRoutes(app, ctx);
  registerExperimentRoutes(app, ctx);
  registerJourneyEditorRoutes(app, ctx);
  registerJourneyRoutes(app, ctx);
  registerPersonaRoutes(app, ctx);
  // Every analysis of the registry (src/registry/analyses.ts).
  registerAnalysisRoutes(app, ctx);
  registerCustomerRoutes(app, ctx);
  registerPeopleRoutes(app, ctx);
  registerProjectInfoRoutes(app, ctx);
  registerAudienceRoutes(app, ctx);
  registerAnomalyRoutes(app, ctx);
  registerCollaborationRoutes(app, ctx);
}
