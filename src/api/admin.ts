import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { resetPasswordAndSignOut } from '../auth/reset.ts';
import { UserError } from '../auth/users.ts';
import { HttpError } from './auth.ts';
import type { AppContext } from './context.ts';
import { doc } from './openapi.ts';

/**
 * The admin token lives in the data folder, readable only by its owner: whoever can read the data
 * may administer it. No route returns it, and users' SQL cannot read files (test/auth/hardening.test.ts).
 */
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

const resetBody = z.object({ email: z.string().min(3), password: z.string().min(8).optional() });

/** Dashboard accounts, for the CLI while a server holds the data file (`waymark users ...`). */
export function registerAdminUserRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/v1/admin/users/reset-password', doc('Reset a dashboard password (admin token)', resetBody), async (request) => {
    requireAdmin(request, ctx);
    const { email, password } = resetBody.parse(request.body);
    try {
      return await resetPasswordAndSignOut(ctx.store, email, password);
    } catch (error) {
      if (error instanceof UserError) throw new HttpError(error.message.startsWith('email: no user') ? 404 : 400, error.message);
      throw error;
    }
  });
}
