/**
 * Answers of read analyses, cached per project and request body. An answer stays valid while the
 * project's data is unchanged: the key carries the project's data fingerprint (stored event rows
 * and the newest document version — journeys, personas, settings), read with one small query per
 * request (also identity links, traits and spend), so a load, an import or an edited definition invalidates it at once and a cached answer
 * is never older than the data. Concurrent identical requests share one computation.
 */
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';

const MAX_ENTRIES = 500;

export class AnalysisCache {
  private readonly entries = new Map<string, Promise<unknown>>();
  hits = 0;
  misses = 0;

  constructor(private readonly store: Store) {}

  /** The project's data fingerprint: changes whenever its events or its documents change. */
  async fingerprint(projectId: string): Promise<string> {
    const q = new QueryBuilder(this.store.dialect);
    const p = q.str(projectId);
    const count = (table: string) => `(SELECT count(*) FROM ${table} WHERE project_id = ${p})`;
    const [row] = await this.store.query<Record<string, unknown>>(
      q.build(`SELECT ${count('events_raw')} AS e, ${count('identity_links')} AS l, ${count('person_traits')} AS t, ${count('ad_spend')} AS s,
  (SELECT sum(cost) FROM ad_spend WHERE project_id = ${p}) AS c, (SELECT max(version) FROM documents WHERE project_id = ${p} OR project_id = '') AS v`),
    );
    return ['e', 'l', 't', 's', 'c', 'v'].map((k) => String(row?.[k] ?? '')).join(':');
  }

  async get<T>(projectId: string, analysisId: string, body: unknown, compute: () => Promise<T>): Promise<T> {
    const key = `${projectId}\u0000${await this.fingerprint(projectId)}\u0000${analysisId}\u0000${JSON.stringify(body ?? {})}`;
    const found = this.entries.get(key);
    if (found) {
      this.hits++;
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found as Promise<T>;
    }
    this.misses++;
    const running = compute();
    this.entries.set(key, running);
    // A failed computation is not remembered.
    running.catch(() => this.entries.delete(key));
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return running;
  }
}
