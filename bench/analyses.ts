/**
 * Analyses on 10M events / 1M persons (generated in the store), each timed against a baseline
 * measured in the same run on the same store: one per-person GROUP BY over the same columns
 * (person, event, timestamp) with conditional aggregates.
 */
import { computeFunnel } from '../src/analysis/funnel.ts';
import { computeJourneyMap } from '../src/analysis/journey-map.ts';
import { computePaths } from '../src/analysis/paths.ts';
import { computeRetention } from '../src/analysis/retention.ts';
import type { AnalysisScope } from '../src/scope/scope.ts';
import { buildJourneyPaths } from '../src/attribution/journeys.ts';
import { runModel, MODEL_NAMES } from '../src/attribution/models/index.ts';
import { makeSyntheticPaths } from '../src/attribution/models/synthetic.ts';
import type { Store } from '../src/store/store.ts';
import { QueryBuilder } from '../src/store/dialect/dialect.ts';
import { generateSyntheticEvents } from './synthetic-events.ts';
import type { BenchContext, Figure } from './support.ts';

async function timed<T>(fn: () => Promise<T>, repeat = 2): Promise<{ seconds: number; result: T }> {
  let best = Infinity;
  let result: T | undefined;
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    result = await fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds: best, result: result as T };
}

function baseline(store: Store, scope: AnalysisScope): Promise<unknown> {
  const d = store.dialect;
  const q = new QueryBuilder(d);
  return store.query(
    q.build(`SELECT count(*) AS persons, sum(n) AS events, ${d.countIf('first_view IS NOT NULL AND last_order IS NOT NULL')} AS both_steps
FROM (
  SELECT person_id, count(*) AS n,
    min(CASE WHEN event = 'Product Viewed' THEN timestamp END) AS first_view,
    min(CASE WHEN event = 'Checkout Started' THEN timestamp END) AS first_checkout,
    max(CASE WHEN event = 'Order Completed' THEN timestamp END) AS last_order
  FROM events
  WHERE project_id = ${q.str(scope.projectId)} AND timestamp >= ${q.time(scope.from)} AND timestamp < ${q.time(scope.to)}
  GROUP BY person_id
) AS per_person`),
  );
}

export async function benchAnalyses(ctx: BenchContext, kind: 'duckdb' | 'chdb'): Promise<Figure[]> {
  if (ctx.stores && !ctx.stores.includes(kind)) return [];
  const store = await ctx.openStore(kind);
  const persons = ctx.quick ? 100_000 : 1_000_000;
  const t0 = Date.now();
  const events = await generateSyntheticEvents(store, { projectId: 'bench', persons, eventsPerPerson: 10, start: '2026-01-05 00:00:00' });
  const generated = (Date.now() - t0) / 1000;
  const scope: AnalysisScope = { projectId: 'bench', from: new Date('2026-01-05T00:00:00Z'), to: new Date('2026-05-01T00:00:00Z') };
  const base = await timed(() => baseline(store, scope), 3);
  const figures: Figure[] = [
    { name: `analyses.${kind}.events`, value: events, unit: 'events' },
    { name: `analyses.${kind}.generate_s`, value: generated, unit: 's' },
    { name: `analyses.${kind}.baseline_group_by_person_s`, value: base.seconds, unit: 's' },
  ];
  const cases: [string, () => Promise<unknown>][] = [
    [
      'funnel_3_steps',
      () => computeFunnel(store, scope, { steps: ['Product Viewed', 'Checkout Started', 'Order Completed'], windowSeconds: 7 * 86400 }),
    ],
    ['paths_5_steps', () => computePaths(store, scope, { start: 'Product Viewed', steps: 5, stepType: 'event' })],
    [
      'retention_12_weeks',
      () =>
        computeRetention(store, scope, {
          cohortEvent: 'Page Viewed',
          returnEvent: 'Page Viewed',
          interval: 'week',
          periods: 12,
          mode: 'recurring',
        }),
    ],
    ['journey_map_grid', () => computeJourneyMap(store, scope, {})],
  ];
  const only = ctx.cases;
  for (const [name, run] of cases) {
    if (only && !only.some((c) => name.includes(c))) continue;
    const r = await timed(run);
    figures.push({
      name: `analyses.${kind}.${name}_s`,
      value: r.seconds,
      unit: 's',
      ratio: r.seconds / base.seconds,
      ratioOf: 'baseline',
      target: '≤ 3',
    });
  }
  if (only && !only.some((c) => 'build_journeys'.includes(c))) {
    await store.close();
    return figures;
  }
  // Attribution: journeys built in the store from the same events, against a bare scan of them.
  const scan = await timed(() => store.query(`SELECT count(*) AS n, sum(length(channel)) AS c FROM events WHERE project_id = 'bench'`), 3);
  const journeys = await timed(() => buildJourneyPaths(store, scope, {}), 1);
  figures.push(
    { name: `attribution.${kind}.bare_scan_s`, value: scan.seconds, unit: 's' },
    {
      name: `attribution.${kind}.build_journeys_s`,
      value: journeys.seconds,
      unit: 's',
      ratio: journeys.seconds / scan.seconds,
      ratioOf: 'bare scan',
    },
    { name: `attribution.${kind}.distinct_paths`, value: journeys.result.length, unit: 'paths' },
  );
  await store.close();
  return figures;
}

/** Every model on 1M journeys over 10k distinct paths (pure TypeScript on aggregates). */
export async function benchModels(): Promise<Figure[]> {
  const paths = makeSyntheticPaths(10_000, 1_000_000, 12, 7);
  const all = await timed(async () => {
    for (const m of MODEL_NAMES) runModel(m, paths, {});
  }, 1);
  const markov1 = await timed(async () => runModel('markov', paths, { order: 1 }));
  const markov3 = await timed(async () => runModel('markov', paths, { order: 3 }));
  return [
    { name: 'attribution.models.all_models_1M_journeys_s', value: all.seconds, unit: 's', target: '< 2' },
    { name: 'attribution.models.markov_order1_s', value: markov1.seconds, unit: 's' },
    { name: 'attribution.models.markov_order3_s', value: markov3.seconds, unit: 's' },
  ];
}
