import { describe, expect, it } from 'vitest';
import { queueKey, waitWords } from '../kiosk/src/track/estimate.js';

const MIN = 60_000;

describe("the tracker's words for a wait", () => {
  it('counts down to readyBy in whole minutes, never under 1', () => {
    expect(waitWords(0, 'queued', 9 * MIN, 15 * MIN)).toEqual({ kind: 'minutes', minutes: 9 });
    expect(waitWords(4 * MIN + 1, 'in_production', 9 * MIN, 15 * MIN)).toEqual({ kind: 'minutes', minutes: 5 });
    expect(waitWords(12 * MIN, 'queued', 9 * MIN, 15 * MIN)).toEqual({ kind: 'minutes', minutes: 1 });
  });

  it('says running late from the promise on, with or without an estimate', () => {
    expect(waitWords(15 * MIN, 'queued', 9 * MIN, 15 * MIN)).toEqual({ kind: 'late' });
    expect(waitWords(40 * MIN, 'in_production', null, 15 * MIN)).toEqual({ kind: 'late' });
  });

  it('says nothing without a basis, or once the order is not waiting', () => {
    expect(waitWords(0, 'queued', null, 15 * MIN)).toBeNull();
    expect(waitWords(0, 'queued', null, null)).toBeNull();
    expect(waitWords(40 * MIN, 'ready', 9 * MIN, 15 * MIN)).toBeNull();
  });

  it('keys the queue by what moves it: orders waiting and ready, not anything else', () => {
    const board = [{ status: 'queued' as const }, { status: 'in_production' as const }, { status: 'ready' as const }];
    expect(queueKey(board)).toBe('2/1');
    expect(queueKey([...board, { status: 'picked_up' as const }])).toBe('2/1');
    expect(queueKey([board[0]!, { status: 'ready' as const }, board[2]!])).toBe('1/2');
  });
});
