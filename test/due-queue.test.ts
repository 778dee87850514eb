import { describe, expect, it } from 'vitest';
import { DueQueue } from '../server/staff/due-queue.js';

// A seeded generator, so a failure can be replayed.
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('the due queue', () => {
  it('hands out exactly the live entries due by now, earliest first, like a plain map would', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rnd = random(seed);
      const queue = new DueQueue();
      const model = new Map<string, number>();
      let now = 0;
      for (let step = 0; step < 3_000; step++) {
        const id = `o${Math.floor(rnd() * 200)}`;
        const roll = rnd();
        if (roll < 0.55) {
          const at = now + Math.floor(rnd() * 1_000);
          queue.set(id, at);
          model.set(id, at);
        } else if (roll < 0.75) {
          queue.delete(id);
          model.delete(id);
        } else {
          now += Math.floor(rnd() * 200);
          const expected = [...model].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
          for (const [key] of expected) model.delete(key);
          const taken = queue.takeDue(now);
          expect(taken.map(([at]) => at)).toEqual(expected.map(([, at]) => at));
          expect(new Set(taken.map(([, key]) => key))).toEqual(new Set(expected.map(([key]) => key)));
        }
        expect(queue.size).toBe(model.size);
        expect(queue.next()).toBe(model.size ? Math.min(...model.values()) : undefined);
      }
    }
  });

  it('answers right after one entry was moved a hundred thousand times', () => {
    const queue = new DueQueue();
    queue.set('other', 5);
    for (let i = 0; i < 100_000; i++) queue.set('moving', 1_000_000 - i);
    expect(queue.size).toBe(2);
    expect(queue.takeDue(10)).toEqual([[5, 'other']]);
    expect(queue.takeDue(Number.MAX_SAFE_INTEGER)).toEqual([[900_001, 'moving']]);
    expect(queue.next()).toBeUndefined();
  });
});
