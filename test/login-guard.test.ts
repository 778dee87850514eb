import { describe, expect, it } from 'vitest';
import { LoginGuard } from '../server/staff/login-guard.js';

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
