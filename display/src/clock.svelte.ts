import { createSubscriber } from 'svelte/reactivity';

/**
 * One 1 Hz tick for the whole page (progress bars, the offline marker, the
 * clock): no server event per tick, and no timer when nothing reads it.
 */
export class Clock {
  #subscribe = createSubscriber((update) => {
    const timer = setInterval(update, 1_000);
    return () => clearInterval(timer);
  });

  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}
