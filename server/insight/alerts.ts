import type { Alert, AlertCode, AlertParams, ProductionFigures } from '../../shared/schemas/insight.js';
import type { Board } from '../board/board.js';
import type { Director } from '../director/director.js';
import type { Logger } from '../log.js';
import type { Leases } from '../state/leases.js';
import type { ScreenRegistry } from '../screens/registry.js';
import type { FloorWatch } from '../staff/floor-watch.js';
import type { AlertText } from './alert-text.js';
import { OutputDrops, producing } from './output-drops.js';
import type { Webhook, WebhookPost } from './webhook.js';

export interface AlertThresholds {
  oldestQueuedMinutes: number;
  screenOfflineMinutes: number;
}

export interface AlertDeps {
  board: Board;
  floor: FloorWatch;
  screens: ScreenRegistry;
  director: Director | undefined;
  figures: () => ProductionFigures;
  thresholds: AlertThresholds;
  webhook: Webhook | undefined;
  log: Logger;
  /** Words for alerts: the webhook's message in the store's language, the log's in English. */
  text: AlertText;
  /** Only the hub holding the lease posts to the webhook, so N hubs send one post. */
  leases: Leases;
  hubId: string;
  now?: () => number;
}

/** Kept as `batchboard:alerts:leader` on Redis (the key hubs before the state seam used). */
const LEASE_NAME = 'alerts:leader';
const LEASE_MS = 15_000;
const CHECK_MS = 1_000;
const CHANGE_CHECK_MS = 100;
const SCREENS_EVERY_MS = 2_000;

/**
 * Watches the thresholds and raises an alert once when a condition starts,
 * clears it once when it ends: in the log, on the console, and to the
 * webhook. Conditions are checked every second and on every board change.
 */
export class Alerts {
  #deps: AlertDeps;
  #now: () => number;
  #active = new Map<string, Alert>();
  #timer: NodeJS.Timeout | undefined;
  #soon: NodeJS.Timeout | undefined;
  #screens: { at: number; list: Awaited<ReturnType<ScreenRegistry['list']>> } = { at: 0, list: [] };
  #checking = false;
  #again = false;
  #leaseCheckedAt = 0;
  #leader = false;
  #listeners = new Set<() => void>();
  #startedAt: number;
  #drops = new OutputDrops();

  constructor(deps: AlertDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#startedAt = this.#now();
  }

  start(): void {
    // Machine readings change the board many times a second: one check per burst, soon after it, is enough.
    this.#deps.board.on('change', () => {
      this.#soon ??= setTimeout(() => {
        this.#soon = undefined;
        void this.check();
      }, CHANGE_CHECK_MS);
    });
    this.#timer = setInterval(() => void this.check(), CHECK_MS);
    this.#timer.unref();
  }

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  active(): Alert[] {
    return [...this.#active.values()].sort((a, b) => a.since - b.since);
  }

  async check(): Promise<void> {
    if (this.#checking) {
      this.#again = true;
      return;
    }
    this.#checking = true;
    try {
      const now = this.#now();
      const wanted = await this.#conditions(now);
      let changed = false;
      for (const [key, alert] of wanted) {
        if (this.#active.has(key)) continue;
        this.#active.set(key, alert);
        changed = true;
        this.#deps.log.warn({ alert: key, kind: alert.code }, this.#deps.text.forLog(alert.code, alert.params));
        await this.#notify('raised', alert, now);
      }
      for (const [key, alert] of this.#active) {
        if (wanted.has(key)) continue;
        this.#active.delete(key);
        changed = true;
        this.#deps.log.info({ alert: key, kind: alert.code }, 'alert cleared');
        await this.#notify('cleared', alert, now);
      }
      if (changed) for (const l of this.#listeners) l();
    } catch (err) {
      this.#deps.log.warn({ err: (err as Error).message }, 'alert check failed');
    } finally {
      this.#checking = false;
      if (this.#again) {
        this.#again = false;
        void this.check();
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#soon);
    this.#listeners.clear();
  }

  async #conditions(now: number): Promise<Map<string, Alert>> {
    const out = new Map<string, Alert>();
    const add = <C extends AlertCode>(code: C, id: string, params: AlertParams[C], since: number) => {
      const key = `${code}:${id}`;
      // The alert as first raised stays as it was (its since, its params) until it clears. Asserted: TypeScript
      // cannot tie a generic code to its params within the union, though the signature above does.
      out.set(key, this.#active.get(key) ?? ({ key, code, params, since } as Alert));
    };
    for (const late of this.#deps.floor.late()) add('order_late', late.id, { order: late.id, number: late.number }, late.dueAt);
    const oldest = this.#deps.figures().queue.oldestAgeSeconds;
    const minutes = this.#deps.thresholds.oldestQueuedMinutes;
    const limit = minutes * 60;
    if (oldest !== null && oldest > limit) add('queue_old', 'queue', { minutes }, now - oldest * 1000 + limit * 1000);
    for (const m of this.#deps.board.snapshot().machines) {
      if (m.state === 'fault') add('machine_fault', m.id, { machine: m.id, name: m.name ?? m.id }, m.updatedAt);
    }
    const offlineMs = this.#deps.thresholds.screenOfflineMinutes * 60_000;
    // The screen list lives in Redis; minutes-long thresholds do not need it more than every few seconds.
    if (now - this.#screens.at >= SCREENS_EVERY_MS) {
      // While Redis is away, judge the screens on what was last known rather than log a failure a second.
      const list = await this.#deps.screens.list().catch(() => this.#screens.list);
      this.#screens = { at: now, list };
    }
    for (const s of this.#screens.list) {
      // Never seen (since this hub started, embedded): offline from when it was added, or from this start.
      const since = s.lastSeen ?? Math.max(s.addedAt, this.#startedAt);
      if (!s.online && now - since >= offlineMs)
        add('screen_offline', s.name, { screen: s.name, minutes: this.#deps.thresholds.screenOfflineMinutes }, since + offlineMs);
    }
    const director = this.#deps.director;
    const dropped = this.#drops.check((output) => director?.health.lostSince(output) ?? null, producing(this.#deps.board.snapshot()));
    for (const [output, since] of dropped) add('stream_dropped', output, { output }, since);
    // While production runs, a stream lost with OBS is stream_dropped's alone: one alert for one event.
    const obs = director?.status();
    // After the same grace as stream_dropped (a blink of the link is no loss), so the two never both fire for one event.
    const streamLost = director?.health.lostSince('stream') ?? null;
    if (obs && obs.obs === 'disconnected' && obs.streaming && streamLost !== null && !dropped.has('stream')) add('obs_down_while_streaming', 'obs', {}, now);
    return out;
  }

  async #notify(state: 'raised' | 'cleared', alert: Alert, now: number): Promise<void> {
    const hook = this.#deps.webhook;
    if (!hook || !(await this.#isLeader(now))) return;
    const { key, code, params, since } = alert;
    // Asserted for the same reason: `code` and `params` come from one alert, so they match.
    hook.send({ state, at: now, alert: key, kind: code, code, params, message: this.#deps.text.forStore(code, params), since } as WebhookPost);
  }

  async #isLeader(now: number): Promise<boolean> {
    if (now - this.#leaseCheckedAt < LEASE_MS / 3) return this.#leader;
    this.#leaseCheckedAt = now;
    try {
      this.#leader = await this.#deps.leases.hold(LEASE_NAME, this.#deps.hubId, LEASE_MS);
    } catch {
      this.#leader = false;
    }
    return this.#leader;
  }
}
