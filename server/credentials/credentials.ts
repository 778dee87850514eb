import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from '../log.js';
import type { CredentialStore } from '../state/credential-store.js';
import { digestPin, digestToken, pinChecker, tokenChecker, type PinDigest, type TokenDigest } from './digests.js';

/** Secrets this start made and must show the operator once; nothing when they came from env or were kept from before. */
export interface MadeCredentials {
  apiToken?: string;
  staffPin?: string;
}

export function newApiToken(): string {
  return randomBytes(24).toString('base64url');
}

export function newStaffPin(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

const RETRY_MS = [250, 500, 1_000, 2_000, 5_000];

/**
 * The API token and the staff PIN the hub checks against. Given in env, they are used as they are and
 * kept nowhere. Not given, the hub makes them once and keeps their digests (in DATA_DIR or in Redis,
 * shared by every hub), so a restart changes neither: the POS keeps writing, staff keep their PIN.
 * With Redis away at start the hub still comes up; until the digests are read every check answers
 * "unavailable" (never "wrong"), and reading is retried by itself.
 */
export class Credentials {
  readonly ready: Promise<MadeCredentials>;
  /** Where made secrets are kept, or undefined when both come from env. */
  readonly where: string | undefined;
  #token: ((candidate: string) => boolean) | undefined;
  #pin: ((candidate: string) => Promise<boolean>) | undefined;
  #closed = false;
  /** Accumulated across retries: a token made before a failed PIN read must still be shown. */
  #made: MadeCredentials = {};
  /**
   * What this hub offered to keep, kept across retries: a write may land while its answer is lost,
   * and the next try must still know the kept digest is its own (and show the secret), not another hub's.
   */
  #offered: { apiToken?: { token: string; digest: TokenDigest }; staffPin?: { pin: string; digest: PinDigest } } = {};

  constructor(given: { apiToken: string | undefined; staffPin: string | undefined }, store: CredentialStore, log: Logger) {
    if (given.apiToken !== undefined) this.#token = tokenChecker(digestToken(given.apiToken));
    if (given.staffPin !== undefined) {
      const pin = given.staffPin;
      if (pin.length < 6)
        log.warn({ digits: pin.length }, 'STAFF_PIN has fewer than 6 digits: a guess spread over many devices needs few tries; use 6 or more');
      // A PIN from env is known in full: compare it directly instead of paying scrypt per login.
      this.#pin = (candidate) => Promise.resolve(tokenChecker(digestToken(pin))(candidate));
    }
    this.where = this.#token && this.#pin ? undefined : store.where;
    this.ready = this.#load(store, log);
  }

  get loaded(): boolean {
    return this.#token !== undefined && this.#pin !== undefined;
  }

  /** True or false once loaded; undefined while the kept digests cannot be read yet. */
  tokenMatches(candidate: string): boolean | undefined {
    return this.#token?.(candidate);
  }

  /** Resolves to undefined while the kept digests cannot be read yet. */
  async pinMatches(candidate: string): Promise<boolean | undefined> {
    return this.#pin ? this.#pin(candidate) : undefined;
  }

  close(): void {
    this.#closed = true;
  }

  async #load(store: CredentialStore, log: Logger): Promise<MadeCredentials> {
    for (let attempt = 0; ; attempt++) {
      if (this.loaded || this.#closed) return this.#made;
      try {
        await this.#loadOnce(store);
        return this.#made;
      } catch (err) {
        if (attempt === 0) log.warn({ where: store.where, err: (err as Error).message }, 'cannot read the kept API token and staff PIN yet; retrying');
        await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]).unref());
      }
    }
  }

  async #loadOnce(store: CredentialStore): Promise<void> {
    const kept = await store.read();
    const made = this.#made;
    if (!this.#token) {
      let digest = kept.apiToken;
      if (!digest) {
        const token = newApiToken();
        this.#offered.apiToken ??= { token, digest: digestToken(token) };
        digest = await store.keepFirst('apiToken', this.#offered.apiToken.digest);
      }
      // Another hub may have kept its own first: then that one is the token, and it printed it.
      if (this.#offered.apiToken && digest.sha256 === this.#offered.apiToken.digest.sha256) made.apiToken = this.#offered.apiToken.token;
      this.#token = tokenChecker(digest);
    }
    if (!this.#pin) {
      let digest = kept.staffPin;
      if (!digest) {
        if (!this.#offered.staffPin) {
          const pin = newStaffPin();
          this.#offered.staffPin = { pin, digest: await digestPin(pin) };
        }
        digest = await store.keepFirst('staffPin', this.#offered.staffPin.digest);
      }
      if (this.#offered.staffPin && digest.scrypt.salt === this.#offered.staffPin.digest.scrypt.salt) made.staffPin = this.#offered.staffPin.pin;
      this.#pin = pinChecker(digest);
    }
  }
}
