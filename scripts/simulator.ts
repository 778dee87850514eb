import type { Machine } from '../shared/schemas/machine.js';
import type { Order, OrderItem } from '../shared/schemas/order.js';

export type SimEvent = { kind: 'order'; order: Order } | { kind: 'machine'; machine: Machine };

const NAMES = [
  'Ana',
  'Ben',
  'Chloé',
  'Dev',
  'Emre',
  'Freya',
  'Gus',
  'Hana',
  'Ivo',
  'Jun',
  'Kai',
  'Lena',
  'Mo',
  'Nia',
  'Oskar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tove',
];
const MENU: { sku: string; variants: string[]; station: string }[] = [
  { sku: 'cardamom-bun', variants: ['classic', 'vegan', 'pearl-sugar'], station: 'oven' },
  { sku: 'cinnamon-knot', variants: ['classic', 'orange'], station: 'oven' },
  { sku: 'tote-print', variants: ['sand', 'ink', 'moss'], station: 'finishing' },
];

interface Plan {
  order: Order;
  next: number; // when it moves on (sim ms)
}

/**
 * A believable pop-up day, as a pure step function of time: orders arrive,
 * go into production, turn ready when their station finishes, and are picked
 * up; the oven cycles preheating → running → unloading → cleaning, the
 * finishing station and the printer work their own batches.
 */
export class PopUpSimulator {
  #rand: () => number;
  #plans = new Map<string, Plan>();
  #nextOrderAt: number;
  #number = 100;
  #machines: { m: Machine; next: number }[];

  #planned: boolean;

  /**
   * `lastNumber`: the highest order number already on the board; this run's numbers follow it. `planned`: the hub's
   * planner and the demo floor (scripts/demo-floor.ts) move orders and drive the oven and printer; the simulator
   * only brings customers and runs the finishing bench.
   */
  constructor(start: number, seed = 42, lastNumber = 100, opts: { planned?: boolean } = {}) {
    this.#planned = opts.planned ?? false;
    this.#number = lastNumber;
    let s = seed;
    this.#rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    this.#nextOrderAt = start;
    const machines: { m: Machine; next: number }[] = [
      { m: { id: 'oven-1', name: 'Stone oven', kind: 'oven', state: 'idle', readings: { tempC: 24 }, updatedAt: start }, next: start + 2_000 },
      { m: { id: 'finishing-1', name: 'Glazing bench', kind: 'finishing', state: 'idle', updatedAt: start }, next: start + 6_000 },
      { m: { id: 'printer-1', name: 'Textile printer', kind: 'printer', state: 'idle', readings: { inkPct: 82 }, updatedAt: start }, next: start + 9_000 },
    ];
    this.#machines = machines.filter((slot) => !this.#planned || slot.m.kind === 'finishing');
  }

  #between(lo: number, hi: number): number {
    return Math.round(lo + this.#rand() * (hi - lo));
  }

  #pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.#rand() * list.length)]!;
  }

  /** Everything that happened up to `now`, in order. */
  step(now: number): SimEvent[] {
    const out: SimEvent[] = [];
    while (this.#nextOrderAt <= now) {
      const dish = this.#pick(MENU);
      const items: OrderItem[] = [{ sku: dish.sku, variant: this.#pick(dish.variants), qty: this.#between(1, 4) }];
      const order: Order = {
        id: `demo-${this.#number}-${Math.floor(this.#rand() * 1e6)}`,
        number: String(++this.#number),
        ...(this.#rand() < 0.8 ? { name: this.#pick(NAMES) } : {}),
        items,
        status: 'queued',
        station: dish.station,
        promisedAt: this.#nextOrderAt + 12 * 60_000,
        updatedAt: this.#nextOrderAt,
      };
      this.#plans.set(order.id, { order, next: this.#nextOrderAt + this.#between(4_000, 12_000) });
      out.push({ kind: 'order', order });
      this.#nextOrderAt += this.#between(3_000, 9_000);
    }
    for (const plan of this.#plans.values()) {
      if (this.#planned) break;
      if (plan.next > now) continue;
      const status = plan.order.status === 'queued' ? 'in_production' : plan.order.status === 'in_production' ? 'ready' : 'picked_up';
      plan.order = { ...plan.order, status, updatedAt: plan.next };
      out.push({ kind: 'order', order: plan.order });
      if (status === 'picked_up') this.#plans.delete(plan.order.id);
      else plan.next += status === 'in_production' ? this.#between(15_000, 40_000) : this.#between(8_000, 45_000);
    }
    for (const slot of this.#machines) {
      while (slot.next <= now) {
        const [m, wait] = this.#advance(slot.m, slot.next);
        slot.m = m;
        slot.next += wait;
        out.push({ kind: 'machine', machine: m });
      }
    }
    return out;
  }

  #advance(m: Machine, at: number): [Machine, number] {
    const base = { id: m.id, kind: m.kind, ...(m.name ? { name: m.name } : {}), updatedAt: at };
    const temp = (c: number) => (m.kind === 'oven' ? { readings: { tempC: c } } : m.readings ? { readings: m.readings } : {});
    const batch = (sku: string, label: string, qty: number, ms: number) => ({ batch: { sku, label, qty, startedAt: at, endsAt: at + ms } });
    switch (m.state) {
      case 'idle':
        if (m.kind === 'oven') return [{ ...base, state: 'preheating', ...temp(120) }, 8_000];
        return [
          {
            ...base,
            state: 'running',
            ...temp(0),
            ...(m.kind === 'printer' ? batch('tote-print', 'Tote bags', 6, 30_000) : batch('cardamom-bun', 'Glazing buns', 12, 20_000)),
          },
          m.kind === 'printer' ? 30_000 : 20_000,
        ];
      case 'preheating':
        return [{ ...base, state: 'running', ...temp(218), ...batch('cardamom-bun', 'Cardamom buns', 12, 45_000) }, 45_000];
      case 'running':
        if (m.kind === 'oven') return [{ ...base, state: 'unloading', ...temp(205) }, 8_000];
        return [{ ...base, state: this.#rand() < 0.05 ? 'fault' : 'idle', ...temp(0) }, this.#between(5_000, 12_000)];
      case 'unloading':
        return [{ ...base, state: 'cleaning', ...temp(160) }, 6_000];
      default:
        return [{ ...base, state: 'idle', ...temp(m.kind === 'oven' ? 90 : 0) }, this.#between(3_000, 8_000)];
    }
  }
}
