import type { Highlight } from '../../shared/schemas/director.js';
import { dayStart, type TimeZone } from '../../shared/store-time.js';
import type { Logger } from '../log.js';
import type { EventLog } from '../state/event-log.js';

/** Highlights held in memory: today's, at most this many (a day of a busy pop-up has a few dozen). */
export const MAX_HIGHLIGHTS = 500;
/** Thumbnails held in memory, in bytes all together (a 480 px JPEG is ~10–30 KB): the oldest go first. */
export const MAX_THUMBNAIL_BYTES = 16 * 1024 * 1024;

interface Held {
  highlight: Highlight;
  /** Where OBS saved the clip (on its computer; the hub serves it when it can read it). Never from a request; null when not known. */
  path: string | null;
}

/**
 * Today's highlights (the store's day), newest last, with their thumbnails and the paths OBS saved them at.
 * Each is also a `highlight` entry of the event log, which is how a restarted hub reads the day back
 * (without the thumbnails of the process before: those were only in its memory).
 */
export class Highlights {
  #events: EventLog;
  #log: Logger;
  #timeZone: TimeZone;
  #now: () => number;
  #held: Held[] = [];
  #thumbs = new Map<string, Buffer>();
  #thumbBytes = 0;
  #listeners: ((h: Highlight) => void)[] = [];

  constructor(deps: { events: EventLog; log: Logger; timeZone: TimeZone; now?: () => number }) {
    this.#events = deps.events;
    this.#log = deps.log;
    this.#timeZone = deps.timeZone;
    this.#now = deps.now ?? Date.now;
  }

  /** Today's highlights from the event log, before this hub saves any. */
  async load(): Promise<void> {
    const now = this.#now();
    const read: Held[] = [];
    try {
      for await (const page of this.#events.pages(dayStart(now, this.#timeZone), now)) {
        for (const e of page) if (e.type === 'highlight') read.push({ highlight: { ...e.highlight, thumbnail: false }, path: e.path ?? null });
      }
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, "could not read today's highlights from the event log");
      return;
    }
    this.#held = [...read.slice(-MAX_HIGHLIGHTS), ...this.#held];
    if (read.length > 0) this.#log.info({ highlights: read.length }, "today's highlights read from the event log");
  }

  onAdded(listener: (h: Highlight) => void): void {
    this.#listeners.push(listener);
  }

  add(highlight: Highlight, savedPath: string, thumbnail: Buffer | undefined): void {
    this.#prune();
    this.#held.push({ highlight, path: savedPath });
    if (this.#held.length > MAX_HIGHLIGHTS) for (const gone of this.#held.splice(0, this.#held.length - MAX_HIGHLIGHTS)) this.#dropThumb(gone.highlight.id);
    if (thumbnail) this.#keepThumb(highlight.id, thumbnail);
    // The clip exists whether or not the log takes it: a store that is down costs the log line, not the highlight.
    this.#events.append({ type: 'highlight', at: highlight.at, highlight, path: savedPath }).catch((err: unknown) => {
      this.#log.error({ err: (err as Error).message, file: highlight.file }, 'could not log a highlight');
    });
    for (const listener of this.#listeners) listener(highlight);
  }

  /** Today's, newest first. */
  today(): Highlight[] {
    this.#prune();
    return this.#held.map((h) => ({ ...h.highlight, thumbnail: this.#thumbs.has(h.highlight.id) })).reverse();
  }

  count(): number {
    this.#prune();
    return this.#held.length;
  }

  thumbnail(id: string): Buffer | undefined {
    return this.#thumbs.get(id);
  }

  /**
   * The path OBS saved today's clip `name` at: undefined when no highlight of today is that file, null when one
   * is but its path is not known (an older log entry): never a guess relative to the hub's own folder.
   */
  pathOf(name: string): string | null | undefined {
    this.#prune();
    return this.#held.findLast((h) => h.highlight.file === name)?.path;
  }

  /** Yesterday's go at the store's midnight. */
  #prune(): void {
    const from = dayStart(this.#now(), this.#timeZone);
    const old = this.#held.findIndex((h) => h.highlight.at >= from);
    const cut = old === -1 ? this.#held.length : old;
    if (cut === 0) return;
    for (const gone of this.#held.splice(0, cut)) this.#dropThumb(gone.highlight.id);
  }

  #keepThumb(id: string, jpeg: Buffer): void {
    this.#thumbs.set(id, jpeg);
    this.#thumbBytes += jpeg.length;
    // A Map keeps insertion order: the oldest thumbnails go first.
    for (const [oldId, old] of this.#thumbs) {
      if (this.#thumbBytes <= MAX_THUMBNAIL_BYTES) break;
      this.#thumbs.delete(oldId);
      this.#thumbBytes -= old.length;
    }
  }

  #dropThumb(id: string): void {
    const jpeg = this.#thumbs.get(id);
    if (!jpeg) return;
    this.#thumbs.delete(id);
    this.#thumbBytes -= jpeg.length;
  }
}
