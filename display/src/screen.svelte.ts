import { LiveBoard } from '../../shared/client/live-board.svelte.js';
import type { DisplayConfig } from '../../shared/schemas/display.js';
import type { Order } from '../../shared/schemas/order.js';
import { chime } from './chime.js';
import type { ScreenParams } from './params.js';

/** After this long without the hub, the screen admits it (discreetly). */
export const OFFLINE_AFTER_MS = 10_000;

/** The display's state: the live board seen through this screen's station filter. */
export class DisplayScreen {
  readonly board: LiveBoard;
  readonly params: ScreenParams;
  #readyIds = new Set<string>();
  #primed = false;

  constructor(params: ScreenParams) {
    this.params = params;
    this.board = new LiveBoard({
      query: {
        ...(params.screen ? { screen: params.screen } : {}),
        ...(params.station ? { station: params.station } : {}),
        overlay: params.overlay ? '1' : '0',
      },
      reload: () => location.reload(),
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
    const ids = new Set(ready.map((o) => o.id));
    const fresh = [...ids].some((id) => !this.#readyIds.has(id));
    this.#readyIds = ids;
    if (this.#primed && fresh && this.display?.chime) chime();
    if (this.board.seq >= 0) this.#primed = true;
  }
}
