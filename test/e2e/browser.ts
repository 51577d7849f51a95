/**
 * The dashboard in a real browser: the Debian chromium package driven by playwright-core, against
 * a real server on demo data in a temporary folder.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { createUser } from '../../src/auth/users.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startServer, type RunningServer } from '../../src/api/server.ts';
import { loadDemo } from '../../src/import/load-demo.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

export const OWNER = { email: 'owner@example.com', password: 'e2e owner password' };
export const VIEWER = { email: 'viewer@example.com', password: 'e2e viewer password' };

export interface DashboardFixture {
  server: RunningServer;
  store: Store;
  url: string;
  secretKey: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds web/dist when stale, loads a small demo, adds users, starts the server and the browser. */
export async function startDashboard(customers = 2000): Promise<DashboardFixture> {
  execFileSync(process.execPath, [join(ROOT, 'web', 'build-if-stale.mjs')], { stdio: 'ignore' });
  const dataDir = mkdtempSync(join(tmpdir(), 'waymark-e2e-'));
  const config = loadConfig({ dataDir, port: 0, logLevel: 'silent' }, {});
  const store = await openStore(config.store, dataDir);
  const lines = await loadDemo(store, config, { customers: String(customers), seed: '7' }, false);
  const secretKey = lines
    .find((l) => l.includes('secret key:'))!
    .split('secret key:')[1]!
    .trim();
  await createUser(store, { ...OWNER, role: 'owner' });
  await createUser(store, { ...VIEWER, role: 'viewer' });
  const server = await startServer(config, { store });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // playwright gives every launch a fresh temporary profile (its own --user-data-dir).
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    server,
    store,
    url: server.url,
    secretKey,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function signIn(
  browser: Browser,
  url: string,
  user = OWNER,
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(url + '/overview');
  await page.getByLabel('Email').fill(user.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  return { context, page };
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}
