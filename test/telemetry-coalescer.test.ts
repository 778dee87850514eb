import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReadingsUpdate } from '../shared/schemas/board.js';
import { TelemetryCoalescer } from '../server/realtime/telemetry-coalescer.js';

const INTERVAL = 250;

function reading(id: string, updatedAt: number, tempC = updatedAt): ReadingsUpdate {
  return { id, updatedAt, readings: { tempC } };
}

/** A coalescer on the fake clock, recording each frame with the fake time it left at. */
function coalescer(): { telemetry: TelemetryCoalescer; frames: { at: number; updates: ReadingsUpdate[] }[] } {
  const frames: { at: number; updates: ReadingsUpdate[] }[] = [];
  const telemetry = new TelemetryCoalescer(INTERVAL, (updates) => frames.push({ at: Date.now(), updates }));
  return { telemetry, frames };
}

describe('TelemetryCoalescer pacing', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a lone reading at once, and the next one after a quiet spell at once too', () => {
    const { telemetry, frames } = coalescer();
    telemetry.push(reading('oven', 1));
    expect(frames).toEqual([{ at: 0, updates: [reading('oven', 1)] }]);
    vi.advanceTimersByTime(INTERVAL); // the window closes with nothing held: quiet again
    vi.advanceTimersByTime(1_000);
    telemetry.push(reading('oven', 2));
    expect(frames.at(-1)).toEqual({ at: 1_250, updates: [reading('oven', 2)] });
    expect(frames).toHaveLength(2);
  });

  it('coalesces a burst latest-wins within the window, per machine, never letting an older reading replace a newer one', () => {
    const { telemetry, frames } = coalescer();
    telemetry.push(reading('oven', 1));
    telemetry.push(reading('oven', 3));
    telemetry.push(reading('fryer', 5));
    telemetry.push(reading('oven', 2)); // late and older: ignored
    telemetry.push(reading('fryer', 6));
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(INTERVAL - 1);
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(frames).toHaveLength(2);
    expect(frames[1]).toEqual({ at: INTERVAL, updates: [reading('oven', 3), reading('fryer', 6)] });
  });

  it('sends a steady 20-a-second stream from 3 machines as exactly one frame per 250 ms, with the newest of each machine', () => {
    const { telemetry, frames } = coalescer();
    const ids = ['tele-a', 'tele-b', 'tele-c'];
    // 40 rounds 50 ms apart: the first at t = 50, the last at t = 2000.
    for (let i = 1; i <= 40; i++) {
      vi.advanceTimersByTime(50);
      for (const id of ids) telemetry.push(reading(id, i));
    }
    vi.advanceTimersByTime(10 * INTERVAL);
    // One frame at once (t = 50), then one at every window close that has something held: 300, 550, …, 2050.
    expect(frames.map((f) => f.at)).toEqual(Array.from({ length: 9 }, (_, k) => 50 + k * INTERVAL));
    // The first reading goes alone; the other two machines' first readings wait for the window.
    expect(frames[0]!.updates).toEqual([reading('tele-a', 1)]);
    for (const [k, f] of frames.entries()) {
      if (k === 0) continue;
      expect(f.updates.map((u) => u.id).sort()).toEqual(ids);
      // Each frame holds the newest reading pushed before it left (the round due at the same instant comes after it).
      expect(
        f.updates.every((u) => u.updatedAt === f.at / 50 - 1),
        `frame ${k} at ${f.at}`,
      ).toBe(true);
    }
    expect(frames.at(-1)!.updates.map((u) => u.readings.tempC)).toEqual([40, 40, 40]);
    // At most one frame per window, whatever the input rate.
    for (let k = 1; k < frames.length; k++) expect(frames[k]!.at - frames[k - 1]!.at).toBeGreaterThanOrEqual(INTERVAL);
  });
});
