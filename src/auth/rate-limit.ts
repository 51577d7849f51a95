/**
 * Failed sign-ins per client address, counted by rate-limiter-flexible's in-memory limiter:
 * enough to make password guessing against one server slow; a restart forgets, which is
 * acceptable for this purpose.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export class LoginRateLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(
    readonly maxFailures = 10,
    readonly windowMs = 15 * 60 * 1000,
  ) {
    this.limiter = new RateLimiterMemory({ points: maxFailures, duration: Math.ceil(windowMs / 1000) });
  }

  /**
   * Takes one attempt for the address before its password is checked, and answers the seconds to
   * wait when none is left (0: go ahead). The slot is taken synchronously, before the slow hash, so
   * a hundred parallel guesses cannot all pass the same check.
   */
  async attempt(key: string): Promise<number> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw error;
    }
  }

  /** A right password clears the address's count: only failures add up. */
  async succeed(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}
