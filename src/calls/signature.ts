/**
 * Webhook signatures: HMAC-SHA256 of the raw request body with the project's call-tracking
 * secret, sent hex- or base64-encoded in a header. Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signBody(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function verifySignature(secret: string, body: Buffer | string, signature: string | undefined): boolean {
  if (!secret || !signature) return false;
  const mac = createHmac('sha256', secret).update(body).digest();
  const given = signature.trim().replace(/^sha256=/i, '');
  const candidates = [/^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0), Buffer.from(given, 'base64')];
  let ok = false;
  // Both encodings are checked every time, so timing does not reveal which one matched.
  for (const c of candidates) if (c.length === mac.length && timingSafeEqual(c, mac)) ok = true;
  return ok;
}
