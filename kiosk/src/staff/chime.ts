/**
 * A short two-note chime for a new order, made with Web Audio (no file to fetch). A browser keeps audio
 * suspended until the page has been touched: the console is (its login), and `unlock` is called on every
 * tap so the context is resumed inside a gesture.
 */
export class Chime {
  #ctx: AudioContext | null = null;
  /** How many chimes were scheduled: for the page (and its tests) to see that one played. */
  played = 0;

  unlock(): void {
    const ctx = this.#context();
    if (ctx?.state === 'suspended') void ctx.resume().catch(() => undefined);
  }

  play(): void {
    const ctx = this.#context();
    if (!ctx) return;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const start = ctx.currentTime + 0.02;
    for (const [i, freq] of [880, 1318.5].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const t = start + i * 0.16;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.4);
    }
    this.played++;
  }

  close(): void {
    void this.#ctx?.close().catch(() => undefined);
    this.#ctx = null;
  }

  #context(): AudioContext | null {
    if (this.#ctx) return this.#ctx;
    if (typeof AudioContext !== 'function') return null;
    try {
      this.#ctx = new AudioContext();
    } catch {
      return null;
    }
    return this.#ctx;
  }
}
