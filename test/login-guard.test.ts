import { describe, expect, it } from 'vitest';
import { LoginGuard, clientKey } from '../server/staff/login-guard.js';
import { startTestHub } from './helpers/hub.js';

const PIN = '246810';
/** A PIN check that answers later, as scrypt on the thread pool does. */
const slowly = (answer: (pin: string) => boolean | undefined) => (pin: string) => new Promise<boolean | undefined>((r) => setImmediate(() => r(answer(pin))));

describe('the PIN lockout', () => {
  it('locks an address after maxFailures wrong PINs, the right one included, and not another address', async () => {
    const guard = new LoginGuard(
      slowly((p) => p === PIN),
      { maxFailures: 3, lockMs: 60_000, now: () => 1_000 },
    );
    expect(await guard.attempt('a', '1')).toEqual({ ok: false, locked: false, remaining: 2 });
    expect(await guard.attempt('a', '2')).toEqual({ ok: false, locked: false, remaining: 1 });
    expect(await guard.attempt('a', '3')).toMatchObject({ ok: false, locked: true });
    expect(await guard.attempt('a', PIN)).toMatchObject({ ok: false, locked: true });
    expect(await guard.attempt('b', PIN)).toEqual({ ok: true });
  });

  it('counts a burst of parallel guesses: no more than maxFailures are ever checked before the lock', async () => {
    let checked = 0;
    const guard = new LoginGuard(
      slowly((p) => {
        checked++;
        return p === PIN;
      }),
      { maxFailures: 10, lockMs: 60_000, now: () => 1_000 },
    );
    const verdicts = await Promise.all(Array.from({ length: 30 }, (_, i) => guard.attempt('a', String(i).padStart(6, '0'))));
    expect(checked).toBe(10);
    expect(verdicts.every((v) => !v.ok)).toBe(true);
    expect(verdicts.slice(10).every((v) => !v.ok && 'locked' in v && v.locked)).toBe(true);
    expect(await guard.attempt('a', PIN)).toMatchObject({ ok: false, locked: true });
  });

  it('does not count a try the hub could not check (credentials unreadable), nor lock anyone for it', async () => {
    let readable = false;
    const guard = new LoginGuard(
      slowly((p) => (readable ? p === PIN : undefined)),
      { maxFailures: 3, lockMs: 60_000, now: () => 1_000 },
    );
    for (let i = 0; i < 5; i++) expect(await guard.attempt('a', PIN)).toEqual({ ok: false, unavailable: true });
    readable = true;
    expect(await guard.attempt('a', '000000')).toEqual({ ok: false, locked: false, remaining: 2 });
    expect(await guard.attempt('a', PIN)).toEqual({ ok: true });
  });
});

describe('a PIN guess spread over many addresses', () => {
  it('meets a hub-wide budget: every login is refused once maxFailures × 5 wrong PINs came from anywhere', async () => {
    let now = 1_000;
    const guard = new LoginGuard(
      slowly((p) => p === PIN),
      { maxFailures: 10, lockMs: 600_000, now: () => now },
    );
    let tries = 0;
    let locked = false;
    for (let a = 0; a < 538 && !locked; a++) {
      for (let i = 0; i < 9 && !locked; i++) {
        tries++;
        const v = await guard.attempt(`10.0.${a >> 8}.${a & 255}`, String(tries).padStart(6, '0'));
        locked = !v.ok && 'locked' in v && v.locked;
      }
    }
    expect(tries).toBeLessThanOrEqual(50);
    expect(await guard.attempt('10.9.9.9', PIN)).toMatchObject({ ok: false, locked: true, everyone: true });
    now += 600_001;
    expect(await guard.attempt('10.9.9.9', PIN)).toEqual({ ok: true });
  });

  it('counts an IPv6 /64 as one client', async () => {
    const guard = new LoginGuard(
      slowly((p) => p === PIN),
      { maxFailures: 3, lockMs: 60_000, now: () => 1_000 },
    );
    await guard.attempt('2001:db8:1:2::1', '1');
    await guard.attempt('2001:db8:1:2:ffff::9', '2');
    expect(await guard.attempt('2001:0db8:0001:0002:1234:5678:9abc:def0', '3')).toMatchObject({ ok: false, locked: true });
    expect(await guard.attempt('2001:db8:1:3::1', PIN)).toEqual({ ok: true });
    expect(clientKey('::ffff:192.168.1.20')).toBe('192.168.1.20');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('the distributed guess the security review made, over HTTP through the trusted proxy', () => {
  it('is locked out before 200 tries, 9 from each of 538 X-Forwarded-For addresses', async () => {
    const hub = await startTestHub({ STAFF_PIN: '4821' });
    try {
      let tries = 0;
      let status = 0;
      outer: for (let a = 0; a < 538; a++) {
        for (let i = 0; i < 9; i++) {
          tries++;
          const res = await fetch(`${hub.url}/api/staff/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.18.${a >> 8}.${a & 255}` },
            body: JSON.stringify({ pin: String(tries).padStart(4, '0') }),
          });
          status = res.status;
          await res.body?.cancel();
          if (status === 429) break outer;
        }
      }
      expect(status).toBe(429);
      expect(tries).toBeLessThan(200);
    } finally {
      await hub.close();
    }
  });
});

describe('a right PIN during a guess', () => {
  it('does not lift a hub-wide lock that others’ wrong PINs set meanwhile', async () => {
    let release: (() => void) | undefined;
    const held = new Promise<void>((r) => (release = r));
    // The staff member's check is slow (held open); the guessers' checks answer at once.
    const guard = new LoginGuard(async (p) => (p === PIN ? (await held, true) : false), { maxFailures: 2, lockMs: 60_000, now: () => 1_000 });
    const staff = guard.attempt('10.0.0.1', PIN);
    for (let i = 0; i < 12; i++) await guard.attempt(`10.1.0.${i}`, '000000');
    release!();
    expect(await staff).toEqual({ ok: true });
    expect(await guard.attempt('10.2.0.1', PIN)).toMatchObject({ ok: false, locked: true, everyone: true });
  });
});
