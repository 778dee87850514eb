import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../server/state/embedded/board-store.js';
import { decide } from '../server/state/last-write-wins.js';
import { BoardMirror } from '../shared/board-mirror.js';
import { Order, isActiveOrder } from '../shared/schemas/order.js';
import { tempDir } from './helpers/hub.js';

const PUBLIC_KEYS = new Set(['id', 'number', 'name', 'items', 'status', 'station', 'promisedAt', 'updatedAt']);
const STATUSES = ['queued', 'in_production', 'ready', 'picked_up', 'cancelled'] as const;

/** A producer's update: mostly valid, with private fields a POS may add, sometimes broken in one place. */
const update = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd'),
  number: fc.constantFrom('1', '22', '333'),
  name: fc.option(fc.constantFrom('Ana', 'Bo', 'Cy'), { nil: undefined }),
  items: fc.array(fc.record({ sku: fc.constantFrom('bun', 'tote'), qty: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 2 }),
  status: fc.constantFrom(...STATUSES),
  // A small range forces ties, which the tie-break must settle the same way in any order.
  updatedAt: fc.integer({ min: 1_000, max: 1_006 }),
  phone: fc.option(fc.constant('+46 70 123 45 67'), { nil: undefined }),
  note: fc.option(fc.constant('no nuts'), { nil: undefined }),
  price: fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }),
});
const broken = fc.oneof(
  update.map((u) => ({ ...u, status: 'lost' })),
  update.map((u) => ({ ...u, items: [] })),
  update.map((u) => ({ ...u, updatedAt: -5 })),
  update.map((u) => ({ ...u, id: 'bad id with spaces' })),
  fc.anything(),
);
const input = fc.array(fc.oneof({ weight: 4, arbitrary: update }, { weight: 1, arbitrary: broken }), { maxLength: 40 });

/** Runs inputs through the real door and store; returns the board the store keeps and the one a screen following its feed keeps. */
async function play(inputs: unknown[]): Promise<{ stored: Order[]; followed: Order[] }> {
  const store = new EmbeddedStore(tempDir('bb-prop-'), pino({ level: 'silent' }));
  const mirror = new BoardMirror();
  mirror.load(await store.load());
  await store.start({ change: (c) => mirror.apply(c), reset: () => undefined });
  mirror.load(await store.load());
  for (const raw of inputs) {
    const parsed = Order.safeParse(raw);
    if (parsed.success) await store.upsertOrder(parsed.data);
  }
  const stored = (await store.load()).orders;
  await store.close();
  return { stored: sortById(stored), followed: sortById([...mirror.orders.values()]) };
}

function sortById(orders: Order[]): Order[] {
  return [...orders].sort((a, b) => a.id.localeCompare(b.id));
}

/** What the contract says the board must be: per id, the update that wins under last-write-wins, if it is active. */
function expected(inputs: unknown[]): Order[] {
  const winners = new Map<string, Order>();
  for (const raw of inputs) {
    const parsed = Order.safeParse(raw);
    if (!parsed.success) continue;
    const o = parsed.data;
    const cur = winners.get(o.id);
    const verdict = decide(cur && { updatedAt: cur.updatedAt, json: JSON.stringify(cur) }, { updatedAt: o.updatedAt, json: JSON.stringify(o) });
    if (verdict === 'apply') winners.set(o.id, o);
  }
  return sortById([...winners.values()].filter(isActiveOrder));
}

describe('the board under any sequence of valid and invalid updates', () => {
  it('keeps exactly the winning update of each order, only if it is active, with only public fields, and a screen following the feed agrees', async () => {
    await fc.assert(
      fc.asyncProperty(input, async (inputs) => {
        const { stored, followed } = await play(inputs);
        expect(stored).toEqual(expected(inputs));
        expect(followed).toEqual(stored);
        for (const o of stored) for (const key of Object.keys(o)) expect(PUBLIC_KEYS.has(key), key).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('ends on the same board whatever order the updates arrive in', async () => {
    await fc.assert(
      fc.asyncProperty(
        input.chain((inputs) => fc.tuple(fc.constant(inputs), fc.shuffledSubarray(inputs, { minLength: inputs.length, maxLength: inputs.length }))),
        async ([inputs, shuffled]) => {
          expect((await play(shuffled)).stored).toEqual((await play(inputs)).stored);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never lets an older update win over a newer one it has seen', async () => {
    await fc.assert(
      fc.asyncProperty(update, fc.integer({ min: 1, max: 5 }), async (newer, age) => {
        const older = { ...newer, status: 'queued' as const, updatedAt: newer.updatedAt - age };
        const { stored } = await play([newer, older]);
        const winner = Order.parse(newer);
        expect(stored).toEqual(isActiveOrder(winner) ? [winner] : []);
      }),
      { numRuns: 100 },
    );
  });
});
