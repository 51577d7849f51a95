/**
 * Predicted CLV of a few persons (a page of a people list), as `predict clv` with its defaults
 * computes it: the models are fitted on every buyer of the project's whole range, then each
 * person's CLV comes from their own purchase summary. Fitting reads every buyer, so the fitted
 * models are kept per project until the data range changes (a new day of data) or ten minutes
 * pass; a page then costs one query over its own persons' orders.
 */
import { resolveScopeWithDefaults } from '../scope/scope.ts';
import type { Store } from '../store/store.ts';
import { summarizeCustomers, type BuyerSummary } from './customer-summary.ts';
import { fitCustomerModels, predictionInputSchema } from './predict-customers.ts';

const TTL_MS = 10 * 60_000;
interface Fitted {
  key: string;
  at: number;
  clvOf: ((b: BuyerSummary) => number) | null;
}
const fitted = new Map<string, Promise<Fitted>>();

async function modelsFor(store: Store, projectId: string, key: string): Promise<Fitted> {
  const scope = await resolveScopeWithDefaults(store, projectId, {}, 'all');
  const options = predictionInputSchema.parse({});
  const { buyers } = await summarizeCustomers(store, scope);
  // As predictCustomers: without a repeat buyer there is no purchase model, hence no CLV.
  if (!buyers.some((b) => b.frequency > 0)) return { key, at: Date.now(), clvOf: null };
  return { key, at: Date.now(), clvOf: fitCustomerModels(buyers, options).clvOf };
}

/** Predicted CLV (reporting currency, default horizon) by person; persons who never bought are absent. */
export async function predictedClv(store: Store, projectId: string, personIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (personIds.length === 0) return out;
  const scope = await resolveScopeWithDefaults(store, projectId, {}, 'all');
  const key = `${scope.from.toISOString()}|${scope.to.toISOString()}`;
  let entry = fitted.get(projectId);
  const current = entry && (await entry.catch(() => null));
  if (!current || current.key !== key || Date.now() - current.at > TTL_MS) {
    entry = modelsFor(store, projectId, key);
    fitted.set(projectId, entry);
    entry.catch(() => fitted.delete(projectId));
  }
  const models = await entry!;
  if (!models.clvOf) return out;
  const { buyers } = await summarizeCustomers(store, scope, { persons: personIds });
  for (const b of buyers) out.set(b.personId, models.clvOf(b));
  return out;
}
