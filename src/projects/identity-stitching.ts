/**
 * Project identity keys in use: the loader's identity merge reads which projects name their own
 * keys (cached briefly: it runs every second), and changing a project's keys links its stored
 * identifies by the new keys at once, so stitching is retroactive (identity-keys.ts).
 */
import { QueryBuilder } from '../store/dialect/dialect.ts';
import type { Store } from '../store/store.ts';
import {
  DEFAULT_IDENTITY_KEYS,
  identityKeyIdSql,
  identityKeysSchema,
  sameIdentityKeys,
  type IdentityKey,
  type IdentityKeyConfig,
} from './identity-keys.ts';
import { getProject, listProjects, updateProjectSettings, type Project } from './projects.ts';

/** How long the loader reuses the projects' keys before reading them again. */
const CONFIG_TTL_MS = 5_000;
const cache = new WeakMap<Store, { at: number; config: IdentityKeyConfig }>();

/** Projects whose settings name keys other than the defaults, for mergeIdentityLinksSql. */
export async function identityKeyConfig(store: Store): Promise<IdentityKeyConfig> {
  const hit = cache.get(store);
  if (hit && Date.now() - hit.at < CONFIG_TTL_MS) return hit.config;
  const byProject = new Map<string, readonly IdentityKey[]>();
  for (const p of await listProjects(store)) {
    const keys = p.settings.identityKeys;
    if (keys && !sameIdentityKeys(keys, DEFAULT_IDENTITY_KEYS)) byProject.set(p.id, keys);
  }
  const config = { byProject };
  cache.set(store, { at: Date.now(), config });
  return config;
}

/** The keys a project stitches by. */
export function projectIdentityKeys(project: Project): readonly IdentityKey[] {
  return project.settings.identityKeys ?? DEFAULT_IDENTITY_KEYS;
}

/**
 * Links a project's stored identifies by the given keys (what the loader does for new ones):
 * one statement over events_raw, adding only links not stored yet. Returns the links added.
 */
export async function linkStoredIdentifies(store: Store, projectId: string, keys: readonly IdentityKey[]): Promise<number> {
  if (keys.length === 0) return 0;
  const count = async () => {
    const q = new QueryBuilder(store.dialect);
    const [r] = await store.query<{ n: number | string }>(
      q.build(`SELECT count(*) AS n FROM identity_links WHERE project_id = ${q.str(projectId)}`),
    );
    return Number(r?.n ?? 0);
  };
  const before = await count();
  const q = new QueryBuilder(store.dialect);
  const p = q.str(projectId);
  const keyed = keys.map(
    (key) =>
      `SELECT project_id, ${identityKeyIdSql(store.dialect, key)} AS from_id, user_id, timestamp, message_id FROM events_raw WHERE project_id = ${p} AND type = 'identify' AND user_id <> ''`,
  );
  await store.exec(
    q.build(`INSERT INTO identity_links (project_id, from_id, user_id, linked_at, message_id)
SELECT c.project_id, c.from_id, c.user_id, c.linked_at, c.message_id
FROM (
  SELECT project_id, from_id, user_id, min(timestamp) AS linked_at, min(message_id) AS message_id
  FROM (${keyed.join(' UNION ALL ')}) AS candidates
  WHERE from_id <> '' AND from_id <> user_id
  GROUP BY project_id, from_id, user_id
) AS c
LEFT JOIN (SELECT DISTINCT project_id, from_id, user_id FROM identity_links WHERE project_id = ${p}) AS l
  ON l.project_id = c.project_id AND l.from_id = c.from_id AND l.user_id = c.user_id
WHERE l.from_id IS NULL`),
  );
  return (await count()) - before;
}

/**
 * Sets a project's identity keys: stored in its settings, used by the loader within seconds
 * (at once in this process), and applied to the identifies already stored.
 */
export async function setIdentityKeys(
  store: Store,
  projectId: string,
  keys: unknown,
): Promise<{ identityKeys: IdentityKey[]; linksAdded: number }> {
  const parsed = identityKeysSchema.parse(keys);
  if (!(await getProject(store, projectId))) throw new Error(`unknown project ${projectId}`);
  await updateProjectSettings(store, projectId, { identityKeys: parsed });
  return { identityKeys: parsed, linksAdded: await identityKeysChanged(store, projectId, parsed) };
}

/** After a project's keys were stored: the loader uses them from its next load, and stored identifies are linked by them. */
export async function identityKeysChanged(store: Store, projectId: string, keys: readonly IdentityKey[]): Promise<number> {
  cache.delete(store);
  return linkStoredIdentifies(store, projectId, keys);
}
