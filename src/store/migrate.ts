import { MIGRATIONS, MIGRATIONS_TABLE } from './schema.ts';
import type { Store } from './store.ts';

/** Applies the migrations this store has not recorded yet, in order. */
export async function migrate(store: Store): Promise<number[]> {
  await store.exec(store.dialect.createTable(MIGRATIONS_TABLE));
  const done = new Set((await store.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements(store.dialect)) await store.exec(statement);
    await store.insert('schema_migrations', MIGRATIONS_TABLE.columns, [
      { version: m.version, name: m.name, applied_at: new Date().toISOString() },
    ]);
    applied.push(m.version);
  }
  return applied;
}
