import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LoggedEvent } from '../shared/schemas/event-log.js';
import { structureOf } from '../shared/structure-of.js';
import { parseLoggedLine } from '../server/state/event-log.js';

const order = { id: 'o-1', number: '12', items: [{ sku: 'bun', qty: 2 }], status: 'queued', updatedAt: 1_000 };
const line = (o: object) => ({ type: 'order', seq: 1, at: 1_000, order: { ...order, ...o } });

describe('structureOf: what the event log checks when it reads a line back', () => {
  const Shape = structureOf(LoggedEvent);

  it('takes what the door took, and what it took without the text rules the door ran', () => {
    expect(Shape.parse(line({}))).toEqual(LoggedEvent.parse(line({})));
    const unruly = line({ number: 'a\u0007b', id: 'has space', items: [] });
    expect(LoggedEvent.safeParse(unruly).success).toBe(false);
    expect(Shape.safeParse(unruly).success).toBe(true);
  });

  it('refuses what is not an event of the log: a missing field, a wrong type, an unknown status or type', () => {
    const { updatedAt: _gone, ...noTime } = order;
    for (const bad of [
      { type: 'order', seq: 1, at: 1_000, order: noTime },
      line({ items: [{ sku: 'bun', qty: '2' }] }),
      line({ status: 'baked' }),
      { ...line({}), type: 'oven' },
      { type: 'footfall', at: 1, footfall: { sensor: 'door', in: 1 } },
    ]) {
      expect(Shape.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('is what parseLoggedLine reads with: a whole line of the right shape, nothing else', () => {
    expect(parseLoggedLine(JSON.stringify(line({ number: 'a\u0007b' })))?.type).toBe('order');
    expect(parseLoggedLine('{"type":"order","seq":1,')).toBeUndefined();
    expect(parseLoggedLine(JSON.stringify(line({ status: 'baked' })))).toBeUndefined();
  });

  it('makes a default afresh at each parse, as the schema it was made from does', () => {
    const Listed = structureOf(z.object({ tags: z.array(z.string().min(2)).default([]) }));
    const a = Listed.parse({});
    const b = Listed.parse({});
    expect(a.tags).toEqual([]);
    expect(a.tags).not.toBe(b.tags);
    expect(Listed.parse({ tags: ['x'] }).tags).toEqual(['x']); // the length rule is gone
  });

  it('leaves the schema it was given as it was', () => {
    structureOf(LoggedEvent);
    expect(LoggedEvent.safeParse(line({ id: 'has space' })).success).toBe(false);
  });
});
