import type { IncomingHttpHeaders } from 'node:http';
import { apiError } from '../../shared/errors.js';
import { z } from 'zod';
import { Order, isActiveOrder } from '../../shared/schemas/order.js';
import { Sale } from '../../shared/schemas/sale.js';
import { invalidInput } from '../../shared/validation.js';
import type { Board } from '../board/board.js';
import type { Intake, IntakeError, IntakeResult } from '../ingest/intake.js';
import type { Metrics } from '../metrics.js';
import type { DeliveryTable } from '../state/delivery-table.js';
import type { EventLog } from '../state/event-log.js';
import { isStoreOutage } from '../state/outage.js';
import { deliveryKeys } from './delivery-ids.js';
import { MAPPING_LIMITS, MAPPING_TIMEOUT, Mapping } from './mappings.js';
import { PRESETS } from './presets.js';
import { verify } from './signatures.js';
import type { HookSource } from './webhook-config.js';

/** How long a delivery being applied holds its id: longer than any apply (the store's command timeouts are ~2 s). */
export const CLAIM_MS = 30_000;

export interface HookDeps {
  intake: Intake;
  board: Board;
  deliveries: DeliveryTable;
  metrics: Metrics;
  /** Where each delivery's sale (its whole basket) is logged. */
  events: EventLog;
  /** The catalogue's SKUs: what a hook with `boardItems: made-on-site` puts on the board. */
  madeOnSite: ReadonlySet<string>;
  now?: () => number;
}

/** What one order of a delivery came to: applied (its seq), or not and why (stale, duplicate: the board already had it). */
export type AppliedOrder = { id: string } & Extract<IntakeResult, { ok: true }>['data'];

/** The answer to one delivery: applied (each order's outcome), a replay not applied again, or refused. */
export type Delivery =
  { ok: true; data: { duplicate: false; orders: AppliedOrder[]; sales: number } | { duplicate: true } } | { ok: false; error: IntakeError };

/** A mapping's `sale` beside an order, checked as `sale.<field>` so a refusal names it. */
const MappedSale = z.object({ sale: Sale });

/**
 * One configured webhook source: checks a delivery's signature on its raw bytes, takes each delivery once
 * (the seen-delivery table, shared by every hub on Redis), maps the payload to orders and hands each to the
 * intake. A delivery that was not applied lets its claim go, so the sender's retry is.
 */
export class WebhookDoor {
  readonly #hook: HookSource;
  readonly #deps: HookDeps;
  readonly #mapping: Mapping;

  constructor(hook: HookSource, deps: HookDeps) {
    this.#hook = hook;
    this.#deps = deps;
    this.#mapping = new Mapping('preset' in hook.mapping ? PRESETS[hook.mapping.preset] : hook.mapping.expression);
  }

  async receive(headers: IncomingHttpHeaders, raw: Buffer): Promise<Delivery> {
    const answer = await this.#receive(headers, raw);
    const outcome = !answer.ok ? 'refused' : answer.data.duplicate ? 'duplicate' : 'applied';
    this.#deps.metrics.webhookDeliveries.inc({ hook: this.#hook.name, outcome });
    return answer;
  }

  /** A refusal before anything was applied: counted in `batchboard_rejected_total{door="webhook"}` and logged. */
  refuse(reason: string, error: IntakeError): Delivery {
    this.#deps.intake.reject('webhook', reason, error);
    this.#deps.metrics.webhookDeliveries.inc({ hook: this.#hook.name, outcome: 'refused' });
    return { ok: false, error };
  }

  async #receive(headers: IncomingHttpHeaders, raw: Buffer): Promise<Delivery> {
    const { intake } = this.#deps;
    const verdict = verify(this.#hook, headers, raw, (this.#deps.now ?? Date.now)());
    if (!verdict.ok) {
      const error =
        verdict.reason === 'bad_signature'
          ? apiError('bad_signature', { header: verdict.header }, `no valid signature in ${verdict.header} for webhooks.${this.#hook.name}`)
          : apiError('stale_timestamp', { toleranceSeconds: verdict.toleranceSeconds }, `the timestamp is more than ${verdict.toleranceSeconds} s off`);
      return { ok: false, error: fail(intake.reject('webhook', verdict.reason, error)) };
    }
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return { ok: false, error: fail(intake.reject('webhook', 'invalid_json', apiError('invalid_json', {}, `not valid JSON: ${(err as Error).message}`))) };
    }
    const keys = deliveryKeys(this.#hook, verdict, payload);
    const { deliveries } = this.#deps;
    const held: { key: string; token: string }[] = [];
    const letGo = () => Promise.all(held.map(({ key, token }) => deliveries.release(key, token))).catch(() => undefined);
    try {
      for (const key of keys) {
        const claim = await deliveries.claim(key, CLAIM_MS);
        if (claim.state === 'claimed') {
          held.push({ key, token: claim.token });
          continue;
        }
        await letGo();
        // Done: applied before, a replay. Pending: being applied right now (here or on another hub) and not yet
        // confirmed: it may still fail and be let go, so the sender must retry, not be told it was taken.
        return claim.state === 'done' ? { ok: true, data: { duplicate: true } } : { ok: false, error: inFlight() };
      }
    } catch (err) {
      await letGo();
      return outage(err);
    }
    let answer: Delivery | undefined;
    try {
      answer = await this.#apply(payload, headers).catch(outage);
    } finally {
      // Applied: remembered as done for the replay window. Not, or thrown: let go, so the sender's retry is applied
      // (if the store is away and the claim cannot be let go, it lapses after CLAIM_MS, before a POS's next retry).
      const applied = answer?.ok === true;
      const settle = applied ? Promise.all(held.map(({ key, token }) => deliveries.confirm(key, token, verdict.replayWindowMs))) : letGo();
      await settle.catch(() => undefined);
    }
    return answer;
  }

  async #apply(payload: unknown, headers: IncomingHttpHeaders): Promise<Delivery> {
    const name = this.#hook.name;
    const shopifyTopic = headers['x-shopify-topic'];
    const bodyType = (payload as { type?: unknown } | null)?.type;
    const topic = typeof shopifyTopic === 'string' ? shopifyTopic : typeof bodyType === 'string' ? bodyType : undefined;
    const mapped = await this.#mapping.apply(payload, { topic, headers: flat(headers) });
    if (!mapped.ok && mapped.problem === MAPPING_TIMEOUT) {
      // Over its time: the hub was busy or paused, not the payload at fault (a deterministic failure is 422 below). Retried.
      const error = apiError('store_unavailable', {}, `webhooks.${name}.mapping took over ${MAPPING_LIMITS.timeout} ms; the sender should retry`);
      return { ok: false, error: fail(this.#deps.intake.reject('webhook', 'mapping_timeout', error)) };
    }
    if (!mapped.ok) {
      const error = apiError('mapping_failed', { hook: name, problem: mapped.problem }, `webhooks.${name}.mapping: ${mapped.message}`);
      return { ok: false, error: fail(this.#deps.intake.reject('webhook', 'mapping_failed', error)) };
    }
    const checked = await this.#check(mapped.orders);
    if (!checked.ok) return checked;
    const applied: AppliedOrder[] = [];
    for (const order of checked.orders) {
      const result = await this.#submit(order);
      if (!result.ok) return { ok: false, error: result.error };
      applied.push({ id: order.id, ...result.data });
    }
    // After the orders: a delivery that failed midway is retried whole, and the same basket is logged once (its key).
    const now = (this.#deps.now ?? Date.now)();
    for (const sale of checked.sales) await this.#deps.events.appendOnce({ type: 'sale', at: now, sale });
    return { ok: true, data: { duplicate: false, orders: applied, sales: checked.sales.length } };
  }

  /**
   * Every order and sale is checked before any is applied: a delivery is taken whole or refused whole (but for the
   * store going away midway). A mapped object's `sale` is the whole basket, for the log; the rest is the board's
   * order (none when the object is only a sale), with only the catalogue's SKUs when the hook says `made-on-site`.
   */
  async #check(mapped: unknown[]): Promise<{ ok: true; orders: Order[]; sales: Sale[] } | { ok: false; error: IntakeError }> {
    const orders: Order[] = [];
    const sales: Sale[] = [];
    for (const value of mapped as Record<string, unknown>[]) {
      const { sale, ...order } = value;
      if (sale !== undefined) {
        const source = this.#hook.name;
        const withSource = { sale: typeof sale === 'object' && sale !== null && !Array.isArray(sale) ? { ...sale, source } : sale };
        const parsed = MappedSale.safeParse(withSource);
        if (!parsed.success) {
          const error = invalidInput(parsed.error, withSource, `webhooks.${this.#hook.name}: invalid sale: `);
          const field = error.params.issues[0]?.field.split('.')[1] ?? '(root)';
          return { ok: false, error: fail(this.#deps.intake.reject('webhook', `invalid_sale:${field}`, error)) };
        }
        sales.push(parsed.data.sale);
        if (Object.keys(order).length === 0) continue;
      }
      const onBoard = this.#onBoard(order);
      if (onBoard === undefined) continue;
      const parsed = Order.safeParse(onBoard);
      if (!parsed.success) return { ok: false, error: fail(await this.#deps.intake.submit('webhook', 'order', onBoard)) };
      orders.push(parsed.data);
    }
    return { ok: true, orders, sales };
  }

  /** The order as the board takes it: with `boardItems: made-on-site`, the catalogue's items only, and none without any. */
  #onBoard(order: Record<string, unknown>): Record<string, unknown> | undefined {
    if (this.#hook.boardItems !== 'made-on-site' || !Array.isArray(order.items)) return order;
    const made = (order.items as unknown[]).filter((item) => this.#deps.madeOnSite.has(String((item as { sku?: unknown } | null)?.sku)));
    return made.length > 0 ? { ...order, items: made } : undefined;
  }

  /**
   * A POS knows placed, fulfilled and cancelled, not the floor's progress: a delivery that says `queued` for an
   * order the floor has in production or ready keeps the floor's status (atomically: only while it still is), and
   * one for an order the floor finished (picked up or cancelled) is not written at all (`applied: false`, `stale`):
   * a POS's late or unrelated update never brings a finished order back onto the board.
   */
  async #submit(order: Order): Promise<IntakeResult> {
    const { intake, board } = this.#deps;
    if (order.status === 'queued') {
      const current = await board.order(order.id);
      if (current && !isActiveOrder(current)) return { ok: true, data: { applied: false, reason: 'stale' } };
      if (current && current.status !== 'queued') {
        return intake.submit('webhook', 'order', { ...order, status: current.status }, current.status);
      }
    }
    return intake.submit('webhook', 'order', order);
  }
}

function fail(result: IntakeResult): IntakeError {
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

/** The same delivery is being applied right now and may still fail: answered like the store being away (503, Retry-After: 1). */
function inFlight(): IntakeError {
  return apiError('store_unavailable', {}, 'this delivery is being applied right now (here or on another hub); the sender should retry');
}

function outage(err: unknown): Delivery {
  if (!isStoreOutage(err)) throw err;
  return { ok: false, error: apiError('store_unavailable', {}, 'the state store is unavailable; the sender should retry') };
}

function flat(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
