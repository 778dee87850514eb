/**
 * A double tap on Order lands its second tap on the screen that replaces it: for this long the
 * order number screen takes no tap, so that tap cannot dismiss the number before it is read.
 */
export const TAP_GUARD_MS = 800;

/**
 * The order number screen's clock: it takes taps only after the tap guard, and ends itself after
 * `kiosk.confirmationSeconds` whatever is touched meanwhile, so the next customer never sees the
 * previous one's number, name and QR code.
 */
export class ConfirmationClock {
  /** True once the tap guard has passed: Done may be pressed. */
  armed = $state(false);
  /** Whole seconds until the screen returns to the menu by itself. */
  secondsLeft = $state(0);
  #until = 0;
  #timers: ReturnType<typeof setTimeout>[] = [];
  #tick: ReturnType<typeof setInterval> | undefined;

  /** Starts the clock as the number appears; `onEnd` is called once, when its time is up. */
  start(seconds: number, onEnd: () => void): void {
    this.stop();
    this.armed = false;
    this.#until = Date.now() + seconds * 1000;
    this.secondsLeft = seconds;
    this.#timers.push(setTimeout(() => (this.armed = true), TAP_GUARD_MS));
    // The end is a deadline, not a count of ticks: a tick that comes late (a busy or dozing tablet) still ends on time.
    this.#timers.push(setTimeout(() => (this.stop(), onEnd()), seconds * 1000));
    this.#tick = setInterval(() => (this.secondsLeft = Math.max(0, Math.ceil((this.#until - Date.now()) / 1000))), 1000);
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    clearInterval(this.#tick);
    this.#tick = undefined;
    this.armed = false;
  }
}
