import type { BatchItem } from '../../shared/schemas/board.js';

/**
 * Turns a stream of board changes into fewer frames: a change after a quiet
 * spell goes out at once; changes that follow within `windowMs` wait for the
 * window to close and go out together, in order. Every broadcast costs a pass
 * over all sockets, so under load one frame per window instead of one per
 * change is what lets a hub keep up with many screens.
 */
export class FrameCoalescer {
  #windowMs: number;
  #send: (items: BatchItem[]) => void;
  #queue: BatchItem[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(windowMs: number, send: (items: BatchItem[]) => void) {
    this.#windowMs = windowMs;
    this.#send = send;
  }

  push(item: BatchItem): void {
    if (this.#timer) {
      this.#queue.push(item);
      return;
    }
    this.#send([item]);
    this.#timer = setTimeout(() => this.#flush(), this.#windowMs).unref();
  }

  /** Sends what is queued now, ahead of a frame of another kind that must not overtake it; the window goes on. */
  flushQueued(): void {
    if (this.#queue.length === 0) return;
    const items = this.#queue;
    this.#queue = [];
    this.#send(items);
  }

  /** Forgets what is queued: a snapshot that follows carries it. */
  clear(): void {
    this.#queue = [];
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#queue.length === 0) return; // quiet again: the next change goes at once
    this.flushQueued();
    this.#timer = setTimeout(() => this.#flush(), this.#windowMs).unref();
  }
}
