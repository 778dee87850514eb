import { createHash, timingSafeEqual } from 'node:crypto';

export type LoginVerdict = { ok: true } | { ok: false; locked: false; remaining: number } | { ok: false; locked: true; retryAfterMs: number };

interface Tally {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

/**
 * The PIN check, with brute force locked out: after `maxFailures` wrong PINs
 * from one address its logins are refused for `lockMs`, the right PIN
 * included. The PIN is compared in constant time.
 */
export class LoginGuard {
  #pin: Buffer;
  #maxFailures: number;
  #lockMs: number;
  #now: () => number;
  #tallies = new Map<string, Tally>();

  constructor(pin: string, opts: { maxFailures: number; lockMs: number; now?: () => number }) {
    this.#pin = digest(pin);
    this.#maxFailures = opts.maxFailures;
    this.#lockMs = opts.lockMs;
    this.#now = opts.now ?? Date.now;
  }

  attempt(address: string, pin: string): LoginVerdict {
    const now = this.#now();
    this.#forgetOld(now);
    const tally = this.#tallies.get(address) ?? { failures: 0, lockedUntil: 0, lastFailure: 0 };
    if (tally.lockedUntil > now) return { ok: false, locked: true, retryAfterMs: tally.lockedUntil - now };
    if (timingSafeEqual(digest(pin), this.#pin)) {
      this.#tallies.delete(address);
      return { ok: true };
    }
    tally.failures++;
    tally.lastFailure = now;
    if (tally.failures >= this.#maxFailures) {
      tally.failures = 0;
      tally.lockedUntil = now + this.#lockMs;
    }
    this.#tallies.set(address, tally);
    if (tally.lockedUntil > now) return { ok: false, locked: true, retryAfterMs: tally.lockedUntil - now };
    return { ok: false, locked: false, remaining: this.#maxFailures - tally.failures };
  }

  // Failures older than a lock period are forgiven; the table cannot grow without bound.
  #forgetOld(now: number): void {
    if (this.#tallies.size < 1_000) return;
    for (const [address, t] of this.#tallies) if (t.lockedUntil < now && now - t.lastFailure > this.#lockMs) this.#tallies.delete(address);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
