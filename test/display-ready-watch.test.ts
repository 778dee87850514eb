import { describe, expect, it } from 'vitest';
import { ReadyWatch } from '../display/src/ready-watch.js';

const T = 1_000_000;

describe('the screen watching orders turn ready', () => {
  it('marks an order from the moment the screen saw it turn ready, for the window only', () => {
    const watch = new ReadyWatch();
    expect(watch.update([], T, true)).toEqual({ fresh: false, changed: false });
    expect(watch.update([{ id: 'a', updatedAt: T - 999_999 }], T + 5_000, true)).toEqual({ fresh: true, changed: true });
    expect(watch.justReady(T + 5_000, 60_000)).toEqual(new Map([['a', T + 5_000]]));
    expect(watch.justReady(T + 64_999, 60_000).has('a')).toBe(true);
    expect(watch.justReady(T + 65_000, 60_000).has('a')).toBe(false);
    expect(watch.justReady(T + 5_000, 0).size).toBe(0);
  });

  it('neither chimes nor marks orders already ready at load, however recent', () => {
    const watch = new ReadyWatch();
    const first = watch.update(
      [
        { id: 'old', updatedAt: T - 600_000 },
        { id: 'recent', updatedAt: T - 10_000 },
      ],
      T,
      true,
    );
    expect(first.fresh).toBe(false);
    expect(watch.justReady(T, 60_000).size).toBe(0);
  });

  it('keeps the time an order turned ready while it stays ready, and forgets it when it leaves', () => {
    const watch = new ReadyWatch();
    watch.update([], T, true);
    watch.update([{ id: 'a', updatedAt: T }], T, true);
    expect(watch.update([{ id: 'a', updatedAt: T + 1 }], T + 30_000, true)).toEqual({ fresh: false, changed: false });
    expect(watch.justReady(T + 30_000, 60_000).get('a')).toBe(T);
    expect(watch.update([], T + 31_000, true)).toEqual({ fresh: false, changed: true });
    expect(watch.update([{ id: 'a', updatedAt: T + 2 }], T + 32_000, true).fresh).toBe(true);
  });
});
