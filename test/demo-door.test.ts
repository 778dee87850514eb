import { describe, expect, it } from 'vitest';
import type { Highlight } from '../shared/schemas/director.js';
import { DEMO_SLOT_MS, DemoDoor, DemoSocial } from '../scripts/demo-door.js';
import type { SimEvent } from '../scripts/simulator.js';

const order = (id: string, at: number, status: 'queued' | 'ready' = 'queued'): SimEvent => ({
  kind: 'order',
  order: { id, number: id, items: [{ sku: 'cardamom-bun', qty: 1 }], status, updatedAt: at },
});

describe('the demo door', () => {
  it('counts each demo quarter hour once, at its end, with at least as many people in as orders placed in it', () => {
    const door = new DemoDoor(0);
    // 6 orders in the first slot (and one of them reported again as ready), 2 in the second.
    door.observe([...[1, 2, 3, 4, 5, 6].map((i) => order(`a${i}`, i * 1_000)), order('a1', 9_000, 'ready')]);
    door.observe([order('b1', DEMO_SLOT_MS + 1), order('b2', DEMO_SLOT_MS + 2)]);
    expect(door.step(DEMO_SLOT_MS - 1)).toEqual([]);
    const counts = door.step(2 * DEMO_SLOT_MS);
    expect(counts.map((c) => c.at)).toEqual([DEMO_SLOT_MS, 2 * DEMO_SLOT_MS]);
    expect(counts[0]!.in).toBeGreaterThanOrEqual(6 + 1);
    expect(counts[0]!.in).toBeLessThanOrEqual(6 / 0.25 + 4);
    expect(counts[1]!.in).toBeGreaterThanOrEqual(2 + 1);
    expect(counts[1]!.out).toBeLessThanOrEqual(counts[0]!.in);
    expect(door.step(2 * DEMO_SLOT_MS)).toEqual([]);
  });

  it('publishes a clip of each highlight, tied to it, and reports its reach growing a few times', () => {
    const social = new DemoSocial(5, 3);
    const h = { id: 'h1', at: 1_000 } as Highlight;
    const first = social.step(5_000, [h]);
    expect(first).toEqual([expect.objectContaining({ post: 'demo-clip-h1', highlight: 'h1', publishedAt: 3_000, at: 5_000 })]);
    const views = [first[0]!.views!, social.step(6_000, [h])[0]!.views!, social.step(7_000, [h])[0]!.views!];
    expect(views[1]).toBeGreaterThan(views[0]!);
    expect(views[2]).toBeGreaterThan(views[1]!);
    expect(social.step(8_000, [h])).toEqual([]);
  });
});
