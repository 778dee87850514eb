import type { ReplayBufferMode, ReplayBufferStatus } from '../../shared/schemas/director.js';
import type { Logger } from '../log.js';
import { OBS_OUTPUT_NOT_AVAILABLE, ObsRequestError, type ObsController } from './obs-controller.js';

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
        this.#active = on;
        this.#asked = null;
        this.#startedAt = on ? this.#now() : null;
        this.#log.info({ active: on }, on ? 'replay buffer started' : 'replay buffer stopped');
        this.#onChange();
        // OBS may have been told something else meanwhile (the recording stopped while the buffer was starting).
        return this.#apply();
      }),
    );
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
      if (!this.#unavailable(err)) this.#log.warn({ err: (err as Error).message }, 'could not read the replay buffer state after connecting');
      this.#onChange();
      return;
    }
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
    if (this.#mode === 'off' || !this.#available || !this.#obs.connected) return;
    const want = this.#wanted();
    if (want === this.#active || want === this.#asked) return;
    this.#asked = want;
    try {
      await this.#obs.call(want ? 'StartReplayBuffer' : 'StopReplayBuffer');
    } catch (err) {
      this.#asked = null;
      if (!this.#unavailable(err)) this.#log.warn({ err: (err as Error).message, want }, 'could not start or stop the replay buffer');
    }
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
