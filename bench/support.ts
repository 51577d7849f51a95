import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbStore } from '../src/store/chdb-store.ts';
import { DuckDbStore } from '../src/store/duckdb-store.ts';
import { migrate } from '../src/store/migrate.ts';
import type { Store } from '../src/store/store.ts';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** value ÷ the baseline measured in the same run */
  ratio?: number;
  ratioOf?: string;
  target?: string;
}

export interface BenchContext {
  quick: boolean;
  /** --case NAME[,NAME]: run only the analysis cases whose names contain one of these. */
  cases?: string[];
  /** --store duckdb|chdb: run only on these stores. */
  stores?: string[];
  tempDir(): string;
  openStore(kind: 'duckdb' | 'chdb'): Promise<Store>;
}

export function createBenchContext(quick: boolean, cases?: string[], stores?: string[]): BenchContext & { cleanup(): void } {
  const dirs: string[] = [];
  let chdbDir: string | undefined;
  let n = 0;
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'waymark-bench-'));
    dirs.push(d);
    return d;
  };
  return {
    quick,
    cases,
    stores,
    tempDir,
    async openStore(kind) {
      let store: Store;
      if (kind === 'duckdb') store = await DuckDbStore.open(join(tempDir(), 'bench.duckdb'));
      else {
        chdbDir ??= tempDir();
        store = await ChdbStore.open(chdbDir, `bench${n++}`);
      }
      await migrate(store);
      return store;
    },
    cleanup() {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

export function formatFigure(f: Figure): string {
  const v = f.value >= 1000 ? Math.round(f.value).toLocaleString('en-US') : f.value.toFixed(f.value < 10 ? 3 : 1);
  const ratio = f.ratio === undefined ? '' : `  ratio ${f.ratio.toFixed(2)} of ${f.ratioOf}${f.target ? ` (target ${f.target})` : ''}`;
  return `${f.name.padEnd(48)} ${v.padStart(14)} ${f.unit}${ratio}`;
}
