import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './auth.ts';
import type { AppContext } from './context.ts';

/** The admin token lives in the data folder, readable only by its owner: whoever can read the data may administer it. */
export function adminToken(dataDir: string): string {
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const token = `adm_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return token;
}

export function requireAdmin(request: FastifyRequest, ctx: AppContext): void {
  const header = request.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
  const expected = Buffer.from(adminToken(ctx.config.dataDir));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HttpError(401, 'admin token required');
}
