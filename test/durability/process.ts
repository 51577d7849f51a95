/** A real `waymark start` in a child process, for tests that kill and restart it. */
import { spawn, type ChildProcess } from 'node:child_process';

export const bin = new URL('../../bin/waymark.js', import.meta.url).pathname;

export interface ServerProcess {
  child: ChildProcess;
  output: string;
}

export function startProcess(dataDir: string, port: number, env: Record<string, string> = {}, args: string[] = []): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '--data', dataDir, ...args, 'start', '--port', String(port)], {
      env: { ...process.env, WAYMARK_LOAD_INTERVAL_MS: '100', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 60_000);
    child.stdout!.on('data', (d) => {
      output += d;
      if (output.includes('Waymark is running')) {
        // the banner is written in one piece; wait a tick for the key lines
        setTimeout(() => {
          clearTimeout(timer);
          resolve({ child, output });
        }, 50);
      }
    });
    child.stderr!.on('data', (d) => (output += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${output}`));
    });
  });
}

export async function killHard(p: ServerProcess): Promise<void> {
  p.child.kill('SIGKILL');
  await new Promise((r) => (p.child.exitCode !== null || p.child.signalCode !== null ? r(null) : p.child.once('exit', r)));
}

export async function stop(p: ServerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  await new Promise((r) => p.child.once('exit', r));
}

export function freePort(): number {
  return 20000 + Math.floor(Math.random() * 20000);
}
