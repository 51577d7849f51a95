/**
 * Password hashing with argon2id (OWASP's first choice). Parameters are the library defaults
 * (19 MiB, 2 passes, 1 lane), which match OWASP's minimum recommendation for argon2id.
 */
import { Algorithm, hash, verify } from '@node-rs/argon2';

export async function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: Algorithm.Argon2id });
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    // A malformed stored hash is a failed sign-in, not a server error.
    return false;
  }
}
