import type { Board } from '../board/board.js';
import type { DirectorConfig, DirectorLogEntry, DirectorStatus, SwitchCause } from '../../shared/schemas/director.js';
import type { Machine } from '../../shared/schemas/machine.js';
import type { Run } from '../../shared/schemas/run.js';
import type { Logger } from '../log.js';
import type { DirectorJournal } from './journal.js';
import { ObsTimeoutError, ObsUnavailableError, type ObsController } from './obs-controller.js';
import type { Highlighting } from './highlighting.js';
import { SceneRules, type FiredRule, type Wanted } from './scene-rules.js';
import { StreamHealth } from './stream-health.js';

type Mode = DirectorStatus['mode'];

/** Consoles ask every 2 s; OBS renders one screenshot per this, whatever their number. */
const THUMBNAIL_MAX_AGE_MS = 1_500;

export class UnknownSceneError extends Error {
  readonly code = 'unknown_scene';
  constructor(readonly scene: string) {
    super(`OBS has no scene named '${scene}'`);
  }
}

/**
 * Decides what goes on air. Production events (board changes) drive the
 * rules; staff and the API pick scenes and modes; OBS reports what is really
 * on air, including changes made by hand. Event-driven: it wakes on a machine
 * event, a rule's end, the end of a dwell or hold, or an OBS event, never on a poll.
 */
export class Director {
  #obs: ObsController;
  #board: Board;
  #config: DirectorConfig;
  #log: Logger;
  #journal: DirectorJournal;
  #now: () => number;
  #rules: SceneRules;
  #mode: Mode = 'auto';
  #holdUntil: number | null = null;
  #program: string | null = null;
  #lastSwitchAt = -Infinity;
  /** Our switch that OBS has not yet confirmed, by its event or its answer, whichever comes first. */
  #inFlight: { scene: string; cause: SwitchCause; extra: Partial<DirectorLogEntry> } | null = null;
  #scenes: string[] = [];
  #studioMode = false;
  #streaming = false;
  #recording = false;
  #wake: NodeJS.Timeout | undefined;
  #holdTimer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #shot: { at: number; image: Promise<Buffer> } | undefined;
  /** A scene we asked for whose answer timed out: if OBS shows it later, that is our late switch, not a hand. */
  #late: string | null = null;
  #highlighting: Highlighting | undefined;
  /** The stream's and the recording's health (GET /api/director/health) and their loss (the stream_dropped alert). */
  readonly health: StreamHealth;

  constructor(deps: {
    obs: ObsController;
    board: Board;
    config: DirectorConfig;
    log: Logger;
    journal: DirectorJournal;
    highlighting?: Highlighting;
    now?: () => number;
  }) {
    this.#obs = deps.obs;
    this.#board = deps.board;
    this.#config = deps.config;
    this.#log = deps.log;
    this.#journal = deps.journal;
    this.#now = deps.now ?? Date.now;
    this.#highlighting = deps.highlighting;
    this.#rules = new SceneRules(deps.config.rules, deps.config.defaultScene);
    this.health = new StreamHealth(deps.obs, this.#now);
  }

  start(): void {
    for (const m of this.#board.snapshot().machines) this.#rules.observe(m, this.#now());
    for (const r of this.#board.snapshot().runs) this.#rules.observeRun(r, this.#now(), true);
    this.#board.on('change', (change) => {
      if (change.type === 'machine') this.#onMachine(change.machine);
      if (change.type === 'run') this.#onRun(change.run);
    });
    this.#obs.on('connected', () => void this.#serial(() => this.#onConnected()));
    this.#obs.on('disconnected', () => this.#publish());
    this.#obs.on('programChanged', (scene) => this.#onProgram(scene));
    this.#obs.on('studioModeChanged', (on) => (this.#studioMode = on));
    this.#obs.on('streamChanged', (on) => (this.#streaming = on));
    this.#obs.on('recordChanged', (on) => (this.#recording = on));
    this.#obs.on('scenesChanged', () => void this.#serial(() => this.#readScenes()));
    this.#resume(this.#board.snapshot().scene.mode);
    this.#publish();
    this.#obs.start();
  }

  /**
   * The mode the board last showed, taken up again: a hub restarted mid-stream must not hand the program back to the
   * rules when staff chose manual or held a scene. The board's scene is kept by the store, so it outlives the hub.
   * A hold's end is not kept there: it is held again for its full time, which errs toward what staff chose.
   */
  #resume(mode: Mode | undefined): void {
    if (mode === 'manual') this.#mode = 'manual';
    else if (mode === 'hold') this.#enterHold();
    else return;
    this.#log.info({ mode }, 'director mode taken up from before the restart');
  }

  status(): DirectorStatus {
    return {
      enabled: true,
      obs: this.#obs.connected ? 'connected' : 'disconnected',
      program: this.#program,
      mode: this.#mode,
      holdUntil: this.#holdUntil,
      scenes: this.#scenes,
      missingScenes: this.#missing(),
      studioMode: this.#studioMode,
      streaming: this.#streaming,
      recording: this.#recording,
      ...(this.#highlighting?.status() ?? { replayBuffer: { mode: 'off', active: false, available: false }, highlightsToday: 0 }),
    };
  }

  recent(limit?: number): DirectorLogEntry[] {
    return this.#journal.recent(limit);
  }

  /** A person's (or a Stream Deck's) choice: goes on air at once; in auto mode it holds the rules off for a while. */
  pickScene(scene: string, cause: 'staff' | 'api', by: string): Promise<DirectorStatus> {
    return this.#serial(async () => {
      if (!this.#obs.connected) throw new ObsUnavailableError('OBS is not connected');
      if (!this.#scenes.includes(scene)) throw new UnknownSceneError(scene);
      const before = { mode: this.#mode, holdUntil: this.#holdUntil };
      if (this.#mode !== 'manual') this.#enterHold();
      try {
        await this.#switch(scene, cause, { by });
      } catch (err) {
        // The choice did not go on air: the rules are not held off for it.
        if (before.mode !== 'hold') {
          clearTimeout(this.#holdTimer);
          this.#mode = before.mode;
          this.#holdUntil = before.holdUntil;
          this.#publish();
        }
        throw err;
      }
      return this.status();
    });
  }

  setMode(mode: Mode, by: string): Promise<DirectorStatus> {
    return this.#serial(() => {
      if (mode === 'hold') this.#enterHold();
      else {
        clearTimeout(this.#holdTimer);
        this.#holdUntil = null;
        this.#mode = mode;
      }
      this.#log.info({ mode, by }, 'director mode set');
      this.#publish();
      if (mode === 'auto') this.#evaluate('rule');
      return Promise.resolve(this.status());
    });
  }

  /** A small JPEG of what is on air, at most one OBS call per interval however many consoles ask. */
  thumbnail(): Promise<Buffer> {
    const now = this.#now();
    if (this.#shot && now - this.#shot.at < THUMBNAIL_MAX_AGE_MS) return this.#shot.image;
    const program = this.#program;
    if (!this.#obs.connected || !program) return Promise.reject(new ObsUnavailableError('OBS is not connected'));
    const image = this.#obs.screenshot(program, 480);
    this.#shot = { at: now, image };
    image.catch(() => (this.#shot = undefined));
    return image;
  }

  async close(): Promise<void> {
    clearTimeout(this.#wake);
    clearTimeout(this.#holdTimer);
    this.health.close();
    await this.#obs.stop();
  }

  #enterHold(): void {
    clearTimeout(this.#holdTimer);
    this.#mode = 'hold';
    const ms = this.#config.holdMinutes * 60_000;
    this.#holdUntil = this.#now() + ms;
    this.#holdTimer = setTimeout(() => {
      this.#mode = 'auto';
      this.#holdUntil = null;
      this.#log.info('hold over; rules resume');
      this.#publish();
      this.#evaluate('rule');
    }, ms);
    this.#publish();
  }

  #onMachine(machine: Machine): void {
    const fired: FiredRule[] = [];
    if (this.#rules.observe(machine, this.#now(), fired)) this.#evaluate('rule');
    // Clipped whether or not the cut goes on air (a hold, manual mode, a rule of higher priority).
    if (fired.length > 0) this.#highlighting?.fired(fired);
  }

  #onRun(run: Run): void {
    if (run.status === 'done' || run.status === 'cancelled') this.#highlighting?.runEnded(run.id, this.#now());
    const fired: FiredRule[] = [];
    if (this.#rules.observeRun(run, this.#now(), false, fired)) this.#evaluate('rule');
    if (fired.length > 0) this.#highlighting?.fired(fired, run);
  }

  async #onConnected(): Promise<void> {
    try {
      const [program, studio, stream, record] = await Promise.all([
        this.#obs.call('GetCurrentProgramScene'),
        this.#obs.call('GetStudioModeEnabled'),
        this.#obs.call('GetStreamStatus'),
        this.#obs.call('GetRecordStatus'),
      ]);
      await this.#readScenes();
      this.#program = program.currentProgramSceneName;
      this.#studioMode = studio.studioModeEnabled;
      this.#streaming = stream.outputActive;
      this.#recording = record.outputActive;
      this.health.connectedWith(stream, record);
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'could not read OBS state after connecting');
      return;
    }
    this.#publish();
    // Whatever should be live now goes live, without waiting for the next event.
    this.#evaluate('reconnect', true);
  }

  async #readScenes(): Promise<void> {
    const list = await this.#obs.call('GetSceneList');
    this.#scenes = list.scenes.flatMap((s) => (typeof s.sceneName === 'string' ? [s.sceneName] : [])).sort();
    const missing = this.#missing();
    if (missing.length > 0) this.#log.warn({ missing }, 'scenes named in the config are missing in OBS; their rules are skipped');
  }

  #missing(): string[] {
    return this.#obs.connected || this.#scenes.length > 0 ? this.#rules.scenes().filter((s) => !this.#scenes.includes(s)) : [];
  }

  #onProgram(scene: string): void {
    // OBS's event may come before or after its answer to our request, and a
    // change made by hand may be in the same packet: whichever lands first
    // confirms our switch, and nothing later is mistaken for it.
    if (this.#inFlight?.scene === scene) return this.#confirm();
    if (scene === this.#late) {
      // A switch of ours that timed out has landed after all: not a change by hand. Whatever
      // should be live now (in auto mode) goes back on.
      this.#late = null;
      this.#program = scene;
      this.#publish();
      this.#evaluate('rule', true);
      return;
    }
    if (scene === this.#program) return;
    // Someone changed it by hand in OBS: the board and the log follow.
    this.#program = scene;
    this.#lastSwitchAt = this.#now();
    this.#journal.append({ at: this.#now(), scene, cause: 'obs', by: 'OBS' });
    this.#publish();
  }

  /** Runs the rules and switches if production wants another scene now. */
  #evaluate(cause: Extract<SwitchCause, 'rule' | 'reconnect'>, ignoreDwell = false): void {
    if (this.#mode !== 'auto' || !this.#obs.connected) return;
    // Decided inside the serial chain: while a switch is in flight, #program is not yet what OBS will show.
    void this.#serial(() => this.#reconcile(cause, ignoreDwell)).catch(() => undefined);
  }

  async #reconcile(cause: Extract<SwitchCause, 'rule' | 'reconnect'>, ignoreDwell: boolean): Promise<void> {
    clearTimeout(this.#wake);
    if (this.#mode !== 'auto' || !this.#obs.connected) return;
    const now = this.#now();
    const wanted = this.#rules.wanted(now);
    const wakeAt: number[] = [];
    const expiry = this.#rules.nextExpiry(now);
    if (expiry !== null) wakeAt.push(expiry);
    if (wanted.scene !== this.#program && this.#scenes.includes(wanted.scene)) {
      const dwellEnds = this.#lastSwitchAt + this.#config.minDwellSeconds * 1000;
      if (ignoreDwell || now >= dwellEnds) await this.#switchFor(wanted, cause);
      else wakeAt.push(dwellEnds);
    }
    if (wakeAt.length > 0) this.#wake = setTimeout(() => this.#evaluate('rule'), Math.max(0, Math.min(...wakeAt) - this.#now()));
  }

  async #switchFor(wanted: Wanted, cause: Extract<SwitchCause, 'rule' | 'reconnect'>): Promise<void> {
    if (wanted.scene === this.#program) return;
    // No rule wants anything: the default is back (or, on reconnect, simply what should be live).
    await this.#switch(wanted.scene, wanted.rule || cause === 'reconnect' ? cause : 'default', {
      ...(wanted.rule ? { rule: wanted.rule.label } : {}),
      ...(wanted.trigger ?? {}),
    });
  }

  async #switch(scene: string, cause: SwitchCause, extra: Partial<DirectorLogEntry>): Promise<void> {
    this.#inFlight = { scene, cause, extra };
    try {
      if (this.#studioMode) {
        // Studio mode: stage it in preview, then take the transition, as an operator would.
        await this.#obs.call('SetCurrentPreviewScene', { sceneName: scene });
        await this.#obs.call('TriggerStudioModeTransition');
      } else {
        await this.#obs.call('SetCurrentProgramScene', { sceneName: scene });
      }
    } catch (err) {
      if (this.#inFlight?.scene === scene) this.#inFlight = null;
      // A frozen OBS may still carry the request out when it wakes.
      this.#late = err instanceof ObsTimeoutError ? scene : null;
      this.#log.warn({ scene, cause, err: (err as Error).message }, 'scene switch failed');
      throw err;
    }
    if (this.#inFlight?.scene === scene) this.#confirm();
  }

  /** Our switch is on air: the program, the log and the screens follow. */
  #confirm(): void {
    const done = this.#inFlight;
    if (!done) return;
    this.#inFlight = null;
    this.#late = null;
    this.#program = done.scene;
    this.#lastSwitchAt = this.#now();
    this.#journal.append({ at: this.#lastSwitchAt, scene: done.scene, cause: done.cause, ...done.extra });
    this.#publish();
  }

  /** The scene state every screen shows: program, OBS link and mode. */
  #publish(): void {
    const scene = { program: this.#program, obs: this.#obs.connected ? ('connected' as const) : ('disconnected' as const), mode: this.#mode };
    this.#board.setScene(scene).catch((err: unknown) => this.#log.warn({ err: (err as Error).message }, 'could not publish the scene state'));
  }

  /** One switch at a time, in order: two events in a row must not race in OBS. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
