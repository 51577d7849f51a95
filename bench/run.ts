/**
 * `npm run bench`: prints figures and ratios against baselines measured in the same run.
 * Options: --quick (1M instead of 10M events; 50k instead of 300k ingested), --only SUITE[,SUITE]
 * (ingest, analyses, models, limits, mmm), --case NAME[,NAME] (analysis cases: funnel, paths, retention,
 * journey_map, build_journeys), --store duckdb|chdb.
 */
import { benchIngestion } from './ingestion.ts';
import { benchAnalyses, benchModels } from './analyses.ts';
import { benchMmm } from './mmm.ts';
import { benchLimits } from './limits.ts';
import { createBenchContext, formatFigure, type Figure } from './support.ts';
import { ChdbStore } from '../src/store/chdb-store.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',') : undefined;
const listArg = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? (args[i + 1] ?? '').split(',').filter(Boolean) : undefined;
};
const ctx = createBenchContext(quick, listArg('--case'), listArg('--store'));

const suites: Record<string, () => Promise<Figure[]>> = {
  ingest: async () => [...(await benchIngestion(ctx, 'duckdb')), ...(await benchIngestion(ctx, 'chdb'))],
  analyses: async () => [...(await benchAnalyses(ctx, 'duckdb')), ...(await benchAnalyses(ctx, 'chdb'))],
  models: benchModels,
  limits: async () => [...(await benchLimits(ctx, 'duckdb')), ...(await benchLimits(ctx, 'chdb'))],
  mmm: () => benchMmm(quick),
};

const all: Figure[] = [];
for (const [name, run] of Object.entries(suites)) {
  if (only && !only.includes(name)) continue;
  process.stdout.write(`\n== ${name}\n`);
  const figures = await run();
  for (const f of figures) process.stdout.write(formatFigure(f) + '\n');
  all.push(...figures);
}
process.stdout.write(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
ctx.cleanup();
ChdbStore.shutdown();
process.exit(0);
