/**
 * Projects and their keys. The write key goes into tracking snippets (public); the secret key
 * reads data through the API and is stored only as a SHA-256 hash.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { getDocument, listDocuments, putDocument } from '../store/documents.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_IDENTITY_KEYS, type IdentityKey } from './identity-keys.ts';

export interface ProjectSettings {
  /** Currency every money figure is reported in; spend in other currencies is converted. */
  reportingCurrency: string;
  /** Units of reporting currency per unit of each other currency. */
  currencyRates: Record<string, number>;
  /** Gross margin as a fraction of revenue, for ROI. */
  margin: number;
  /**
   * Domains that are the site itself (and their subdomains): a referrer on one of them is internal
   * navigation, so the page continues its session's source (GA convention); collection reads them
   * per project from the project directory.
   */
  domains: string[];
  /** Identify traits that stitch a person across sources (identity-keys.ts); set with setIdentityKeys. */
  identityKeys?: IdentityKey[];
}

export interface Project {
  id: string;
  name: string;
  writeKey: string;
  secretKeyHash: string;
  createdAt: string;
  settings: ProjectSettings;
}

export const DEFAULT_SETTINGS: ProjectSettings = {
  reportingCurrency: 'USD',
  currencyRates: {},
  margin: 0.3,
  domains: [],
  identityKeys: [...DEFAULT_IDENTITY_KEYS],
};

const KIND = 'project';
/** How old the directory's copy of project settings may get while it serves hits. */
const SETTINGS_REFRESH_MS = 5000;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export async function createProject(
  store: Store,
  name: string,
  keys?: { writeKey?: string; secretKey?: string },
): Promise<{ project: Project; secretKey: string }> {
  if (!name.trim()) throw new Error('project name must not be empty');
  const secretKey = keys?.secretKey ?? `sk_${randomBytes(24).toString('base64url')}`;
  const project: Project = {
    id: randomUUID(),
    name: name.trim(),
    writeKey: keys?.writeKey ?? `wk_${randomBytes(16).toString('base64url')}`,
    secretKeyHash: hashSecret(secretKey),
    createdAt: new Date().toISOString(),
    settings: DEFAULT_SETTINGS,
  };
  await putDocument(store, KIND, '', project.id, project);
  return { project, secretKey };
}

export async function listProjects(store: Store): Promise<Project[]> {
  return (await listDocuments<Project>(store, KIND, '')).map((d) => ({ ...d.body, settings: { ...DEFAULT_SETTINGS, ...d.body.settings } }));
}

export async function getProject(store: Store, id: string): Promise<Project | undefined> {
  const p = await getDocument<Project>(store, KIND, '', id);
  return p && { ...p, settings: { ...DEFAULT_SETTINGS, ...p.settings } };
}

export async function findProjectByName(store: Store, name: string): Promise<Project | undefined> {
  return (await listProjects(store)).find((p) => p.name === name || p.id === name);
}

export async function updateProjectSettings(store: Store, id: string, settings: Partial<ProjectSettings>): Promise<Project> {
  const p = await getProject(store, id);
  if (!p) throw new Error(`unknown project ${id}`);
  const next = { ...p, settings: { ...p.settings, ...settings } };
  await putDocument(store, KIND, '', id, next);
  return next;
}

/**
 * Key lookups on the hot path come from memory; a miss reloads from the store at most once a
 * second, so a project created through another process is found without a restart. A hit older
 * than 5 s refreshes the directory in the background (the hit is answered at once), so settings
 * that collection reads per request (own domains) follow a change made elsewhere within seconds;
 * a change through this server's API reloads at once.
 */
export class ProjectDirectory {
  private byWriteKey = new Map<string, Project>();
  private bySecretHash = new Map<string, Project>();
  private loadedAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly store: Store) {}

  async reload(): Promise<void> {
    const projects = await listProjects(this.store);
    this.byWriteKey = new Map(projects.map((p) => [p.writeKey, p]));
    this.bySecretHash = new Map(projects.map((p) => [p.secretKeyHash, p]));
    this.loadedAt = Date.now();
  }

  private async lookup(map: () => Map<string, Project>, key: string): Promise<Project | undefined> {
    const hit = map().get(key);
    const age = Date.now() - this.loadedAt;
    if (hit) {
      if (age > SETTINGS_REFRESH_MS && !this.refreshing) {
        // A failed refresh keeps the projects already known; the next stale hit tries again.
        this.refreshing = this.reload()
          .catch(() => undefined)
          .finally(() => (this.refreshing = undefined));
      }
      return hit;
    }
    if (age < 1000) return hit;
    await this.reload();
    return map().get(key);
  }

  byWrite(writeKey: string): Promise<Project | undefined> {
    return this.lookup(() => this.byWriteKey, writeKey);
  }

  bySecret(secretKey: string): Promise<Project | undefined> {
    return this.lookup(() => this.bySecretHash, hashSecret(secretKey));
  }
}
