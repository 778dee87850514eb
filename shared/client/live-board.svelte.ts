import { BoardFeed, type BoardFeedOptions } from './board-feed.js';
import type { Machine } from '../schemas/machine.js';
import type { Order } from '../schemas/order.js';
import type { Run } from '../schemas/run.js';
import type { Scene } from '../schemas/board.js';
import type { Hello } from '../schemas/display.js';
import { PAINTED_EVERY_MS } from '../protocol.js';
import { pageText } from './page-text.svelte.js';

export interface LiveBoardOptions extends Pick<BoardFeedOptions, 'url' | 'query' | 'transports'> {
  /** How to reload the page (a deploy changed the app version, or staff asked). */
  reload?: () => void;
  /** A board on a screen says, sampled, when it painted a change (if the store's `display.reportPainted`). */
  reportPainted?: boolean;
}

/**
 * The live board as Svelte state: lists are replaced whole on every change
 * ($state.raw), never mutated in place, so a render sees one consistent board.
 */
export class LiveBoard {
  orders: Order[] = $state.raw([]);
  machines: Machine[] = $state.raw([]);
  /** Production runs planned, loading or running (finished ones leave the board): the console's lane, the board's strip. */
  runs: Run[] = $state.raw([]);
  scene: Scene | null = $state.raw(null);
  hello: Hello | null = $state.raw(null);
  seq = $state(-1);
  connected = $state(false);
  /** When the connection was lost (ms epoch), or null while connected. */
  disconnectedAt: number | null = $state(null);
  #feed: BoardFeed;
  #framePending = false;
  #reportPainted: boolean;
  #lastAckAt = -Infinity;
  /** A live change (not a snapshot, not readings) arrived since the last frame: that frame may be timed. */
  #liveSinceFrame = false;

  constructor(opts: LiveBoardOptions = {}) {
    const reload = opts.reload ?? (() => undefined);
    this.#reportPainted = opts.reportPainted ?? false;
    this.#feed = new BoardFeed({
      ...opts,
      // The mirror takes every event at once; the page renders at most once a frame, however fast they come.
      onChange: (_mirror, cause) => {
        // A snapshot's seq may be minutes old (a page load, a resync): its paint says nothing of latency.
        if (cause === 'snapshot') this.#liveSinceFrame = false;
        else if (cause === 'change') this.#liveSinceFrame = true;
        this.#scheduleFrame();
      },
      onConnection: (connected) => {
        this.connected = connected;
        this.disconnectedAt = connected ? null : (this.disconnectedAt ?? Date.now());
      },
      onHello: (hello) => {
        // A different version after a reconnect means the hub now serves a new build: take it.
        if (this.hello && this.hello.appVersion !== hello.appVersion) reload();
        this.hello = hello;
        // Every page on /board (the board, the tracker, the console) speaks the store's words from its hello.
        pageText.use(hello.display.text);
      },
      onReload: reload,
    });
  }

  #scheduleFrame(): void {
    if (this.#framePending) return;
    this.#framePending = true;
    const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (fn: () => void) => setTimeout(fn, 16);
    frame(() => {
      this.#framePending = false;
      const mirror = this.#feed.mirror;
      this.orders = [...mirror.orders.values()];
      this.machines = [...mirror.machines.values()];
      this.runs = [...mirror.runs.values()];
      this.scene = mirror.scene;
      this.seq = mirror.seq;
      const live = this.#liveSinceFrame;
      this.#liveSinceFrame = false;
      if (live) this.#ackPainted(mirror.seq, frame);
    });
  }

  /**
   * Svelte writes the DOM right after this frame's state changes; a task queued from the next frame runs once that
   * frame is on screen. Only a frame that drew a live change is timed, and only when the sampling window (one ack per
   * PAINTED_EVERY_MS) is open then: a change painted inside the window is skipped, never acked later, or the wait
   * for the window would count as latency.
   */
  #ackPainted(seq: number, frame: (fn: () => void) => unknown): void {
    if (!this.#reportPainted || this.hello?.display.reportPainted === false) return;
    const now = Date.now();
    if (now - this.#lastAckAt < PAINTED_EVERY_MS) return;
    this.#lastAckAt = now;
    frame(() => setTimeout(() => this.#feed.painted(seq), 0));
  }

  close(): void {
    this.#feed.close();
  }
}
