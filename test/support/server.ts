/** A real Waymark server on a loopback port, on a fresh store of the given kind, with one project. */
import { loadConfig } from '../../src/config/config.ts';
import { startServer, type RunningServer } from '../../src/api/server.ts';
import { createProject, type Project } from '../../src/projects/projects.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore, tempDir, type StoreKind } from './stores.ts';

export interface TestServer {
  server: RunningServer;
  store: Store;
  url: string;
  project: Project;
  writeKey: string;
  secretKey: string;
  /** fetch against the server with the secret key; JSON in and out. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startTestServer(kind: StoreKind = 'duckdb', store?: Store): Promise<TestServer> {
  const s = store ?? (await openTestStore(kind));
  const dataDir = tempDir();
  const config = loadConfig({ dataDir, port: 0, logLevel: 'silent', loadIntervalMs: 200 }, {});
  const { project, secretKey } = await createProject(s, 'Test');
  const server = await startServer(config, { store: s });
  return {
    server,
    store: s,
    url: server.url,
    project,
    writeKey: project.writeKey,
    secretKey,
    async api(method, path, body) {
      const response = await fetch(server.url + path, {
        method,
        headers: { authorization: `Bearer ${secretKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await server.close();
      if (!store) await s.close();
    },
  };
}
