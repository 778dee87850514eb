import { LiveBoard } from '../../shared/client/live-board.svelte.js';
import type { DisplayConfig } from '../../shared/schemas/display.js';
import type { Order } from '../../shared/schemas/order.js';
import { Chime } from './chime.svelte.js';
import type { ScreenParams } from './params.js';
import { ReadyWatch } from './ready-watch.js';

/** After this long without the hub, the screen admits it (discreetly). */
export const OFFLINE_AFTER_MS = 10_000;

/** The display's state: the live board seen through this screen's station filter. */
export class DisplayScreen {
  readonly board: LiveBoard;
  readonly params: ScreenParams;
  readonly chime = new Chime();
  #watch = new ReadyWatch();
  /** Replaced (never read) by noticeReady, so that justReady() follows the watch without an effect loop. */
  #readyChanged = $state.raw({});
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read-only once made: a new map replaces it, #readyChanged signals
  #lastJustReady: ReadonlyMap<string, number> = new Map();

  constructor(params: ScreenParams) {
    this.params = params;
    this.board = new LiveBoard({
      query: {
        ...(params.screen ? { screen: params.screen } : {}),
        ...(params.station ? { station: params.station } : {}),
        overlay: params.overlay ? '1' : '0',
      },
      reload: () => location.reload(),
      reportPainted: true,
    });
  }

  /** The store's settings, from the hub's hello (the page renders nothing before it). */
  get display(): DisplayConfig | null {
    return this.board.hello?.display ?? null;
  }

  get orders(): Order[] {
    const station = this.params.station;
    return station ? this.board.orders.filter((o) => o.station === station) : this.board.orders;
  }

  offlineSince(now: number): number | null {
    const since = this.board.disconnectedAt;
    return since !== null && now - since >= OFFLINE_AFTER_MS ? since : null;
  }

  /** Chimes for orders that turned ready since the last call (not for those already ready at load). */
  noticeReady(ready: readonly Order[]): void {
    const { fresh, changed } = this.#watch.update(ready, Date.now(), this.board.seq >= 0);
    if (changed) this.#readyChanged = {};
    if (fresh && this.display?.chime) this.chime.play();
  }

  /** Ready orders marked as just ready at `now` (`display.justReadySeconds`), with when they turned. */
  justReady(now: number): ReadonlyMap<string, number> {
    void this.#readyChanged;
    const next = this.#watch.justReady(now, (this.display?.justReadySeconds ?? 0) * 1_000);
    // The same map while nothing changes, so the columns do not sort and lay out again every second.
    const last = this.#lastJustReady;
    if (next.size === last.size && [...next].every(([id, at]) => last.get(id) === at)) return last;
    return (this.#lastJustReady = next);
  }
}
