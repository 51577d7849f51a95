/**
 * Two projects on one store, each with events, persons and ad spend. Project B's values carry
 * canary strings: if any of them shows up in an answer to project A's key, B's data leaked.
 */
import { AD_SPEND } from '../../src/store/schema.ts';
import { createProject } from '../../src/projects/projects.ts';
import type { Store } from '../../src/store/store.ts';
import { ingest } from '../support/ingest.ts';

export const CANARY = 'canary-b-7f3a';

export interface SqlFixture {
  projectA: string;
  projectB: string;
  secretB: string;
  writeKeyB: string;
  /** A's numbers, for the positive suite. */
  a: { events: number; purchases: number; revenue: number; persons: number; spend: number };
}

function messages(prefix: string, persons: number): object[] {
  const out: object[] = [];
  for (let p = 0; p < persons; p++) {
    const userId = `${prefix}-user-${p}`;
    const anonymousId = `${prefix}-anon-${p}`;
    const day = (d: number, h = 0) => new Date(Date.UTC(2026, 0, 5 + d, 10 + h)).toISOString();
    out.push({
      type: 'page',
      messageId: `${prefix}-m-${p}-1`,
      anonymousId,
      timestamp: day(p % 7),
      properties: { path: '/' },
      context: { campaign: { source: 'google', medium: 'cpc', name: `${prefix}-campaign` } },
    });
    out.push({
      type: 'identify',
      messageId: `${prefix}-m-${p}-2`,
      anonymousId,
      userId,
      timestamp: day(p % 7, 1),
      traits: { plan: p % 2 ? 'pro' : 'free', email: `${prefix}-${p}@example.com` },
    });
    out.push({
      type: 'track',
      messageId: `${prefix}-m-${p}-3`,
      userId,
      event: p % 3 === 0 ? 'Order Completed' : `${prefix === 'b' ? CANARY : 'Product Viewed'}`,
      timestamp: day((p % 7) + 1, 2),
      properties: { revenue: p % 3 === 0 ? 10 + p : undefined, plan: p % 2 ? 'pro' : 'free' },
    });
  }
  return out;
}

export async function seedTwoProjects(store: Store, projectA: string): Promise<SqlFixture> {
  const { project: b, secretKey: secretB } = await createProject(store, `Other ${CANARY}`);
  const persons = 12;
  await ingest(store, projectA, messages('a', persons), new Date(Date.UTC(2026, 1, 1)));
  await ingest(
    store,
    b.id,
    messages('b', 5).map((m) => ({ ...m, properties: { ...(m as { properties?: object }).properties, secret: CANARY } })),
    new Date(Date.UTC(2026, 1, 1)),
  );
  const spend = (project: string, campaign: string, cost: number, date: string) => ({
    project_id: project,
    date,
    channel: 'Paid Search',
    source: 'google',
    campaign,
    keyword: '',
    cost,
    currency: 'USD',
    cost_reporting: cost,
    impressions: 100,
    clicks: 10,
    import_id: 'i1',
  });
  await store.insert('ad_spend', AD_SPEND.columns, [
    spend(projectA, 'a-campaign', 40, '2026-01-05T00:00:00.000Z'),
    spend(projectA, 'a-campaign', 60, '2026-01-06T00:00:00.000Z'),
    spend(b.id, CANARY, 999, '2026-01-05T00:00:00.000Z'),
  ]);
  let purchases = 0;
  let revenue = 0;
  for (let p = 0; p < persons; p++) if (p % 3 === 0) (purchases++, (revenue += 10 + p));
  return { projectA, projectB: b.id, secretB, writeKeyB: b.writeKey, a: { events: persons * 3, purchases, revenue, persons, spend: 100 } };
}

/** Row counts of every stored table, to show that nothing was written. */
export async function tableCounts(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['events_raw', 'identity_links', 'person_traits', 'ad_spend', 'documents', 'schema_migrations']) {
    out[t] = Number((await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${t}`))[0]!.n);
  }
  return out;
}
