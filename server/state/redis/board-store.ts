import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { DISABLED_SCENE, MachineEvent, OrderEvent, RunEvent, Scene, SceneEvent } from '../../../shared/schemas/board.js';
import { Run, RunStatus } from '../../../shared/schemas/run.js';
import { isActiveRun } from '../../../shared/contract-values.js';
import { Machine } from '../../../shared/schemas/machine.js';
import { Order, OrderStatus, isActiveOrder } from '../../../shared/schemas/order.js';
import type { Logger } from '../../log.js';
import { waitReady } from './connect.js';
import type { RedisConnections } from './connections.js';
import { TOMBSTONE_MS, newEpoch } from '../embedded/board-store.js';
import { EVENT_LOG_STREAM } from './event-log.js';
import { readingsUpdate } from '../last-write-wins.js';
import { EXPIRE_ORDER, SET_SCENE, UPSERT_MACHINE, UPSERT_ORDER, UPSERT_RUN } from './board-scripts.js';
import { StoreRefusedError, StoreUnavailableError, type BoardStore, type StoreFeedHandlers, type StoredSnapshot, type WriteResult } from '../board-store.js';
import { PASSING_CONDITION } from '../outage.js';
import { parseJson } from '../../../shared/parse-json.js';

const KEY = {
  seq: 'batchboard:board:seq',
  orders: 'batchboard:board:orders',
  machines: 'batchboard:board:machines',
  scene: 'batchboard:board:scene',
  tombstone: (id: string) => `batchboard:board:done:${id}`,
  runs: 'batchboard:board:runs',
  finishedRun: (id: string) => `batchboard:board:run-done:${id}`,
  changes: 'batchboard:board:changes',
  epoch: 'batchboard:board:epoch',
  events: EVENT_LOG_STREAM,
};
const TOMBSTONE_S = String(TOMBSTONE_MS / 1000);

const At = z.object({ at: z.number() });
const Stamp = z.object({ at: z.number(), epoch: z.string().min(1) });
const FeedMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('order'), ...OrderEvent.shape, ...Stamp.shape }),
  z.object({ type: z.literal('machine'), ...MachineEvent.shape, ...Stamp.shape }),
  z.object({ type: z.literal('scene'), ...SceneEvent.shape, ...Stamp.shape }),
  z.object({ type: z.literal('run'), ...RunEvent.shape, ...Stamp.shape }),
  z.object({ type: z.literal('readings'), machine: Machine, ...At.shape }),
]);
type FeedMessage = z.infer<typeof FeedMessage>;

/** {seq, change} or {0, reason}; a conditional write refused adds the status the order is in ('' for none). */
type ScriptReply = [number, string, string?];

/**
 * The board in Redis, shared by every hub on it. Writes are Lua scripts that
 * compare, bump `batchboard:board:seq`, persist and PUBLISH on one channel, so
 * each hub's feed carries every change once, in seq order.
 */
export class RedisStore implements BoardStore {
  readonly kind = 'redis';
  #cmd: Redis;
  #feed: Redis;
  #log: Logger;

  #logCap: string;

  #maxActive: number;

  /** `logCap`: the event log stream is trimmed to about this many entries. */
  #listeners: [event: string, listener: (...args: string[]) => void][] = [];

  constructor(redis: Pick<RedisConnections, 'commands' | 'subscriber'>, log: Logger, opts: { logCap?: number; maxActiveOrders?: number } = {}) {
    this.#log = log;
    this.#logCap = String(opts.logCap ?? 1_000_000);
    this.#maxActive = opts.maxActiveOrders ?? 1_000_000_000;
    this.#cmd = redis.commands;
    this.#feed = redis.subscriber;
  }

  async start(handlers: StoreFeedHandlers): Promise<void> {
    this.#listen('message', (channel: string, raw: string) => {
      if (channel !== KEY.changes) return;
      const item = parseFeedMessage(raw);
      if (item?.type === 'readings') handlers.readings?.(readingsUpdate(item.machine));
      else if (item) handlers.change(item);
      else this.#log.error({ raw: raw.slice(0, 200) }, 'unreadable message on the board feed; dropped');
    });
    // The connection is shared and may be up already: its next 'ready' is then a reconnect.
    let connectedBefore = this.#feed.status === 'ready';
    // ioredis resubscribes by itself after a reconnect; what was published
    // meanwhile is gone, so the hub must reload the board.
    this.#listen('ready', () => {
      if (connectedBefore) handlers.reset();
      connectedBefore = true;
    });
    await Promise.all([waitReady(this.#cmd), waitReady(this.#feed)]);
    await this.#feed.subscribe(KEY.changes);
  }

  async load(): Promise<StoredSnapshot> {
    // An empty store (new, or one that lost its data) gets its epoch here if no write has made one yet.
    const replies = await this.#guard(() =>
      this.#cmd
        .multi()
        .set(KEY.epoch, newEpoch(), 'NX')
        .get(KEY.epoch)
        .get(KEY.seq)
        .hvals(KEY.orders)
        .hvals(KEY.machines)
        .get(KEY.scene)
        .hvals(KEY.runs)
        .exec(),
    );
    if (!replies) throw new StoreUnavailableError('transaction aborted');
    const [, epoch, seq, orders, machines, scene, runs] = replies.map(([err, value]) => {
      if (err) throw new StoreUnavailableError(err);
      return value;
    }) as [unknown, string, string | null, string[], string[], string | null, string[]];
    return {
      epoch,
      seq: seq === null ? 0 : Number(seq),
      orders: parseEach(orders, Order, this.#log).filter(isActiveOrder),
      machines: parseEach(machines, Machine, this.#log),
      scene: (scene !== null && parseEach([scene], Scene, this.#log)[0]) || DISABLED_SCENE,
      runs: parseEach(runs, Run, this.#log).filter(isActiveRun),
    };
  }

  upsertRun(run: Run, expected?: readonly RunStatus[]): Promise<WriteResult> {
    return this.#run(
      UPSERT_RUN,
      [KEY.runs, KEY.seq, KEY.finishedRun(run.id), KEY.events, KEY.epoch],
      [
        run.id,
        JSON.stringify(run),
        String(run.updatedAt),
        isActiveRun(run) ? '1' : '0',
        KEY.changes,
        TOMBSTONE_S,
        this.#logCap,
        expected?.join(',') ?? '',
        newEpoch(),
      ],
    );
  }

  async run(id: string): Promise<Run | undefined> {
    const raw = await this.#guard(async () => (await this.#cmd.hget(KEY.runs, id)) ?? (await this.#cmd.get(KEY.finishedRun(id))));
    return raw === null ? undefined : parseEach([raw], Run, this.#log)[0];
  }

  upsertOrder(order: Order, expected?: OrderStatus): Promise<WriteResult> {
    return this.#run(
      UPSERT_ORDER,
      [KEY.orders, KEY.seq, KEY.tombstone(order.id), KEY.events, KEY.epoch],
      [
        order.id,
        JSON.stringify(order),
        String(order.updatedAt),
        isActiveOrder(order) ? '1' : '0',
        KEY.changes,
        TOMBSTONE_S,
        this.#logCap,
        String(this.#maxActive),
        expected ?? '',
        newEpoch(),
      ],
    );
  }

  epoch(): Promise<string | null> {
    return this.#guard(() => this.#cmd.get(KEY.epoch));
  }

  async seq(): Promise<number> {
    return Number((await this.#guard(() => this.#cmd.get(KEY.seq))) ?? 0);
  }

  async order(id: string): Promise<Order | undefined> {
    const raw = await this.#guard(async () => (await this.#cmd.hget(KEY.orders, id)) ?? (await this.#cmd.get(KEY.tombstone(id))));
    return raw === null ? undefined : parseEach([raw], Order, this.#log)[0];
  }

  expireOrder(order: Order): Promise<WriteResult> {
    return this.#run(
      EXPIRE_ORDER,
      [KEY.orders, KEY.seq, KEY.tombstone(order.id), KEY.events, KEY.epoch],
      [order.id, JSON.stringify(order), KEY.changes, TOMBSTONE_S, this.#logCap, newEpoch()],
    );
  }

  upsertMachine(machine: Machine): Promise<WriteResult> {
    return this.#run(
      UPSERT_MACHINE,
      [KEY.machines, KEY.seq, KEY.events, KEY.epoch],
      [machine.id, JSON.stringify(machine), String(machine.updatedAt), KEY.changes, this.#logCap, newEpoch()],
    );
  }

  setScene(scene: Scene): Promise<WriteResult> {
    return this.#run(SET_SCENE, [KEY.scene, KEY.seq, KEY.events, KEY.epoch], [JSON.stringify(scene), KEY.changes, this.#logCap, newEpoch()]);
  }

  async healthy(timeoutMs: number): Promise<boolean> {
    if (this.#cmd.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const ping = this.#cmd.ping().then(
      (r) => r === 'PONG',
      () => false,
    );
    try {
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The connections are the state's (shared by every table and feed): the store only stops listening. */
  async close(): Promise<void> {
    for (const [event, listener] of this.#listeners) this.#feed.off(event, listener);
    this.#listeners = [];
    await Promise.resolve();
  }

  async #run(script: string, keys: string[], args: string[]): Promise<WriteResult> {
    const reply = (await this.#guard(() => this.#eval(script, keys, args), refusedByScript)) as ScriptReply;
    const [seq, body, held] = reply;
    if (seq === 0) {
      if (body === 'board_full') return { applied: false, reason: 'board_full', max: this.#maxActive };
      if (body === 'moved') {
        const status = OrderStatus.safeParse(held);
        return { applied: false, reason: 'moved', status: status.success ? status.data : null };
      }
      if (body === 'run_moved') {
        const status = RunStatus.safeParse(held);
        return { applied: false, reason: 'run_moved', status: status.success ? status.data : null };
      }
      return { applied: false, reason: body as 'stale' | 'duplicate' | 'not_on_board' | 'unchanged' };
    }
    const item = parseFeedMessage(body);
    if (!item) throw new Error(`store script returned an unreadable change: ${body.slice(0, 200)}`);
    return item.type === 'readings' ? { applied: true, readings: readingsUpdate(item.machine) } : { applied: true, change: item };
  }

  /** EVALSHA first; the script cache is empty after a Redis restart, so fall back to EVAL once. */
  async #eval(script: string, keys: string[], args: string[]): Promise<unknown> {
    const sha = sha1(script);
    try {
      return await this.#cmd.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await this.#cmd.eval(script, keys.length, ...keys, ...args);
    }
  }

  #listen(event: string, listener: (...args: string[]) => void): void {
    this.#feed.on(event, listener);
    this.#listeners.push([event, listener]);
  }

  async #guard<T>(fn: () => Promise<T>, refused: (err: unknown) => boolean = () => false): Promise<T> {
    // Fail fast while Redis is away (a REST write gets a 503 at once); the commands timeout bounds a frozen one.
    if (this.#cmd.status !== 'ready') throw new StoreUnavailableError(`redis connection ${this.#cmd.status}`);
    try {
      return await fn();
    } catch (err) {
      throw refused(err) ? new StoreRefusedError(err) : new StoreUnavailableError(err);
    }
  }
}

/** A step of the script failed on this input's keys or values (e.g. WRONGTYPE): retrying will not help. */
function refusedByScript(err: unknown): boolean {
  return err instanceof Error && err.message.includes('user_script') && !PASSING_CONDITION.test(err.message);
}

const shas = new Map<string, string>();
function sha1(script: string): string {
  let sha = shas.get(script);
  if (!sha) shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
  return sha;
}

function parseFeedMessage(raw: string): FeedMessage | undefined {
  return parseJson(FeedMessage, raw);
}

function parseEach<T>(raws: string[], schema: z.ZodType<T>, log: Logger): T[] {
  const out: T[] = [];
  for (const raw of raws) {
    const value = parseJson(schema, raw);
    if (value !== undefined) out.push(value);
    else log.error({ raw: raw.slice(0, 200) }, 'unreadable record in the store; skipped');
  }
  return out;
}
