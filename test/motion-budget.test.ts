import { describe, expect, it } from 'vitest';
import { MotionBudget } from '../display/src/motion-budget.js';

/** A budget on a hand-driven clock and frame. */
function budget(perSecond: number, perUpdate = 100) {
  let now = 0;
  let frame: (() => void)[] = [];
  const b = new MotionBudget(
    perSecond,
    perUpdate,
    () => now,
    (fn) => frame.push(fn),
  );
  const nextFrame = (ms = 16) => {
    now += ms;
    const due = frame;
    frame = [];
    for (const fn of due) fn();
  };
  return { b, nextFrame };
}

describe('the motion budget of the board', () => {
  it('lets the first updates of a second move, then none until a second has passed', () => {
    const { b, nextFrame } = budget(3);
    const answers: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      answers.push(b.allow());
      nextFrame(50);
    }
    expect(answers).toEqual([true, true, true, false, false, false]);
    nextFrame(1_000);
    expect(b.allow()).toBe(true);
  });

  it('moves at most so many cards of one update: a burst in one frame is a rush too', () => {
    const { b, nextFrame } = budget(3, 4);
    expect(Array.from({ length: 6 }, () => b.allow())).toEqual([true, true, true, true, false, false]);
    nextFrame();
    expect(b.allow()).toBe(true);
  });

  it('gives every card of one update the same answer, so a card flies out and in together or not at all', () => {
    const { b, nextFrame } = budget(1);
    expect([b.allow(), b.allow(), b.allow()]).toEqual([true, true, true]);
    nextFrame();
    expect([b.allow(), b.allow()]).toEqual([false, false]);
  });
});
