import { ServerResponse, type IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { Server } from 'socket.io';
import { apiError, type ApiErrorBody } from '../../shared/errors.js';
import { errorStatus } from '../http/error-status.js';
import { clientKey } from '../staff/login-guard.js';

/**
 * Per client (an address, or an IPv6 /64): a bucket of `burst` new Engine.IO sessions, refilled at
 * `perSecond`, and at most `open` sessions open at once.
 *
 * What a client needs: a screen, a kiosk or a staff tablet each hold 1–3 sessions and make one
 * handshake per (re)connect; the screens' client waits 0.5 s, then twice as long each time, up to
 * 10 s, before trying again. A reconnect storm after a hub restart is one handshake per device, and
 * each device has its own address (behind a proxy in TRUST_PROXY too: it is keyed by the address the
 * proxy forwards). 120 leaves room for 120 devices behind one address that the hub cannot see
 * through (a NAT, an untrusted proxy) all reconnecting at once.
 *
 * What it stops: a session waits up to about 45 s (ping interval and timeout) for a client that
 * never comes back, at about 5 KB each. 30,000 polling handshakes from one client held 150 MB;
 * limited, one client holds at most 120 sessions (under 1 MB), and opens 2 more a second.
 */
export interface HandshakeLimits {
  burst: number;
  perSecond: number;
  open: number;
}

export const HANDSHAKE_LIMITS: HandshakeLimits = Object.freeze({ burst: 120, perSecond: 2, open: 120 });

export type HandshakeRefusal = 'rate' | 'open';

interface Tally {
  tokens: number;
  at: number;
  open: number;
}

/** Buckets that are full again and hold no session are dropped this often: the table cannot grow without bound. */
const SWEEP_MS = 60_000;

/** The hub's own machine: operators' tools, OBS, a proxy on the same machine that forwards no address. No one on the network sends from it. */
function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1';
}

export class HandshakeLimiter {
  #limits: HandshakeLimits;
  #trust: (addr: string, i: number) => boolean;
  #now: () => number;
  #tallies = new Map<string, Tally>();
  #lastSweep = 0;

  constructor(trustProxy: readonly string[], limits: HandshakeLimits = HANDSHAKE_LIMITS, now: () => number = Date.now) {
    this.#limits = limits;
    // The same trust as Express's `trust proxy` (server/http/app.ts): the client is the address a trusted proxy forwarded.
    this.#trust = proxyAddr.compile([...trustProxy]);
    this.#now = now;
  }

  /** Who a handshake counts against: the client's address (through trusted proxies), as an IPv6 /64; undefined for the hub's own machine. */
  clientOf(req: IncomingMessage): string | undefined {
    const key = clientKey(proxyAddr(req, this.#trust));
    return isLoopback(key) ? undefined : key;
  }

  /** Takes one handshake from the client's bucket; answers why not, and in how many seconds to try again. */
  take(client: string): { ok: true } | { ok: false; reason: HandshakeRefusal; retryAfterS: number } {
    const now = this.#now();
    this.#sweep(now);
    const t = this.#tally(client, now);
    if (t.open >= this.#limits.open) return { ok: false, reason: 'open', retryAfterS: 10 };
    if (t.tokens < 1) return { ok: false, reason: 'rate', retryAfterS: Math.ceil((1 - t.tokens) / this.#limits.perSecond) };
    t.tokens -= 1;
    return { ok: true };
  }

  opened(client: string): void {
    this.#tally(client, this.#now()).open++;
  }

  closed(client: string): void {
    const t = this.#tallies.get(client);
    if (t) t.open = Math.max(0, t.open - 1);
  }

  #tally(client: string, now: number): Tally {
    let t = this.#tallies.get(client);
    if (!t) this.#tallies.set(client, (t = { tokens: this.#limits.burst, at: now, open: 0 }));
    t.tokens = Math.min(this.#limits.burst, t.tokens + ((now - t.at) / 1000) * this.#limits.perSecond);
    t.at = now;
    return t;
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < SWEEP_MS) return;
    this.#lastSweep = now;
    for (const [client, t] of this.#tallies) {
      if (t.open === 0 && t.tokens + ((now - t.at) / 1000) * this.#limits.perSecond >= this.#limits.burst) this.#tallies.delete(client);
    }
  }
}

type AllowRequest = (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void;

/**
 * Wraps socket.io's `allowRequest` (run for each new Engine.IO session, never for the requests of an
 * open one) with the per-client limit, and counts each client's open sessions (`track`, before
 * anything replaces `conn.request`: server/realtime/handshake-release.ts). A refused polling
 * handshake is answered 429 with Retry-After; a refused WebSocket upgrade gets Engine.IO's 403.
 */
export function limitHandshakes(
  limiter: HandshakeLimiter,
  inner: AllowRequest,
  refused: (reason: HandshakeRefusal, client: string) => void,
): { allowRequest: AllowRequest; track(io: Server): void } {
  const clients = new WeakMap<IncomingMessage, string>();
  const allowRequest: AllowRequest = (req, callback) => {
    inner(req, (err, success) => {
      if (!success) return callback(err, false);
      const client = limiter.clientOf(req);
      if (client === undefined) return callback(null, true);
      const verdict = limiter.take(client);
      if (verdict.ok) {
        clients.set(req, client);
        return callback(null, true);
      }
      refused(verdict.reason, client);
      // Engine.IO sets `res` on a polling request (not on an upgrade); its own refusal would be a 403.
      const res = (req as IncomingMessage & { res?: unknown }).res;
      if (res instanceof ServerResponse && !res.headersSent) {
        // Not through express: the same body and status table as every route's error, written by hand.
        const error = apiError(
          'too_many_handshakes',
          { reason: verdict.reason, retryAfterSeconds: verdict.retryAfterS },
          `too many connections from this address; try again in ${verdict.retryAfterS} s`,
        );
        res.writeHead(errorStatus(error.code), { 'Content-Type': 'application/json', 'Retry-After': String(verdict.retryAfterS) });
        res.end(JSON.stringify({ ok: false, error } satisfies ApiErrorBody));
      }
      callback('too_many_handshakes', false);
    });
  };
  return {
    allowRequest,
    track(io) {
      io.engine.on('connection', (conn: { request: IncomingMessage; once(event: 'close', listener: () => void): void }) => {
        const client = clients.get(conn.request);
        if (client === undefined) return;
        limiter.opened(client);
        conn.once('close', () => limiter.closed(client));
      });
    },
  };
}
