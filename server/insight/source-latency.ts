import type { Spread } from '../../shared/schemas/insight.js';
import { dayStart, type TimeZone } from '../../shared/store-time.js';
import type { Door, Metrics } from '../metrics.js';

/** Changes remembered for a paint to be matched to: a screen acks within seconds, so the last few thousand do. */
const KEEP_SEQS = 5_000;
/** Today's samples kept for the console's p50/p90; a busy day's later samples replace random earlier ones. */
const KEEP_SAMPLES = 10_000;
/** A stamp this far from the hub's clock is a producer's wrong clock, not a latency. */
const MAX_PLAUSIBLE_MS = 10 * 60_000;

export type LatencyDoor = Door | 'other_hub';

/**
 * End-to-end latency (issue 18): from the moment a change's source stamped it (`updatedAt`) to a screen painting it.
 * The hub that took the change in knows its door; every hub sees the change itself (its stamp) on the board feed.
 * A screen's `painted` ack is timed by the hub's clock when it arrives (a TV's clock is not trusted), so the figure
 * includes the ack's trip back: on a store's network, milliseconds.
 */
export class SourceLatency {
  #metrics: Metrics;
  #timeZone: TimeZone;
  #now: () => number;
  /** seq → when its source stamped it, and the door (known only on the hub that took it in). */
  #changes = new Map<number, { stampedAt: number; door: LatencyDoor }>();
  #doors = new Map<number, Door>();
  #today = { start: 0, samples: [] as number[], seen: 0 };
  #implausible = 0;

  constructor(metrics: Metrics, opts: { timeZone?: TimeZone; now?: () => number } = {}) {
    this.#metrics = metrics;
    this.#timeZone = opts.timeZone;
    this.#now = opts.now ?? Date.now;
  }

  /** A door on this hub took in the change that got `seq`. */
  accepted(seq: number, door: Door): void {
    this.#doors.set(seq, door);
    const change = this.#changes.get(seq);
    if (change) change.door = door;
    this.#trim(this.#doors);
  }

  /** The board announced change `seq`, stamped `stampedAt` by its source. */
  changed(seq: number, stampedAt: number): void {
    this.#changes.set(seq, { stampedAt, door: this.#doors.get(seq) ?? 'other_hub' });
    this.#trim(this.#changes);
  }

  /** A screen says it painted `seq`; timed now, on the hub's clock. */
  painted(seq: number): void {
    const change = this.#changes.get(seq);
    if (!change) return;
    const ms = this.#now() - change.stampedAt;
    if (ms < 0 || ms > MAX_PLAUSIBLE_MS) {
      this.#implausible++;
      return;
    }
    this.#metrics.sourceToPainted.observe({ door: change.door }, ms / 1000);
    this.#sample(ms);
  }

  /** Today's source-to-painted spread, in seconds, for the console; and how many acks were not plausible. */
  today(): Spread & { implausible: number } {
    const start = dayStart(this.#now(), this.#timeZone);
    if (start !== this.#today.start) return { count: 0, p50: null, p90: null, implausible: this.#implausible };
    const sorted = [...this.#today.samples].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! / 1000 : null);
    return { count: this.#today.seen, p50: at(0.5), p90: at(0.9), implausible: this.#implausible };
  }

  #sample(ms: number): void {
    const start = dayStart(this.#now(), this.#timeZone);
    if (start !== this.#today.start) this.#today = { start, samples: [], seen: 0 };
    const t = this.#today;
    t.seen++;
    // Reservoir sampling: every sample of the day has the same chance to be among those kept.
    if (t.samples.length < KEEP_SAMPLES) t.samples.push(ms);
    else {
      const i = Math.floor(Math.random() * t.seen);
      if (i < KEEP_SAMPLES) t.samples[i] = ms;
    }
  }

  #trim(map: Map<number, unknown>): void {
    if (map.size <= KEEP_SEQS) return;
    // Maps keep insertion order, and seqs come in order: the first keys are the oldest.
    for (const key of map.keys()) {
      map.delete(key);
      if (map.size <= KEEP_SEQS) break;
    }
  }
}
