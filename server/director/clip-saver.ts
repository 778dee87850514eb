import { randomUUID } from 'node:crypto';
import { HIGHLIGHT_MAX_ORDERS, type Highlight } from '../../shared/schemas/director.js';
import type { Logger } from '../log.js';
import type { Highlights } from './highlights.js';
import { ObsUnavailableError, type ObsController } from './obs-controller.js';
import type { ReplayBuffer } from './replay-buffer.js';

export class ReplayBufferOffError extends Error {
  readonly code = 'replay_buffer_off';
}

/** As many saves wait as may: a request now would be dropped, so it is refused (try again shortly). */
export class ClipsQueuedError extends Error {
  readonly code = 'rate_limited';
  readonly retryAfterSeconds = 5;
}

/** Why a clip is saved: everything of a Highlight but what the save itself tells. */
export type ClipCause = Omit<Highlight, 'id' | 'at' | 'scene' | 'file' | 'durationSeconds' | 'thumbnail'>;

/** Requests whose save times fall this close together are one save: one clip holds them all. */
const COALESCE_MS = 3_000;
/** Saves waiting at once; beyond it a request is dropped (a flapping machine must not queue saves without end). */
const MAX_PENDING = 20;
/** Causes one save keeps (its orders are capped at 50 too); more merged into it are counted, not kept. */
const MAX_CAUSES = 50;
/** OBS answers a save with its event within a second; a save not reported within this is given up. */
const SAVED_TIMEOUT_MS = 10_000;
/** The thumbnail: wide enough for the console's list, small enough to hold a day of them. */
const THUMBNAIL_WIDTH = 480;

interface Pending {
  saveAt: number;
  /** The first request's save time: a save moves at most COALESCE_MS past it, so a flapping machine cannot put it off for ever. */
  firstSaveAt: number;
  timer: NodeJS.Timeout | undefined;
  causes: ClipCause[];
}

/**
 * Saves OBS's replay buffer when a clip is asked for (a rule with `clip` firing, staff's "Clip that", the API),
 * `afterSeconds` later so the clip holds the moment and what follows, and records the highlight: the file OBS
 * wrote, the program then and a thumbnail of it. Saves run one at a time (OBS's saved event names no request).
 */
export class ClipSaver {
  #obs: ObsController;
  #buffer: ReplayBuffer;
  #highlights: Highlights;
  #log: Logger;
  #now: () => number;
  #pending: Pending[] = [];
  #chain: Promise<void> = Promise.resolve();
  #closed = false;
  /** When the save under way started, while one is. */
  #savingSince: number | null = null;

  constructor(deps: { obs: ObsController; buffer: ReplayBuffer; highlights: Highlights; log: Logger; now?: () => number }) {
    this.#obs = deps.obs;
    this.#buffer = deps.buffer;
    this.#highlights = deps.highlights;
    this.#log = deps.log;
    this.#now = deps.now ?? Date.now;
  }

  /** Staff or the API: refused at once when no clip could be saved. */
  request(cause: ClipCause, afterSeconds: number): { saveAt: number } {
    if (!this.#obs.connected) throw new ObsUnavailableError('OBS is not connected');
    if (!this.#buffer.status().active)
      throw new ReplayBufferOffError('the replay buffer is not running (director.replayBuffer, or OBS neither streams nor records)');
    const saveAt = this.#now() + afterSeconds * 1000;
    if (this.#pending.length >= MAX_PENDING && !this.#near(saveAt)) throw new ClipsQueuedError(`${MAX_PENDING} clips are already waiting to be saved`);
    return this.#schedule(cause, saveAt);
  }

  /** By when every clip asked for so far should be saved (or given up); null when none is due. */
  busyUntil(): number | null {
    const due = this.#pending.map((p) => p.saveAt + SAVED_TIMEOUT_MS);
    if (this.#savingSince !== null) due.push(this.#savingSince + SAVED_TIMEOUT_MS);
    return due.length > 0 ? Math.max(...due) : null;
  }

  /** A rule with `clip` fired (at `at`, which may lie ahead): saved if the buffer runs then. */
  fired(cause: ClipCause, at: number, afterSeconds: number): void {
    this.#schedule(cause, at + afterSeconds * 1000);
  }

  /** Drops the requests `gone` names from the saves still waiting (a run cancelled before its `run_finishing` moment). */
  forget(gone: (cause: ClipCause) => boolean): void {
    for (const p of this.#pending) {
      const kept = p.causes.filter((c) => !gone(c));
      if (kept.length === p.causes.length) continue;
      this.#log.info({ dropped: p.causes.length - kept.length, saveAt: p.saveAt }, 'clip request withdrawn: its moment will not come');
      p.causes = kept;
      if (kept.length === 0) clearTimeout(p.timer);
    }
    this.#pending = this.#pending.filter((p) => p.causes.length > 0);
  }

  close(): void {
    this.#closed = true;
    for (const p of this.#pending) clearTimeout(p.timer);
    this.#pending = [];
  }

  #schedule(cause: ClipCause, saveAt: number): { saveAt: number } {
    const near = this.#near(saveAt);
    if (near) {
      if (near.causes.length < MAX_CAUSES) near.causes.push(cause);
      if (saveAt > near.saveAt) this.#arm(near, saveAt);
      this.#log.info(
        { saveAt: near.saveAt, causes: near.causes.length, rule: cause.rule, cause: cause.cause },
        'clip request merged into a save due within 3 s',
      );
      return { saveAt: near.saveAt };
    }
    if (this.#pending.length >= MAX_PENDING) {
      this.#log.warn({ pending: this.#pending.length, rule: cause.rule }, 'too many clips waiting to be saved; this one is dropped');
      return { saveAt };
    }
    const pending: Pending = { saveAt, firstSaveAt: saveAt, timer: undefined, causes: [cause] };
    this.#pending.push(pending);
    this.#arm(pending, saveAt);
    return { saveAt };
  }

  #near(saveAt: number): Pending | undefined {
    return this.#pending.find((p) => Math.abs(p.firstSaveAt - saveAt) <= COALESCE_MS);
  }

  #arm(p: Pending, saveAt: number): void {
    clearTimeout(p.timer);
    p.saveAt = saveAt;
    p.timer = setTimeout(
      () => {
        this.#pending = this.#pending.filter((x) => x !== p);
        this.#chain = this.#chain
          .then(() => this.#save(p.causes))
          .catch((err: unknown) => this.#log.warn({ err: (err as Error).message }, 'clip not saved'))
          .finally(() => (this.#savingSince = null));
      },
      Math.max(0, saveAt - this.#now()),
    );
  }

  async #save(causes: ClipCause[]): Promise<void> {
    const [first] = causes;
    if (!first || this.#closed) return;
    if (!this.#obs.connected || !this.#buffer.status().active) {
      this.#log.info({ rule: first.rule, cause: first.cause }, 'no clip: the replay buffer is not running');
      return;
    }
    this.#savingSince = this.#now();
    const savedPath = await this.#saveReplay();
    const at = this.#now();
    const scene = await this.#obs
      .call('GetCurrentProgramScene')
      .then((r) => r.currentProgramSceneName)
      .catch(() => null);
    const thumbnail = scene ? await this.#screenshot(scene) : undefined;
    const orders = [...new Set(causes.flatMap((c) => c.orders))].slice(0, HIGHLIGHT_MAX_ORDERS);
    const highlight: Highlight = {
      ...first,
      id: randomUUID(),
      at,
      orders,
      scene,
      file: baseName(savedPath),
      durationSeconds: this.#buffer.clipSeconds(),
      thumbnail: thumbnail !== undefined,
    };
    this.#log.info({ file: highlight.file, cause: highlight.cause, rule: highlight.rule, merged: causes.length }, 'highlight saved');
    // The hub closed while OBS was saving: the event log may be gone; the file stays in OBS's folder.
    if (this.#closed) return;
    this.#highlights.add(highlight, savedPath, thumbnail);
  }

  /** SaveReplayBuffer, and the path OBS's ReplayBufferSaved event names: bounded, and given up when OBS goes. */
  #saveReplay(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#obs.off('replayBufferSaved', onSaved);
        this.#obs.off('disconnected', onGone);
      };
      const onSaved = (path: string) => {
        done();
        resolve(path);
      };
      const onGone = () => {
        done();
        reject(new ObsUnavailableError('OBS went away while saving a clip'));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`OBS reported no saved replay within ${SAVED_TIMEOUT_MS} ms`));
      }, SAVED_TIMEOUT_MS);
      this.#obs.on('replayBufferSaved', onSaved);
      this.#obs.on('disconnected', onGone);
      this.#obs.call('SaveReplayBuffer').catch((err: unknown) => {
        done();
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  async #screenshot(scene: string): Promise<Buffer | undefined> {
    try {
      return await this.#obs.screenshot(scene, THUMBNAIL_WIDTH);
    } catch (err) {
      this.#log.warn({ err: (err as Error).message, scene }, 'no thumbnail for a highlight');
      return undefined;
    }
  }
}

/** The file name of a path OBS reports, from Windows as from Linux or macOS. */
function baseName(savedPath: string): string {
  return savedPath.split(/[\\/]/).pop() ?? savedPath;
}
