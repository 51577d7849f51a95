/**
 * `npm run bench`: prints figures and ratios against baselines measured in the same run.
 * Options: --quick (small sizes), --only NAME[,NAME] (ingest, analyses, attribution).
 */
import { benchIngestion } from './ingestion.ts';
import { createBenchContext, formatFigure, type Figure } from './support.ts';
import { ChdbStore } from '../src/store/chdb-store.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',') : undefined;
const ctx = createBenchContext(quick);

const suites: Record<string, () => Promise<Figure[]>> = {
  ingest: async () => [...(await benchIngestion(ctx, 'duckdb')), ...(await benchIngestion(ctx, 'chdb'))],
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
