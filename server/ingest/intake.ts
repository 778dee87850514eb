import type { z } from 'zod';
import { Machine } from '../../shared/schemas/machine.js';
import { Order, type OrderStatus } from '../../shared/schemas/order.js';
import { apiError, type ApiError } from '../../shared/errors.js';
import type { FieldIssue } from '../../shared/field-issues.js';
import { invalidInput } from '../../shared/validation.js';
import { Footfall } from '../../shared/schemas/footfall.js';
import { SocialReport } from '../../shared/schemas/social.js';
import type { Board } from '../board/board.js';
import { StoreRefusedError, StoreUnavailableError, type WriteResult } from '../state/board-store.js';
import { ONCE_WINDOW_MS, type EventLog } from '../state/event-log.js';
import { isStoreOutage } from '../state/outage.js';
import type { Logger } from '../log.js';
import type { Door, Metrics } from '../metrics.js';

/** What a door takes in: board state (orders, machines), or a record for the event log only (footfall, social reach). */
export type Kind = 'order' | 'machine' | 'footfall' | 'social';

/** A producer's clock may drift; a timestamp a day ahead would pin a record forever under last-write-wins. */
const MAX_FUTURE_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;
/** The earliest order `updatedAt` a door takes (2020-01-01): anything earlier is a time in seconds, or none at all. */
const EPOCH_MS_MIN = Date.UTC(2020, 0, 1);

/**
 * The times a footfall count may have: counts are summed, so one logged twice is counted twice, and a count is known
 * again only while its idempotency key is remembered, ONCE_WINDOW_MS from when it was logged. A count taken at T
 * has `at` at most T + FOOTFALL_MAX_AHEAD_MS, so when it comes again after its key lapsed (at T + 24 h or later) it
 * is older than FOOTFALL_MAX_AGE_MS and refused. The hour left over is for hubs' clocks that disagree (one hub takes
 * the count, another its redelivery) and the moment between the check and the key being taken: any skew under it
 * keeps the guarantee. A counter sends every few minutes; one a day behind is not a live count.
 */
export const FOOTFALL_MAX_AHEAD_MS = HOUR_MS;
const CLOCK_MARGIN_MS = HOUR_MS;
export const FOOTFALL_MAX_AGE_MS = ONCE_WINDOW_MS - FOOTFALL_MAX_AHEAD_MS - CLOCK_MARGIN_MS;

/**
 * What a door answers for input it did not apply. `board_full`: a new order while the board holds `max`
 * active ones (`board.maxActiveOrders`); `stale`: a conditional write (a staff action) found the order in
 * another status than expected. `too_large` and `not_json` come from the doors that refuse before parsing; `bad_signature`,
 * `stale_timestamp` and `mapping_failed` from the webhook door (server/hooks).
 */
export type IntakeError = ApiError<
  | 'invalid_json'
  | 'invalid_input'
  | 'too_large'
  | 'not_json'
  | 'store_unavailable'
  | 'store_refused'
  | 'board_full'
  | 'stale'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'mapping_failed'
>;

type NotApplied = Exclude<Extract<WriteResult, { applied: false }>['reason'], 'board_full' | 'moved'>;

export type IntakeResult =
  | {
      ok: true;
      data:
        | { applied: true; seq: number }
        | { applied: true; telemetry: true }
        /** A record for the event log only (footfall): logged; not logged again when its idempotency key was (`duplicate`). */
        | { applied: true; logged: true }
        | { applied: false; reason: NotApplied };
    }
  | { ok: false; error: IntakeError };

/**
 * The one way in: every door (Redis pub/sub, the inbox stream, REST, kiosk,
 * staff, MQTT) hands its input here to be validated and applied, and gets one
 * answer. Counting and logging rejections happens here too, once.
 */
export class Intake {
  #board: Board;
  #events: EventLog | undefined;
  #metrics: Metrics;
  #log: Logger;
  #now: () => number;
  #logBudget = { windowStart: 0, used: 0, suppressed: 0 };
  #applied = new Set<(seq: number, door: Door) => void>();

  /** `events`: where records that are not board state (footfall) go; without it they are refused as the store being away. */
  constructor(board: Board, metrics: Metrics, log: Logger, now: () => number = Date.now, events?: EventLog) {
    this.#board = board;
    this.#events = events;
    this.#metrics = metrics;
    this.#log = log;
    this.#now = now;
  }

  /** Called with each change a door got applied, and its seq (end-to-end latency knows the door by it). */
  onApplied(listener: (seq: number, door: Door) => void): void {
    this.#applied.add(listener);
  }

  /** For doors that receive text (Redis): parses it first. */
  submitText(door: Door, kind: Kind, raw: string): Promise<IntakeResult> {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      return Promise.resolve(this.reject(door, 'invalid_json', apiError('invalid_json', {}, `not valid JSON: ${(err as Error).message}`)));
    }
    return this.submit(door, kind, value);
  }

  /** `expected` (orders only): apply only while the stored order is in that status, atomically (a staff action). */
  submit(door: Door, kind: Kind, value: unknown, expected?: OrderStatus): Promise<IntakeResult> {
    if (kind === 'footfall') return this.#footfall(door, value);
    if (kind === 'social') return this.#social(door, value);
    return kind === 'order'
      ? this.#accept(door, kind, value, Order.safeParse(value), (o) => this.#board.upsertOrder(o, expected))
      : this.#accept(door, kind, value, Machine.safeParse(value), (m) => this.#board.upsertMachine(m));
  }

  async #accept<T extends { updatedAt: number }>(
    door: Door,
    kind: Kind,
    value: unknown,
    parsed: z.ZodSafeParseResult<T>,
    write: (value: T) => Promise<WriteResult>,
  ): Promise<IntakeResult> {
    if (!parsed.success) return this.#invalid(door, kind, value, parsed.error);
    if (parsed.data.updatedAt > this.#now() + MAX_FUTURE_MS) return this.#ahead(door, kind, 'updatedAt');
    // Orders only: a machine that counts from its boot, or in seconds, still orders its own updates (nothing sweeps it).
    if (kind === 'order' && parsed.data.updatedAt < EPOCH_MS_MIN) return this.#beforeEpochFloor(door, kind);
    try {
      const result = await write(parsed.data);
      this.#metrics.eventsIn.inc({ door, kind });
      if (!result.applied) {
        if (result.reason === 'board_full') {
          const message = `the board already holds ${result.max} active orders (board.maxActiveOrders): finish or cancel some first`;
          return this.reject(door, 'board_full', apiError('board_full', { max: result.max }, message));
        }
        // Not bad input: another tap, console or hub got there first. Answered, not counted as a rejection.
        if (result.reason === 'moved') {
          const message = `the order is ${result.status?.replace('_', ' ') ?? 'gone'} now; nothing was changed`;
          return { ok: false, error: apiError('stale', { status: result.status }, message) };
        }
        return { ok: true, data: { applied: false, reason: result.reason } };
      }
      if (!('change' in result)) return { ok: true, data: { applied: true, telemetry: true } };
      for (const listener of this.#applied) listener(result.change.seq, door);
      return { ok: true, data: { applied: true, seq: result.change.seq } };
    } catch (err) {
      if (err instanceof StoreRefusedError) return this.reject(door, `poison:${kind}`, apiError('store_refused', {}, err.message));
      if (!(err instanceof StoreUnavailableError)) throw err;
      return { ok: false, error: apiError('store_unavailable', {}, err.message) };
    }
  }

  /** A count from a people counter: validated like the rest, logged once per idempotency key (shared/schemas/footfall.ts). */
  async #footfall(door: Door, value: unknown): Promise<IntakeResult> {
    const parsed = Footfall.safeParse(value);
    if (!parsed.success) return this.#invalid(door, 'footfall', value, parsed.error);
    const now = this.#now();
    if (parsed.data.at > now + FOOTFALL_MAX_AHEAD_MS) return this.#ahead(door, 'footfall', 'at', FOOTFALL_MAX_AHEAD_MS);
    if (parsed.data.at < now - FOOTFALL_MAX_AGE_MS) return this.#tooOld(door);
    return this.#record(door, 'footfall', (events) => events.appendOnce({ type: 'footfall', at: now, footfall: parsed.data }));
  }

  /** A social post's reach (`POST /api/social`): logged as it is; the latest report of a post supersedes the earlier. */
  #social(door: Door, value: unknown): Promise<IntakeResult> {
    const parsed = SocialReport.safeParse(value);
    if (!parsed.success) return Promise.resolve(this.#invalid(door, 'social', value, parsed.error));
    const now = this.#now();
    const at = parsed.data.at ?? now;
    if (at > now + MAX_FUTURE_MS) return Promise.resolve(this.#ahead(door, 'social', 'at'));
    return this.#record(door, 'social', (events) => events.append({ type: 'social', at: now, social: { ...parsed.data, at } }).then(() => true));
  }

  async #record(door: Door, kind: Kind, append: (events: EventLog) => Promise<boolean>): Promise<IntakeResult> {
    try {
      if (!this.#events) throw new StoreUnavailableError('this hub has no event log');
      const logged = await append(this.#events);
      this.#metrics.eventsIn.inc({ door, kind });
      return { ok: true, data: logged ? { applied: true, logged: true } : { applied: false, reason: 'duplicate' } };
    } catch (err) {
      if (!isStoreOutage(err)) throw err;
      return { ok: false, error: apiError('store_unavailable', {}, (err as Error).message) };
    }
  }

  #invalid(door: Door, kind: Kind, value: unknown, zodError: z.ZodError): IntakeResult {
    const error = invalidInput(zodError, value, `invalid ${kind}: `);
    const field = error.params.issues[0]?.field.split('.')[0] ?? '(root)';
    return this.reject(door, `invalid_${kind}:${field}`, error);
  }

  #ahead(door: Door, kind: Kind, field: 'updatedAt' | 'at', maxMs = MAX_FUTURE_MS): IntakeResult {
    const maxHours = maxMs / HOUR_MS;
    return this.#refuse(door, kind, { field, problem: 'too_far_ahead', maxHours }, `is more than ${maxHours} h in the future (check the producer clock)`);
  }

  /**
   * A time before 2020 is a time in seconds (a common POS mistake) or 0: taken, the order would read as a leftover
   * from 1970 and be swept off the board at once, with the producer told it was applied.
   */
  #beforeEpochFloor(door: Door, kind: Kind): IntakeResult {
    const issue = { field: 'updatedAt', problem: 'too_small', min: EPOCH_MS_MIN } as const;
    return this.#refuse(door, kind, issue, `is before 2020 (${EPOCH_MS_MIN}): send milliseconds since the epoch, not seconds`);
  }

  /** A count older than its key is remembered for could be one logged before: refused, never counted twice. */
  #tooOld(door: Door): IntakeResult {
    const maxHours = FOOTFALL_MAX_AGE_MS / HOUR_MS;
    return this.#refuse(
      door,
      'footfall',
      { field: 'at', problem: 'too_old', maxHours },
      `is more than ${maxHours} h in the past (a count must arrive within ${maxHours} h of its time)`,
    );
  }

  /** One field refused for a reason the schema cannot see (a time out of range): counted and answered as the schema's are. */
  #refuse(door: Door, kind: Kind, issue: FieldIssue, why: string): IntakeResult {
    const message = `invalid ${kind}: ${issue.field}: ${why}`;
    return this.reject(door, `invalid_${kind}:${issue.field}`, apiError('invalid_input', { issues: [issue] }, message));
  }

  /** Counts and logs a refused input; doors that refuse before parsing (oversized bodies) call this too. */
  reject(door: Door, reason: string, error: IntakeError): IntakeResult {
    this.#metrics.rejected.inc({ door, reason });
    this.#logRejection(door, reason, error.message);
    return { ok: false, error };
  }

  // A flood of bad input must not become a flood of log lines: 20 per 10 s, then a count.
  #logRejection(door: Door, reason: string, message: string): void {
    const now = this.#now();
    const b = this.#logBudget;
    if (now - b.windowStart > 10_000) {
      if (b.suppressed > 0) this.#log.warn({ suppressed: b.suppressed }, 'rejected inputs not logged in the last window');
      Object.assign(b, { windowStart: now, used: 0, suppressed: 0 });
    }
    if (b.used++ < 20) this.#log.warn({ door, reason, message: message.slice(0, 500) }, 'input rejected');
    else b.suppressed++;
  }
}
