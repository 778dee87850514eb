import type { TrackedOrder, TrackedRun } from '../../../shared/schemas/kiosk.js';
import type { OrderStatus } from '../../../shared/schemas/order.js';
import { api } from '../api.js';
import { waitWords, type WaitWords } from './estimate.js';

/** The phone's clock is read this often: the minutes count down and "running late" comes on time. */
const TICK_MS = 5_000;
/** The hub's estimate is asked again this often while nothing on the board changes (time alone moves it). */
const REFRESH_MS = 20_000;
/** A busy queue moves many times a minute: one question per this long, however many moves. */
const SETTLE_MS = 1_000;

/**
 * One order's wait on the tracker: the hub's estimate (`readyBy`) and promise (`dueAt`), asked
 * again as time passes and whenever the queue moves, and read against the phone's clock.
 */
export class WaitEstimate {
  now = $state(Date.now());
  readyBy: number | null = $state(null);
  dueAt: number | null = $state(null);
  /** The run the order waits for, when the hub's plan names one. */
  run: TrackedRun | null = $state.raw(null);
  #number: string;
  #waiting = false;
  #asking = false;
  #again = false;
  #settle: ReturnType<typeof setTimeout> | undefined;
  #tick: ReturnType<typeof setInterval>;
  #refresh: ReturnType<typeof setInterval>;

  constructor(number: string) {
    this.#number = number;
    this.#tick = setInterval(() => (this.now = Date.now()), TICK_MS);
    this.#refresh = setInterval(() => void this.#ask(), REFRESH_MS);
  }

  /** What to say now about an order in `status`, given the promise the board shows (`promisedAt`) when the hub has not answered. */
  words(status: OrderStatus, promisedAt: number | undefined): WaitWords {
    return waitWords(this.now, status, this.readyBy, this.dueAt ?? promisedAt ?? null, this.run);
  }

  /** The order's status changed: ask at once (a ready order has no wait). */
  statusChanged(status: OrderStatus | undefined): void {
    this.#waiting = status === 'queued' || status === 'in_production';
    void this.#ask();
  }

  /** The queue moved (an order left it, or turned ready): ask again once the burst settles. */
  boardMoved(): void {
    if (this.#settle !== undefined || !this.#waiting) return;
    this.#settle = setTimeout(() => {
      this.#settle = undefined;
      void this.#ask();
    }, SETTLE_MS);
  }

  close(): void {
    clearInterval(this.#tick);
    clearInterval(this.#refresh);
    clearTimeout(this.#settle);
  }

  async #ask(): Promise<void> {
    if (!this.#waiting) {
      this.readyBy = null;
      this.run = null;
      return;
    }
    // One question at a time; a change while one is out asks once more after it.
    if (this.#asking) return void (this.#again = true);
    this.#asking = true;
    try {
      const answer = await api<TrackedOrder>('GET', `/api/track/${encodeURIComponent(this.#number)}`);
      this.now = Date.now();
      if (answer.ok) {
        this.readyBy = answer.data.readyBy;
        this.dueAt = answer.data.dueAt;
        // An older hub answers without `run`: no plan.
        this.run = answer.data.run ?? null;
      } else if (answer.status === 404) {
        this.readyBy = null;
        this.run = null;
      }
    } finally {
      this.#asking = false;
      if (this.#again) {
        this.#again = false;
        void this.#ask();
      }
    }
  }
}
