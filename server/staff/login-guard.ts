import { isIPv6 } from 'node:net';

export type LoginVerdict =
  | { ok: true }
  | { ok: false; unavailable: true }
  | { ok: false; locked: false; remaining: number }
  | { ok: false; locked: true; retryAfterMs: number; everyone?: true };

interface Tally {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

/** Hub-wide, this many times the per-address limit of wrong PINs in one lock period locks every login. */
const HUB_WIDE_FACTOR = 5;

/**
 * Who a try counts against. An IPv6 client may use any address of its /64 (privacy addresses, or
 * a whole prefix to itself), so the /64 is the client; IPv4 (also mapped into IPv6) is the address.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The PIN check, with brute force locked out: after `maxFailures` wrong PINs from one client (an
 * address, or an IPv6 /64) its logins are refused for `lockMs`, the right PIN included. A guess spread
 * over many addresses (through a proxy, or a crowd of devices) meets a hub-wide budget too: past
 * `maxFailures × 5` wrong PINs in a lock period every login is refused until it ends; staff already
 * logged in stay in. The PIN is compared in constant time.
 */
export class LoginGuard {
  #pinMatches: (pin: string) => Promise<boolean | undefined>;
  #maxFailures: number;
  #lockMs: number;
  #now: () => number;
  #tallies = new Map<string, Tally>();
  #everyone: Tally = { failures: 0, lockedUntil: 0, lastFailure: 0 };
  #windowStart = 0;

  constructor(pinMatches: (pin: string) => Promise<boolean | undefined>, opts: { maxFailures: number; lockMs: number; now?: () => number }) {
    this.#pinMatches = pinMatches;
    this.#maxFailures = opts.maxFailures;
    this.#lockMs = opts.lockMs;
    this.#now = opts.now ?? Date.now;
  }

  async attempt(address: string, pin: string): Promise<LoginVerdict> {
    const now = this.#now();
    this.#forgetOld(now);
    const key = clientKey(address);
    const tally = this.#tallies.get(key) ?? { failures: 0, lockedUntil: 0, lastFailure: 0 };
    if (tally.lockedUntil > now) return { ok: false, locked: true, retryAfterMs: tally.lockedUntil - now };
    if (this.#everyone.lockedUntil > now) return { ok: false, locked: true, retryAfterMs: this.#everyone.lockedUntil - now, everyone: true };
    // Counted as a failure before the (slow, off-loop) check, so a burst of parallel guesses cannot
    // all pass the lock test above before the first one is counted; a right PIN clears it.
    const lockedClient = this.#fail(key, tally, now);
    const lockedEveryone = this.#failEveryone(now);
    const right = await this.#pinMatches(pin);
    if (right === undefined) {
      // Nobody guessed anything: the hub could not check. That must not cost a try or lock anyone out.
      this.#unfail(tally, lockedClient, this.#maxFailures);
      this.#unfail(this.#everyone, lockedEveryone, this.#maxFailures * HUB_WIDE_FACTOR);
      return { ok: false, unavailable: true };
    }
    if (right) {
      // The right PIN clears this client's tally; a hub-wide lock others' guesses set stays.
      this.#tallies.delete(key);
      this.#unfail(this.#everyone, lockedEveryone, this.#maxFailures * HUB_WIDE_FACTOR);
      return { ok: true };
    }
    if (tally.lockedUntil > now) return { ok: false, locked: true, retryAfterMs: tally.lockedUntil - now };
    if (this.#everyone.lockedUntil > now) return { ok: false, locked: true, retryAfterMs: this.#everyone.lockedUntil - now, everyone: true };
    return { ok: false, locked: false, remaining: this.#maxFailures - tally.failures };
  }

  /** Counts a wrong PIN; answers true when this one set the lock. */
  #fail(key: string, tally: Tally, now: number): boolean {
    tally.failures++;
    tally.lastFailure = now;
    this.#tallies.set(key, tally);
    if (tally.failures < this.#maxFailures) return false;
    tally.failures = 0;
    tally.lockedUntil = now + this.#lockMs;
    return true;
  }

  /** Takes back one counted failure that was not one; and the lock, only if that very failure set it. */
  #unfail(tally: Tally, setTheLock: boolean, limit: number): void {
    if (!setTheLock) {
      tally.failures = Math.max(0, tally.failures - 1);
      return;
    }
    tally.lockedUntil = 0;
    tally.failures = limit - 1;
  }

  /** Wrong PINs from anywhere, counted per lock period; answers true when this one set the hub-wide lock. */
  #failEveryone(now: number): boolean {
    if (now - this.#windowStart >= this.#lockMs) {
      this.#windowStart = now;
      this.#everyone.failures = 0;
    }
    if (++this.#everyone.failures < this.#maxFailures * HUB_WIDE_FACTOR) return false;
    this.#everyone.failures = 0;
    this.#everyone.lockedUntil = now + this.#lockMs;
    return true;
  }

  // Failures older than a lock period are forgiven; the table cannot grow without bound.
  #forgetOld(now: number): void {
    if (this.#tallies.size < 1_000) return;
    for (const [key, t] of this.#tallies) if (t.lockedUntil < now && now - t.lastFailure > this.#lockMs) this.#tallies.delete(key);
  }
}
