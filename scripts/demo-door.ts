import type { Highlight } from '../shared/schemas/director.js';
import type { Footfall } from '../shared/schemas/footfall.js';
import type { SocialReport } from '../shared/schemas/social.js';
import type { SimEvent } from './simulator.js';

/** A demo quarter hour: a run minute takes 2 demo seconds (scripts/demo-floor.ts), so 15 minutes take 30 s. */
export const DEMO_SLOT_MS = 30_000;
/** The share of people through the door who order: a pop-up with a counter and a kiosk converts a third or so. */
const CONVERSION = [0.25, 0.45] as const;
/** People who come in, look at the oven and leave, whether or not anyone orders in that slot. */
const BROWSERS = [1, 4] as const;

/**
 * The people counter at the demo's door: one count per demo quarter hour, sized from the orders that arrived in it
 * so that orders ÷ walk-ins is a believable conversion (what the report's conversion and walk-in charts need).
 * A pure step of time: `observe` the simulator's events, `step` to the clock.
 */
export class DemoDoor {
  #rand: () => number;
  #origin: number;
  /** The slot counted next, numbered from `#origin`. */
  #slot = 0;
  #orders = new Map<number, number>();
  /** Who is inside: they leave in the next slot or two. */
  #inside = 0;

  constructor(start: number, seed = 11) {
    this.#origin = start;
    let s = seed;
    this.#rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  }

  #between(lo: number, hi: number): number {
    return Math.round(lo + this.#rand() * (hi - lo));
  }

  /** Counts the orders placed (an order's first report is `queued`) into the slot of their time. */
  observe(events: readonly SimEvent[]): void {
    for (const e of events) {
      if (e.kind !== 'order' || e.order.status !== 'queued') continue;
      const slot = Math.floor((e.order.updatedAt - this.#origin) / DEMO_SLOT_MS);
      if (slot >= this.#slot) this.#orders.set(slot, (this.#orders.get(slot) ?? 0) + 1);
    }
  }

  /** The counts of every slot that ended by `now`, each at its slot's end. */
  step(now: number): Footfall[] {
    const out: Footfall[] = [];
    while (this.#origin + (this.#slot + 1) * DEMO_SLOT_MS <= now) {
      const orders = this.#orders.get(this.#slot) ?? 0;
      this.#orders.delete(this.#slot);
      const conversion = CONVERSION[0] + this.#rand() * (CONVERSION[1] - CONVERSION[0]);
      const people = Math.max(orders, Math.round(orders / conversion)) + this.#between(...BROWSERS);
      const leaving = Math.min(this.#inside, this.#between(Math.floor(this.#inside / 2), this.#inside));
      this.#inside += people - leaving;
      this.#slot++;
      out.push({ sensor: 'door-1', in: people, out: leaving, at: this.#origin + this.#slot * DEMO_SLOT_MS });
    }
    return out;
  }
}

/** How a published clip's counts grow at each later report: views by a few hundred, the rest in proportion. */
const VIEWS_PER_REPORT = [150, 900] as const;

/**
 * The social team's tools, for the demo: each highlight the director saves is published as a clip a minute (two demo
 * seconds) later, and its reach is reported again as it grows, up to a few reports a clip.
 */
export class DemoSocial {
  #rand: () => number;
  #posts = new Map<string, { highlight: Highlight; reports: number; report: SocialReport }>();
  #maxReports: number;

  constructor(seed = 5, maxReports = 4) {
    let s = seed;
    this.#rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    this.#maxReports = maxReports;
  }

  /** The reports due now, given today's highlights as the hub lists them. */
  step(now: number, highlights: readonly Highlight[]): SocialReport[] {
    for (const h of highlights) {
      if (this.#posts.has(h.id)) continue;
      const post = `demo-clip-${h.id}`.slice(0, 64);
      this.#posts.set(h.id, { highlight: h, reports: 0, report: { post, platform: 'instagram', highlight: h.id, publishedAt: Math.min(now, h.at + 2_000) } });
    }
    const out: SocialReport[] = [];
    for (const p of this.#posts.values()) {
      if (p.reports >= this.#maxReports) continue;
      const views = (p.report.views ?? 0) + Math.round(VIEWS_PER_REPORT[0] + this.#rand() * (VIEWS_PER_REPORT[1] - VIEWS_PER_REPORT[0]));
      const share = (k: number) => Math.round(views * k * (0.5 + this.#rand()));
      p.report = { ...p.report, views, likes: share(0.08), shares: share(0.01), linkClicks: share(0.02), at: now };
      p.reports++;
      out.push(p.report);
    }
    return out;
  }
}
