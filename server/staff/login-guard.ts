export type LoginVerdict =
  { ok: true } | { ok: false; unavailable: true } | { ok: false; locked: false; remaining: number } | { ok: false; locked: true; retryAfterMs: number };

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
  #pinMatches: (pin: string) => Promise<boolean | undefined>;
  #maxFailures: number;
  #lockMs: number;
  #now: () => number;
  #tallies = new Map<string, Tally>();

  constructor(pinMatches: (pin: string) => Promise<boolean | undefined>, opts: { maxFailures: number; lockMs: number; now?: () => number }) {
    this.#pinMatches = pinMatches;
    this.#maxFailures = opts.maxFailures;
    this.#lockMs = opts.lockMs;
    this.#now = opts.now ?? Date.now;
  }

  async attempt(address: string, pin: string): Promise<LoginVerdict> {
    const now = this.#now();
    this.#forgetOld(now);
    const tally = this.#tallies.get(address) ?? { failures: 0, lockedUntil: 0, lastFailure: 0 };
    if (tally.lockedUntil > now) return { ok: false, locked: true, retryAfterMs: tally.lockedUntil - now };
    // Counted as a failure before the (slow, off-loop) check, so a burst of parallel guesses cannot
    // all pass the lock test above before the first one is counted; a right PIN clears it.
    const before = { ...tally };
    this.#fail(address, tally, now);
    const right = await this.#pinMatches(pin);
    if (right === undefined) {
      // Nobody guessed anything: the hub could not check. That must not cost a try or lock anyone out.
      Object.assign(tally, { failures: Math.max(0, tally.failures - 1), lockedUntil: before.lockedUntil });
      return { ok: false, unavailable: true };
    }
    if (right) {
      this.#tallies.delete(address);
      return { ok: true };
    }
    if (tally.lockedUntil > now) return { ok: false, locked: true, retryAfterMs: tally.lockedUntil - now };
    return { ok: false, locked: false, remaining: this.#maxFailures - tally.failures };
  }

  #fail(address: string, tally: Tally, now: number): void {
    tally.failures++;
    tally.lastFailure = now;
    if (tally.failures >= this.#maxFailures) {
      tally.failures = 0;
      tally.lockedUntil = now + this.#lockMs;
    }
    this.#tallies.set(address, tally);
  }

  // Failures older than a lock period are forgiven; the table cannot grow without bound.
  #forgetOld(now: number): void {
    if (this.#tallies.size < 1_000) return;
    for (const [address, t] of this.#tallies) if (t.lockedUntil < now && now - t.lastFailure > this.#lockMs) this.#tallies.delete(address);
  }
}
