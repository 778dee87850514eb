import { EventEmitter } from 'node:events';
import { OBSWebSocket, OBSWebSocketError, type OBSEventTypes, type OBSRequestTypes, type OBSResponseTypes } from 'obs-websocket-js/json';
import type { Logger } from '../log.js';

export class ObsUnavailableError extends Error {
  readonly code = 'obs_unavailable';
}
export class ObsTimeoutError extends Error {
  readonly code = 'obs_timeout';
  constructor(
    readonly request: string,
    readonly timeoutMs: number,
  ) {
    super(`OBS did not answer ${request} within ${timeoutMs} ms`);
  }
}
export class ObsRequestError extends Error {
  readonly code = 'obs_error';
  constructor(
    readonly request: string,
    detail: string,
    /** obs-websocket's request status (604: the replay buffer is not in OBS's profile). */
    readonly status?: number,
  ) {
    super(`OBS refused ${request}: ${detail}`);
  }
}

/** obs-websocket's request status for an output the profile does not have (the replay buffer without `RecRB=true`). */
export const OBS_OUTPUT_NOT_AVAILABLE = 604;

export interface ObsControllerOptions {
  url: string;
  password: string | undefined;
  /** Every call settles within this (OBS frozen, network gone). */
  callTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Reconnect delays grow from min to max, with jitter. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

interface ControllerEvents {
  connected: [];
  disconnected: [];
  programChanged: [scene: string];
  studioModeChanged: [enabled: boolean];
  /** `state`: obs-websocket's outputState (STARTED, RECONNECTING, STOPPING, STOPPED…), for the stream's health. */
  streamChanged: [active: boolean, state: string];
  recordChanged: [active: boolean, state: string];
  /** The replay buffer has started or stopped (not its in-between states). */
  replayBufferChanged: [active: boolean];
  /** OBS wrote a replay to this path (on its own computer). */
  replayBufferSaved: [path: string];
  scenesChanged: [];
}

/**
 * The one door to OBS. obs-websocket-js neither reconnects nor settles calls
 * pending when the socket closes; this does both: it reconnects forever with
 * growing, jittered delays, gives every call a timeout, and rejects what is
 * pending the moment the connection drops, so no caller ever hangs on OBS.
 */
export class ObsController extends EventEmitter<ControllerEvents> {
  #obs = new OBSWebSocket();
  #opts: Required<ObsControllerOptions>;
  #log: Logger;
  #connected = false;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;
  #attempt = 0;
  #pending = new Set<(err: Error) => void>();

  constructor(opts: ObsControllerOptions, log: Logger) {
    super();
    this.#opts = { callTimeoutMs: 3_000, connectTimeoutMs: 5_000, minRetryMs: 250, maxRetryMs: 5_000, ...opts };
    this.#log = log;
    this.#obs.on('ConnectionClosed', (err) => this.#closed(err.message));
    this.#obs.on('CurrentProgramSceneChanged', (e: OBSEventTypes['CurrentProgramSceneChanged']) => this.emit('programChanged', e.sceneName));
    this.#obs.on('StudioModeStateChanged', (e) => this.emit('studioModeChanged', e.studioModeEnabled));
    this.#obs.on('StreamStateChanged', (e) => this.emit('streamChanged', e.outputActive, e.outputState));
    this.#obs.on('RecordStateChanged', (e) => this.emit('recordChanged', e.outputActive, e.outputState));
    this.#obs.on('ReplayBufferStateChanged', (e) => {
      if (e.outputState === 'OBS_WEBSOCKET_OUTPUT_STARTED' || e.outputState === 'OBS_WEBSOCKET_OUTPUT_STOPPED')
        this.emit('replayBufferChanged', e.outputActive);
    });
    this.#obs.on('ReplayBufferSaved', (e) => this.emit('replayBufferSaved', e.savedReplayPath));
    for (const event of ['SceneCreated', 'SceneRemoved', 'SceneNameChanged'] as const) this.#obs.on(event, () => this.emit('scenesChanged'));
  }

  get connected(): boolean {
    return this.#connected;
  }

  start(): void {
    this.#stopped = false;
    void this.#connect();
  }

  async call<T extends keyof OBSRequestTypes>(type: T, data?: OBSRequestTypes[T], timeoutMs = this.#opts.callTimeoutMs): Promise<OBSResponseTypes[T]> {
    if (!this.#connected) throw new ObsUnavailableError('OBS is not connected');
    let reject!: (err: Error) => void;
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<never>((_, rej) => {
      reject = rej;
      timer = setTimeout(() => rej(new ObsTimeoutError(type, timeoutMs)), timeoutMs);
    });
    this.#pending.add(reject);
    try {
      return await Promise.race([this.#obs.call(type, data), guard]);
    } catch (err) {
      if (err instanceof OBSWebSocketError) throw new ObsRequestError(type, `${err.message} (code ${err.code})`, err.code);
      throw err;
    } finally {
      clearTimeout(timer);
      this.#pending.delete(reject);
    }
  }

  /** A JPEG of a scene or source as OBS renders it now, `width` pixels wide. */
  async screenshot(sourceName: string, width: number): Promise<Buffer> {
    const shot = await this.call('GetSourceScreenshot', { sourceName, imageFormat: 'jpg', imageWidth: width, imageCompressionQuality: 70 });
    return Buffer.from(shot.imageData.replace(/^data:image\/\w+;base64,/, ''), 'base64');
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    this.#rejectPending('the director is shutting down');
    await this.#obs.disconnect().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      const attempt = this.#obs.connect(this.#opts.url, this.#opts.password, { rpcVersion: 1 });
      const timeout = new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error('connect timed out')), this.#opts.connectTimeoutMs)));
      await Promise.race([attempt, timeout]);
      if (this.#stopped) return void (await this.#obs.disconnect());
      this.#connected = true;
      this.#attempt = 0;
      this.#log.info({ url: this.#opts.url }, 'connected to OBS');
      this.emit('connected');
    } catch (err) {
      if (this.#attempt === 0) this.#log.warn({ url: this.#opts.url, err: (err as Error).message }, 'OBS not reachable; retrying');
      await this.#obs.disconnect().catch(() => undefined);
      this.#schedule();
    } finally {
      clearTimeout(timer);
    }
  }

  #closed(reason: string): void {
    this.#rejectPending(`OBS connection closed: ${reason}`);
    if (!this.#connected) return; // a failed connect attempt also ends in ConnectionClosed
    this.#connected = false;
    this.#log.warn({ reason }, 'lost OBS; reconnecting');
    this.emit('disconnected');
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    clearTimeout(this.#retry);
    const base = Math.min(this.#opts.minRetryMs * 2 ** this.#attempt++, this.#opts.maxRetryMs);
    this.#retry = setTimeout(() => void this.#connect(), base / 2 + Math.random() * (base / 2));
  }

  #rejectPending(message: string): void {
    for (const reject of this.#pending) reject(new ObsUnavailableError(message));
    this.#pending.clear();
  }
}
