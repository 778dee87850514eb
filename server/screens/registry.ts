import type { ScreenInfo, ScreenQuery, ScreenSeen } from '../../shared/schemas/display.js';
import type { Logger } from '../log.js';
import type { ScreenTable } from '../state/screen-table.js';

/** A hub refreshes its screens this often; one not refreshed for 3 periods counts as offline (its hub died). */
export const SCREEN_REFRESH_MS = 30_000;
/** How soon a name added (or removed) on another hub takes effect here. */
const NAMES_REFRESH_MS = 5_000;
/** Screens staff may add: far more than a store has, few enough that the list stays one small read. */
export const MAX_SCREENS = 500;

export type AddScreenResult = 'added' | 'exists' | 'full';

/** A name that sockets on this hub claim now, whether or not staff added it. */
interface Claim {
  connections: number;
  seen: ScreenSeen;
}

/**
 * The screens staff added (console or API), with what was last seen of each: which hub holds it,
 * online or not, its app version and station. Shared by every hub through Redis (or kept by the one
 * embedded hub). A screen that says a name nobody added (`?screen=…`) gets the board like any
 * screen, as an anonymous one: it is neither listed nor alerted on, and leaves nothing stored, so a
 * stranger inventing names cannot grow the list or fire alerts. Best-effort: a registry write that
 * fails never touches a screen.
 */
export class ScreenRegistry {
  #table: ScreenTable;
  #hub: string;
  #log: Logger;
  #now: () => number;
  /** Bounded by this hub's sockets: a claim ends with its last connection. */
  #claims = new Map<string, Claim>();
  /** The added names as last read: a screen's connect is never held up by a store read. */
  #added = new Set<string>();
  #timers: NodeJS.Timeout[] = [];
  #listeners = new Set<() => void>();
  #reloads = new Set<(name: string) => void>();

  constructor(table: ScreenTable, hub: string, log: Logger, now: () => number = Date.now) {
    this.#table = table;
    this.#hub = hub;
    this.#log = log;
    this.#now = now;
    void this.#readNames();
    this.#timers.push(
      setInterval(() => {
        for (const claim of this.#claims.values()) if (claim.connections > 0) this.#write({ ...claim.seen, lastSeen: this.#now() });
      }, SCREEN_REFRESH_MS),
      setInterval(() => void this.#readNames(), NAMES_REFRESH_MS),
    );
    for (const t of this.#timers) t.unref();
  }

  /** `appVersion` is what the hub serves; a page that says otherwise in its query wins. */
  connected(name: string, query: ScreenQuery, appVersion: string): void {
    const claim = this.#claims.get(name);
    const seen: ScreenSeen = {
      name,
      hub: this.#hub,
      online: true,
      connections: (claim?.connections ?? 0) + 1,
      lastSeen: this.#now(),
      appVersion: query.version ?? appVersion,
      station: query.station ?? null,
      overlay: query.overlay === '1',
    };
    this.#claims.set(name, { connections: seen.connections, seen });
    this.#write(seen);
  }

  disconnected(name: string): void {
    const claim = this.#claims.get(name);
    if (!claim) return;
    const connections = Math.max(0, claim.connections - 1);
    const seen = { ...claim.seen, connections, online: connections > 0, lastSeen: this.#now() };
    if (connections === 0) this.#claims.delete(name);
    else this.#claims.set(name, { connections, seen });
    this.#write(seen);
  }

  async add(name: string): Promise<AddScreenResult> {
    const added = await this.#table.added();
    if (added.has(name)) return 'exists';
    if (added.size >= MAX_SCREENS) return 'full';
    if (!(await this.#table.add(name, this.#now()))) return 'exists';
    this.#added.add(name);
    // A screen that already shows the board under this name is listed at once.
    const claim = this.#claims.get(name);
    if (claim) this.#write({ ...claim.seen, lastSeen: this.#now() });
    this.#changed();
    return 'added';
  }

  /** Forgets the name and what was seen of it; its screens keep the board, as anonymous ones. */
  async remove(name: string): Promise<boolean> {
    this.#added.delete(name);
    const removed = await this.#table.remove(name);
    if (removed) this.#changed();
    return removed;
  }

  /** Called when the added names change (here, or as read from another hub). */
  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** Staff asked `name` to reload: whoever holds the screens' sockets (the board namespace) does it. */
  reload(name: string): void {
    for (const l of this.#reloads) l(name);
  }

  onReload(listener: (name: string) => void): void {
    this.#reloads.add(listener);
  }

  async list(): Promise<ScreenInfo[]> {
    const now = this.#now();
    const { added, seen } = await this.#table.rows();
    const byName = new Map(seen.map((s) => [s.name, s]));
    return [...added]
      .map(([name, addedAt]): ScreenInfo => {
        const s = byName.get(name);
        if (!s) return { name, addedAt, hub: null, online: false, connections: 0, lastSeen: null, appVersion: null, station: null, overlay: false };
        const stale = s.online && now - s.lastSeen > 3 * SCREEN_REFRESH_MS;
        return { ...s, addedAt, ...(stale ? { online: false, connections: 0 } : {}) };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  close(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#listeners.clear();
    this.#reloads.clear();
  }

  async #readNames(): Promise<void> {
    let names: Map<string, number>;
    try {
      names = await this.#table.added();
    } catch (err) {
      this.#log.debug({ err }, 'screen names could not be read; keeping the last known');
      return;
    }
    const before = this.#added;
    this.#added = new Set(names.keys());
    if (before.size !== this.#added.size || [...before].some((n) => !this.#added.has(n))) this.#changed();
    // Added on another hub while its screen was already here: listed now, not at its next reconnect.
    for (const [name, claim] of this.#claims) if (!before.has(name) && this.#added.has(name)) this.#write({ ...claim.seen, lastSeen: this.#now() });
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }

  #write(seen: ScreenSeen): void {
    if (!this.#added.has(seen.name)) return;
    this.#table.putSeen(seen).catch((err: unknown) => this.#log.debug({ err, screen: seen.name }, 'screen registry write failed'));
  }
}
