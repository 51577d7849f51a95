/**
 * `waymark demo`: the demo retailer's events, spend and ground truth, loaded once into the data
 * folder through the same import path as any user's data.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { DEFAULT_DEMO, generateDemo } from '../demo/generator.ts';
import { createProject, findProjectByName, updateProjectSettings } from '../projects/projects.ts';
import type { Store } from '../store/store.ts';
import { progressBar } from '../cli/progress.ts';
import { importMessages } from './segment-messages.ts';
import { importSpendRows } from './spend.ts';

export const DEMO_PROJECT = 'Demo Retailer';

export interface DemoCommandOptions {
  seed?: string;
  customers?: string;
  days?: string;
}

interface DemoKeys {
  projectId: string;
  writeKey: string;
  secretKey: string;
}

/** Returns the lines to print: where the demo is and its keys. */
export async function loadDemo(store: Store, config: Config, o: DemoCommandOptions, showProgress: boolean): Promise<string[]> {
  const keysFile = join(config.dataDir, 'demo-keys.json');
  const existing = await findProjectByName(store, DEMO_PROJECT);
  if (existing && existsSync(keysFile)) {
    const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as DemoKeys;
    return banner(keys, config, 'already loaded');
  }
  const options = {
    ...DEFAULT_DEMO,
    seed: o.seed === undefined ? DEFAULT_DEMO.seed : Number(o.seed),
    customers: o.customers === undefined ? DEFAULT_DEMO.customers : Number(o.customers),
    days: o.days === undefined ? DEFAULT_DEMO.days : Number(o.days),
  };
  const { project, secretKey } = existing ? { project: existing, secretKey: '' } : await createProject(store, DEMO_PROJECT);
  const keys: DemoKeys = { projectId: project.id, writeKey: project.writeKey, secretKey };
  mkdirSync(config.dataDir, { recursive: true });
  // The demo's keys are kept beside its data so that every `npm run demo` can print them.
  writeFileSync(keysFile, JSON.stringify(keys, null, 2), { mode: 0o600 });

  const demo = generateDemo(options);
  const truth = demo.groundTruth() as { currency_rates?: Record<string, number> };
  const settings = await updateProjectSettings(store, project.id, { reportingCurrency: 'USD', currencyRates: truth.currency_rates ?? { EUR: 1.08 }, margin: 0.4 });
  const bar = progressBar('demo data', showProgress);
  const started = Date.now();
  const result = await importMessages(store, project.id, demo.messages(), {
    workDir: join(config.dataDir, 'tmp'),
    sessionTimeoutMinutes: config.sessionTimeoutMinutes,
    onProgress: (p) => bar.update(p.messages, 'events'),
  });
  bar.stop();
  const spend = await importSpendRows(store, project.id, settings.settings, demo.spendRows(), 'demo');
  writeFileSync(join(config.dataDir, 'ground-truth.json'), JSON.stringify(demo.groundTruth(), null, 2));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return banner(keys, config, `${result.accepted} events and ${spend.rows} spend rows loaded in ${seconds} s; ground truth in ${join(config.dataDir, 'ground-truth.json')}`);
}

function banner(keys: DemoKeys, config: Config, status: string): string[] {
  return [`Demo project "${DEMO_PROJECT}" (${status})`, `  write key:  ${keys.writeKey}`, `  secret key: ${keys.secretKey}`, `  data:       ${config.dataDir}`];
}
