/** What the chime's audio output is doing: `off` until the store turns the chime on. */
export type ChimeState = 'off' | AudioContextState;

/**
 * A short two-note chime from WebAudio: no audio file to ship or cache.
 *
 * The audio output opens when the screen starts, not at the first ready order: on a player started as
 * docs/screens.md says (`--autoplay-policy=no-user-gesture-required`) it runs at once, and `state`
 * tells whether it does (the stage shows it as `data-chime`). Without that flag Chromium keeps it
 * suspended until someone touches the screen; the first touch or key resumes it.
 */
export class Chime {
  state = $state<ChimeState>('off');
  #ctx: AudioContext | undefined;

  /** Opens the output once; harmless to call again. */
  start(): void {
    if (this.#ctx) return;
    try {
      const ctx = new AudioContext();
      this.#ctx = ctx;
      this.state = ctx.state;
      ctx.addEventListener('statechange', () => (this.state = ctx.state));
      const wake = () => void ctx.resume().catch(() => undefined);
      addEventListener('pointerdown', wake, { once: true });
      addEventListener('keydown', wake, { once: true });
      wake();
    } catch {
      // No audio device or API: the just-ready mark still tells the news.
    }
  }

  play(): void {
    const ctx = this.#ctx;
    if (!ctx) return;
    // Scheduled on the running clock: notes set while suspended would all pile up at its restart.
    if (ctx.state === 'running') this.#notes(ctx);
    else
      ctx.resume().then(
        () => this.#notes(ctx),
        () => undefined,
      );
  }

  #notes(ctx: AudioContext): void {
    const t = ctx.currentTime + 0.02;
    for (const [i, freq] of [880, 1318.5].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.25, t + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.18 + 0.6);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t + i * 0.18);
      osc.stop(t + i * 0.18 + 0.65);
    }
  }
}
