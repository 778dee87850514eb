import type { OBSResponseTypes } from 'obs-websocket-js/json';
import type { ObsOutput, RecordOutputHealth, StreamHealthReport, StreamOutputHealth } from '../../shared/schemas/stream-health.js';
import type { ObsController } from './obs-controller.js';

/** Consoles ask every 2 s; OBS is asked at most once per this, whatever their number (as the thumbnail). */
const MAX_AGE_MS = 1_500;
/**
 * The hub's link to OBS dropping is not OBS's output dropping (a restarted websocket server, a network blip):
 * an output is taken as lost with OBS only once OBS has stayed away this long; back with it live, nothing was lost.
 */
export const DISCONNECT_GRACE_MS = 5_000;

/** obs-websocket's `outputState` values (StreamStateChanged, RecordStateChanged). */
const ON_STATES = new Set(['OBS_WEBSOCKET_OUTPUT_STARTED', 'OBS_WEBSOCKET_OUTPUT_RESUMED', 'OBS_WEBSOCKET_OUTPUT_RECONNECTED', 'OBS_WEBSOCKET_OUTPUT_PAUSED']);
const RECONNECTING = 'OBS_WEBSOCKET_OUTPUT_RECONNECTING';
const STOPPING = 'OBS_WEBSOCKET_OUTPUT_STOPPING';
const STOPPED = 'OBS_WEBSOCKET_OUTPUT_STOPPED';

const STREAM_OFF: StreamOutputHealth = {
  active: false,
  reconnecting: false,
  durationMs: null,
  congestion: null,
  bytes: null,
  skippedFrames: null,
  totalFrames: null,
};
const RECORD_OFF: RecordOutputHealth = { active: false, paused: false, durationMs: null, bytes: null };

interface Output {
  /** OBS runs it: live, paused or reconnecting. Only then is OBS asked about it. */
  on: boolean;
  /** Someone stopped it (OBS said STOPPING first): its end is no loss. */
  stopping: boolean;
  /** When it was lost (OBS gone, or the output dropped without being stopped); null while live or stopped on purpose. */
  lostAt: number | null;
  /** Lost only in that OBS went away: it counts after DISCONNECT_GRACE_MS. */
  withObs: boolean;
}

/**
 * The stream's and the recording's health, and whether either was lost. Which output is on is known from
 * OBS's events and the director's read at (re)connect, so OBS is asked for figures only while one is on
 * and a console asks: never while both are off, however many consoles look.
 */
export class StreamHealth {
  #obs: ObsController;
  #now: () => number;
  #out: Record<ObsOutput, Output> = {
    stream: { on: false, stopping: false, lostAt: null, withObs: false },
    record: { on: false, stopping: false, lostAt: null, withObs: false },
  };
  #sample: { at: number; report: Promise<StreamHealthReport> } | undefined;
  /** Outputs OBS reported a change of since the last (re)connect: newer than the director's read, which loses to them. */
  #changedSinceConnect = new Set<ObsOutput>();
  /** The hub is shutting down: its own goodbye to OBS loses nothing. */
  #closed = false;
  #liveListeners: ((live: boolean) => void)[] = [];
  /** Whether the listeners have heard the stream's state since this hub started: its first read is told even unchanged. */
  #liveTold = false;

  constructor(obs: ObsController, now: () => number = Date.now) {
    this.#obs = obs;
    this.#now = now;
    obs.on('connected', () => this.#changedSinceConnect.clear());
    obs.on('disconnected', () => {
      if (this.#closed) return;
      const wasLive = this.#out.stream.on;
      // What was on when OBS went is lost, until OBS says it is on again.
      for (const o of Object.values(this.#out))
        if (o.on) Object.assign(o, { on: false, stopping: false, withObs: o.lostAt === null, lostAt: o.lostAt ?? this.#now() });
      this.#sample = undefined;
      this.#tellLive(wasLive);
    });
    obs.on('streamChanged', (_active, state) => this.#changed('stream', state));
    obs.on('recordChanged', (_active, state) => this.#changed('record', state));
  }

  /** `listener` hears the stream go live and stop (as this knows it: OBS gone counts as stopped until it says otherwise). */
  onStreamLive(listener: (live: boolean) => void): void {
    this.#liveListeners.push(listener);
  }

  /** Tells a change; `first` also tells the first read after start unchanged (a stream that stopped while no hub ran). */
  #tellLive(wasLive: boolean, first = false): void {
    const live = this.#out.stream.on;
    if (live === wasLive && !(first && !this.#liveTold)) return;
    this.#liveTold = true;
    for (const listener of this.#liveListeners) listener(live);
  }

  /** The director's read of both outputs right after (re)connecting: from then on their state is known. */
  connectedWith(stream: { outputActive: boolean }, record: { outputActive: boolean }): void {
    const wasLive = this.#out.stream.on;
    for (const [name, active] of [['stream', stream.outputActive] as const, ['record', record.outputActive] as const]) {
      // Someone started (or stopped) it while the director was still reading: OBS's event is the later word.
      if (this.#changedSinceConnect.has(name)) continue;
      const o = this.#out[name];
      Object.assign(o, { on: active, stopping: false, lostAt: active ? null : o.lostAt, withObs: active ? false : o.withObs });
    }
    this.#sample = undefined;
    this.#tellLive(wasLive, true);
  }

  /**
   * Before the director lets go of OBS on shutdown: that disconnect is no loss to alert on. A stream still live is
   * told as off: this hub stops knowing, and a hub started later says again what OBS says then (the event log must
   * not hold a stream live through the hours no hub watched).
   */
  close(): void {
    this.#closed = true;
    if (this.#out.stream.on) for (const listener of this.#liveListeners) listener(false);
  }

  /** Since when `output` is lost (it was on and went without anyone stopping it); null if it is not. */
  lostSince(output: ObsOutput): number | null {
    const o = this.#out[output];
    if (o.lostAt !== null && o.withObs && this.#now() - o.lostAt < DISCONNECT_GRACE_MS) return null;
    return o.lostAt;
  }

  /** The health the consoles show: from OBS while an output is on, at most one call per output per MAX_AGE_MS. */
  read(): Promise<StreamHealthReport> {
    const now = this.#now();
    if (this.#sample && now - this.#sample.at < MAX_AGE_MS) return this.#sample.report;
    const { stream, record } = this.#out;
    const obs = this.#obs.connected ? ('connected' as const) : ('disconnected' as const);
    if (obs === 'disconnected' || (!stream.on && !record.on)) return Promise.resolve({ obs, stream: STREAM_OFF, record: RECORD_OFF, at: now });
    const report = Promise.all([
      stream.on ? this.#obs.call('GetStreamStatus').then(streamHealth) : STREAM_OFF,
      record.on ? this.#obs.call('GetRecordStatus').then(recordHealth) : RECORD_OFF,
    ]).then(([s, r]) => ({ obs, stream: s, record: r, at: now }));
    this.#sample = { at: now, report };
    report.catch(() => (this.#sample = undefined));
    return report;
  }

  #changed(output: ObsOutput, state: string): void {
    const wasLive = this.#out.stream.on;
    this.#changedState(output, state);
    this.#tellLive(wasLive);
  }

  #changedState(output: ObsOutput, state: string): void {
    const o = this.#out[output];
    this.#sample = undefined;
    this.#changedSinceConnect.add(output);
    if (ON_STATES.has(state)) Object.assign(o, { on: true, stopping: false, lostAt: null, withObs: false });
    else if (state === RECONNECTING) Object.assign(o, { on: true, withObs: false, lostAt: o.lostAt ?? this.#now() });
    else if (state === STOPPING) o.stopping = true;
    else if (state === STOPPED) {
      // Stopped by someone: whatever was lost is over. Ended by itself (an error, a reconnect given up): lost.
      const lostAt = o.stopping ? null : o.on ? (o.lostAt ?? this.#now()) : o.lostAt;
      Object.assign(o, { on: false, stopping: false, lostAt, withObs: lostAt !== null && o.withObs && !o.on });
    }
  }
}

function streamHealth(s: OBSResponseTypes['GetStreamStatus']): StreamOutputHealth {
  return {
    active: s.outputActive,
    reconnecting: s.outputReconnecting,
    durationMs: s.outputDuration,
    congestion: s.outputCongestion,
    bytes: s.outputBytes,
    skippedFrames: s.outputSkippedFrames,
    totalFrames: s.outputTotalFrames,
  };
}

function recordHealth(r: OBSResponseTypes['GetRecordStatus']): RecordOutputHealth {
  return { active: r.outputActive, paused: r.outputPaused, durationMs: r.outputDuration, bytes: r.outputBytes };
}
