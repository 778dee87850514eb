import type { ReplayBufferMode, ReplayBufferStatus } from '../../shared/schemas/director.js';
import type { Logger } from '../log.js';
import { OBS_OUTPUT_NOT_AVAILABLE, ObsRequestError, type ObsController } from './obs-controller.js';

const MIN_RETRY_MS = 5_000;
const MAX_RETRY_MS = 5 * 60_000;
/** After the last due save's deadline (clip-saver.ts `busyUntil`), a moment more before the buffer stops. */
const KEEP_AFTER_SAVE_MS = 1_000;

/**
 * Keeps OBS's replay buffer running when highlights can be cut from it: `auto` while OBS streams or records
 * (a buffer encodes all the time, so not while nothing goes out), `always` from the moment OBS connects, `off`
 * never touched. Follows OBS's own events and reads the state again on every reconnect. A profile without the
 * replay buffer (OBS answers 604) is noted once and left alone until OBS reconnects: no retry storm.
 */
export class ReplayBuffer {
  #obs: ObsController;
  #mode: ReplayBufferMode;
  #log: Logger;
  #now: () => number;
  #active = false;
  #available = true;
  #streaming = false;
  #recording = false;
  /** When the buffer last started, as this hub saw it; null when it was already running at connect. */
  #startedAt: number | null = null;
  /** The buffer's length from OBS's profile (`RecRBTime`), seconds; null when unknown. */
  #lengthSeconds: number | null = null;
  /** What we last asked OBS for, until its event says it happened: a burst of stream/record events asks once. */
  #asked: boolean | null = null;
  #chain: Promise<void> = Promise.resolve();
  #loggedUnavailable = false;
  #onChange: () => void;
  /**
   * A buffer that stopped without being asked to (its encoder failed, the disk is full, an operator stopped it),
   * or a start or read that failed, is tried again only after a pause that doubles: never a loop of
   * StartReplayBuffer at OBS in the middle of a show.
   */
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;
  /** Until when a clip still waits to be saved (`keepFor`): `auto` stops the buffer only after it. */
  #keepUntil: () => number | null = () => null;

  constructor(deps: { obs: ObsController; mode: ReplayBufferMode; log: Logger; now?: () => number; onChange?: () => void }) {
    this.#obs = deps.obs;
    this.#mode = deps.mode;
    this.#log = deps.log;
    this.#now = deps.now ?? Date.now;
    this.#onChange = deps.onChange ?? (() => undefined);
  }

  start(): void {
    this.#obs.on('connected', () => this.#serial(() => this.#onConnected()));
    this.#obs.on('disconnected', () => {
      clearTimeout(this.#retry);
      this.#retry = undefined;
      this.#active = false;
      this.#asked = null;
      this.#startedAt = null;
      this.#onChange();
    });
    // Events are taken in the same queue as the reading at connect, after it: a state read a moment before an
    // event never overwrites what the event says.
    this.#obs.on('streamChanged', (on) =>
      this.#serial(() => {
        this.#streaming = on;
        return this.#apply();
      }),
    );
    this.#obs.on('recordChanged', (on) =>
      this.#serial(() => {
        this.#recording = on;
        return this.#apply();
      }),
    );
    this.#obs.on('replayBufferChanged', (on) =>
      this.#serial(() => {
        const unasked = !on && this.#asked !== false && this.#wanted();
        const ranMs = this.#startedAt === null ? 0 : this.#now() - this.#startedAt;
        this.#active = on;
        this.#asked = null;
        this.#startedAt = on ? this.#now() : null;
        this.#log.info({ active: on }, on ? 'replay buffer started' : 'replay buffer stopped');
        this.#onChange();
        if (unasked) {
          // A buffer that ran a good while and then stopped is a new trouble, not the same one again.
          if (ranMs > MAX_RETRY_MS) this.#failures = 0;
          return Promise.resolve(this.#later('the replay buffer stopped by itself or by hand', () => this.#apply()));
        }
        // OBS may have been told something else meanwhile (the recording stopped while the buffer was starting).
        return this.#apply();
      }),
    );
  }

  /** Saves still waiting hold the buffer on: in `auto`, a recording that stops must not take a clip due after it. */
  keepFor(until: () => number | null): void {
    this.#keepUntil = until;
  }

  close(): void {
    clearTimeout(this.#retry);
  }

  status(): ReplayBufferStatus {
    return { mode: this.#mode, active: this.#active && this.#obs.connected, available: this.#available };
  }

  /** How many seconds a clip saved now holds: the buffer's length, capped by how long it has run; null when unknown. */
  clipSeconds(): number | null {
    if (this.#lengthSeconds === null) return null;
    if (this.#startedAt === null) return this.#lengthSeconds;
    return Math.round(Math.min(this.#lengthSeconds, (this.#now() - this.#startedAt) / 1000) * 10) / 10;
  }

  async #onConnected(): Promise<void> {
    this.#asked = null;
    this.#available = true;
    try {
      const [stream, record] = await Promise.all([this.#obs.call('GetStreamStatus'), this.#obs.call('GetRecordStatus')]);
      this.#streaming = stream.outputActive;
      this.#recording = record.outputActive;
      this.#lengthSeconds = await this.#readLength();
      const buffer = await this.#obs.call('GetReplayBufferStatus');
      this.#active = buffer.outputActive === true;
      this.#startedAt = null;
    } catch (err) {
      this.#onChange();
      // Read again later: without it an `always` buffer would not start until OBS reconnects.
      if (!this.#unavailable(err)) this.#later(`could not read the replay buffer state after connecting: ${(err as Error).message}`, () => this.#onConnected());
      return;
    }
    this.#failures = 0;
    this.#onChange();
    await this.#apply();
  }

  /** `RecRBTime` from the output mode the profile uses (Simple or Advanced). */
  async #readLength(): Promise<number | null> {
    try {
      const mode = await this.#obs.call('GetProfileParameter', { parameterCategory: 'Output', parameterName: 'Mode' });
      const category = mode.parameterValue === 'Advanced' ? 'AdvOut' : 'SimpleOutput';
      const time = await this.#obs.call('GetProfileParameter', { parameterCategory: category, parameterName: 'RecRBTime' });
      const seconds = Number(time.parameterValue ?? time.defaultParameterValue);
      return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
    } catch {
      return null;
    }
  }

  #wanted(): boolean {
    return this.#mode === 'always' || (this.#mode === 'auto' && (this.#streaming || this.#recording));
  }

  async #apply(): Promise<void> {
    // A pause under way (a retry, or a clip still due) brings its own #apply when it ends.
    if (this.#mode === 'off' || !this.#available || !this.#obs.connected || this.#retry !== undefined) return;
    const want = this.#wanted();
    if (want === this.#active || want === this.#asked) return;
    const keep = want ? null : this.#keepUntil();
    if (keep !== null && keep > this.#now()) {
      // A clip is due: the buffer stops once it is saved.
      this.#retry = setTimeout(
        () => {
          this.#retry = undefined;
          this.#serial(() => this.#apply());
        },
        keep - this.#now() + KEEP_AFTER_SAVE_MS,
      );
      return;
    }
    this.#asked = want;
    try {
      await this.#obs.call(want ? 'StartReplayBuffer' : 'StopReplayBuffer');
    } catch (err) {
      this.#asked = null;
      if (!this.#unavailable(err)) this.#later(`could not ${want ? 'start' : 'stop'} the replay buffer: ${(err as Error).message}`, () => this.#apply());
    }
  }

  /** Tries `step` again after a pause that doubles with each failure in a row (MIN_RETRY_MS up to MAX_RETRY_MS). */
  #later(why: string, step: () => Promise<void>): void {
    const delay = Math.min(MIN_RETRY_MS * 2 ** this.#failures++, MAX_RETRY_MS);
    this.#log.warn({ retryInMs: delay }, why);
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#serial(step);
    }, delay);
  }

  /** True when OBS said its profile has no replay buffer: noted (and logged once), not retried until OBS reconnects. */
  #unavailable(err: unknown): boolean {
    if (!(err instanceof ObsRequestError) || err.status !== OBS_OUTPUT_NOT_AVAILABLE) return false;
    this.#available = false;
    this.#active = false;
    if (!this.#loggedUnavailable) {
      this.#loggedUnavailable = true;
      this.#log.warn('OBS has no replay buffer (set RecRB=true in its profile, see docs/obs.md): no highlight clips');
    }
    this.#onChange();
    return true;
  }

  #serial(fn: () => Promise<void>): void {
    this.#chain = this.#chain.then(fn).catch((err: unknown) => this.#log.warn({ err: (err as Error).message }, 'replay buffer step failed'));
  }
}
