#!/usr/bin/env node
// Builds the dashboard only when web/dist is missing or older than a source file, so
// `npm start` and `npm run demo` stay fast after the first build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const web = new URL('.', import.meta.url).pathname;
const built = join(web, 'dist', 'index.html');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((n) => newest(join(path, n))));
}

const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(web, p)).filter(existsSync);
const stale = !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
if (stale || process.argv.includes('--force')) {
  execFileSync(process.execPath, [join(web, '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: web,
    stdio: 'inherit',
  });
} else {
  console.log('dashboard is up to date (web/dist)');
}
