/** A real webhook receiver on 127.0.0.1 that verifies signatures and can fail on purpose. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../src/audiences/webhooks.ts';

export interface ReceivedCall {
  key: string;
  signatureValid: boolean;
  status: number;
  body: any;
}

export interface Receiver {
  url: string;
  calls: ReceivedCall[];
  /** Bodies of the calls answered 2xx, one per idempotency key (a receiver's de-duplication). */
  accepted(): any[];
  close(): Promise<void>;
}

/**
 * `fail(key, attemptOfThisKey)` returns the status to answer (default 200). The receiver records
 * every request, its idempotency key and whether the signature verified with `secret()`.
 */
export async function startReceiver(secret: () => string, fail: (key: string, attempt: number) => number = () => 200): Promise<Receiver> {
  const calls: ReceivedCall[] = [];
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const key = String(req.headers['idempotency-key'] ?? '');
      const n = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, n);
      const signatureValid = verifyWebhookSignature(secret(), req.headers['x-waymark-signature'] as string | undefined, raw);
      const status = signatureValid ? fail(key, n) : 401;
      calls.push({ key, signatureValid, status, body: JSON.parse(raw) });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    calls,
    accepted() {
      const seen = new Map<string, any>();
      for (const c of calls) if (c.status < 300 && !seen.has(c.key)) seen.set(c.key, c.body);
      return [...seen.values()];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
