/** Every route module, registered in one place. Add a line per feature. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { registerCollectRoutes } from './collect.ts';
import { registerSpendRoutes } from './spend.ts';
import { registerSqlRoutes } from './sql.ts';
import { registerSystemRoutes } from './system.ts';
import { registerAuthRoutes } from './auth.ts';
import { registerWebRoutes } from './web.ts';
import { registerAttributionRoutes } from './attribution.ts';
import { registerCallRoutes } from './calls.ts';
import { registerInitiativeRoutes } from './initiatives.ts';
import { registerExperimentRoutes } from './experiments.ts';
import { registerJourneyRoutes } from './journeys.ts';
import { registerPersonaRoutes } from './personas.ts';
import { registerCustomerRoutes } from './customers.ts';
import { registerPathsRoutes } from './paths.ts';
import { registerRetentionRoutes } from './retention.ts';
import { registerFunnelRoutes } from './funnels.ts';
import { registerKpiRoutes } from './kpis.ts';
import { registerFeedbackRoutes } from './feedback.ts';
import { registerPredictionRoutes } from './predictions.ts';

export function registerRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerCollectRoutes(app, ctx);
  registerSqlRoutes(app, ctx);
  registerSpendRoutes(app, ctx);
  registerSystemRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerWebRoutes(app, ctx);
  registerAttributionRoutes(app, ctx);
  registerCallRoutes(app, ctx);
  registerInitiativeRoutes(app, ctx);
  registerExperimentRoutes(app, ctx);
  registerJourneyRoutes(app, ctx);
  registerPersonaRoutes(app, ctx);
  registerCustomerRoutes(app, ctx);
  registerPathsRoutes(app, ctx);
  registerRetentionRoutes(app, ctx);
  registerFunnelRoutes(app, ctx);
  registerKpiRoutes(app, ctx);
  registerFeedbackRoutes(app, ctx);
  registerPredictionRoutes(app, ctx);
}
