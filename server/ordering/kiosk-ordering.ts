import { randomBytes } from 'node:crypto';
import type { Catalogue, Product } from '../../shared/schemas/catalogue.js';
import { apiError, type ApiError } from '../../shared/errors.js';
import type { FieldIssue } from '../../shared/field-issues.js';
import {
  KioskOrderRequest,
  type KioskLimitRefusal,
  type KioskOrderPlaced,
  type KioskProduct,
  type KioskState,
  type StockChange,
} from '../../shared/schemas/kiosk.js';
import type { Order } from '../../shared/schemas/order.js';
import type { DisplayConfig } from '../../shared/schemas/display.js';
import { kioskDay, storeDay } from '../../shared/tracking.js';
import { invalidInput } from '../../shared/validation.js';
import { StoreUnavailableError } from '../state/board-store.js';
import type { Intake, IntakeError } from '../ingest/intake.js';
import type { Logger } from '../log.js';
import { shareOfRun, type Refusal } from '../state/client-allowance.js';
import type { PlaceOutcome, Placement, StockStore } from '../state/stock-store.js';

export type KioskError = IntakeError | ApiError<'sold_out'> | KioskLimitRefusal;
export type KioskResult = { ok: true; data: KioskOrderPlaced } | { ok: false; error: KioskError };

export interface KioskOptions {
  /** The store's name, logo, theme and words: the kiosk wears the same as the board. */
  display: DisplayConfig;
  numberPrefix: string;
  idleSeconds: number;
  confirmationSeconds: number;
  promiseMinutes: number;
  /** `PUBLIC_URL`: the base of the tracking links the kiosk gives customers. */
  publicUrl: string | undefined;
  /** The numbers of the orders on the board now: a new order never gets one of them (an unfinished order of yesterday keeps its K101). */
  numbersInUse?: () => Iterable<string>;
  /** `board.maxActiveOrders` when the board holds that many (a new order would be refused), else undefined. */
  boardFull?: () => number | undefined;
  /** What one client (address) may take: `kiosk.itemsPerMinute`, `kiosk.maxShareOfRun`, `kiosk.shareWindowMinutes`. */
  limits: { itemsPerMinute: number; maxShareOfRun: number; shareWindowMinutes: number };
  now?: () => number;
  /** The store's zone (`timeZone`): kiosk numbers restart at the store's midnight. */
  timeZone?: string | undefined;
  /** With the planner on: what production can still make today, and when a batch SKU's next batch comes out. */
  outlook?: MakeOutlook | undefined;
}

/** What production can still make today (server/production/production-outlook.ts): the kiosk's "left today". */
export interface MakeOutlook {
  of(sku: string): { canMake: number | undefined; nextBatchAt: number | null };
  onChange(listener: () => void): () => void;
}

/**
 * Customer orders: checked against the catalogue, taken from today's run in
 * one atomic step with their idempotency key, then handed to the same intake
 * as every other door. A retry with the same key re-submits the very same
 * order, so a hub that failed between the two steps loses nothing.
 */
export class KioskOrdering {
  #catalogue: Map<string, Product>;
  #stock: StockStore;
  #intake: Intake;
  #log: Logger;
  #opts: Required<Omit<KioskOptions, 'timeZone' | 'outlook'>> & Pick<KioskOptions, 'timeZone' | 'outlook'>;
  #sold: { day: string; counts: Record<string, number> } = { day: '', counts: {} };
  #listeners = new Set<(change: StockChange) => void>();
  /** What the kiosks were last told per SKU, so a look at production passes on only what moved. */
  #told = new Map<string, string>();
  /** SKUs whose counts the feed changed while a read of all counts was under way (see storeReset). */
  #reads = new Set<Set<string>>();
  /** The highest daily number seen given today, on any hub: what a store that lost the day is seeded with. */
  #lastNumber = { day: '', n: 0 };

  constructor(catalogue: Catalogue, stock: StockStore, intake: Intake, log: Logger, opts: KioskOptions) {
    this.#catalogue = new Map(catalogue.map((p) => [p.sku, p]));
    this.#stock = stock;
    this.#intake = intake;
    this.#log = log;
    this.#opts = { now: Date.now, numbersInUse: () => [], boardFull: () => undefined, ...opts };
  }

  async start(): Promise<void> {
    await this.#stock.start(
      (day, sold, number) => {
        if (number !== undefined) this.#sawNumber(day, number);
        this.#onSold(day, sold);
      },
      () => void this.storeReset(),
    );
    const day = this.today();
    this.#sold = { day, counts: await this.#stock.sold(day).catch(() => ({})) };
    // What a store that lost the day is seeded with must include numbers given before this hub started.
    this.#sawNumber(day, await this.#stock.lastNumber(day).catch(() => 0));
    this.#opts.outlook?.onChange(() => this.#tell([...this.#catalogue.keys()]));
  }

  /** Called with what is left of a SKU (and when its next batch comes out) whenever it changes, on any hub. */
  onStock(listener: (change: StockChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A SKU's catalogue entry, for what the plan says about it (its `runMinutes`, its machine). */
  product(sku: string): Product | undefined {
    return this.#catalogue.get(sku);
  }

  state(): KioskState {
    return {
      storeName: this.#opts.display.storeName,
      display: this.#opts.display,
      products: [...this.#catalogue.values()].map((p) => this.#public(p)),
      idleSeconds: this.#opts.idleSeconds,
      confirmationSeconds: this.#opts.confirmationSeconds,
      publicUrl: this.#opts.publicUrl ?? null,
    };
  }

  /** `client`: who is ordering, an address or an IPv6 /64; its takings are counted in items. */
  async place(input: unknown, client: string): Promise<KioskResult> {
    const checked = this.#check(input);
    if ('error' in checked) return { ok: false, error: checked.error };
    const { req, product } = checked;
    // Told to the store's place step, which answers a repeat of a placed attempt first (its order is on the board,
    // or goes there now) and refuses only a new one, before it takes any stock.
    const full = this.#opts.boardFull();
    const placement = this.#placement(req, product, client, full !== undefined);
    let outcome: Exclude<PlaceOutcome, { kind: 'unopened' }>;
    try {
      outcome = await this.#take(placement);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      return { ok: false, error: apiError('store_unavailable', {}, err.message) };
    }
    if (outcome.kind === 'placed' || outcome.kind === 'repeat') return this.#submit(outcome, req, placement.day);
    if (outcome.kind === 'board_full') return this.#boardFull(full ?? 0);
    return { ok: false, error: this.#refusal(outcome, req, product, client) };
  }

  /** The request, read and checked against today's menu. */
  #check(input: unknown): { req: KioskOrderRequest; product: Product } | { error: ApiError<'invalid_input'> } {
    const parsed = KioskOrderRequest.safeParse(input);
    if (!parsed.success) return { error: invalidInput(parsed.error, input, 'invalid kiosk order: ') };
    const req = parsed.data;
    const product = this.#catalogue.get(req.sku);
    const problem: [FieldIssue, string] | undefined = product
      ? this.#problem(product, req.variant, req.qty)
      : [{ field: 'sku', problem: 'unknown_product', value: req.sku }, `no product '${req.sku}' on today's menu`];
    if (!product || problem) {
      const [issue, hint] = problem!;
      return { error: apiError('invalid_input', { issues: [issue] }, `invalid kiosk order: ${issue.field}: ${hint}`) };
    }
    return { req, product };
  }

  /** What the store's place step is asked: the order to record, with a slot where its daily number goes. */
  #placement(req: KioskOrderRequest, product: Product, client: string, refuseNew: boolean): Placement {
    const now = this.#opts.now();
    const day = storeDay(now, this.#opts.timeZone);
    const slot = `N${randomBytes(16).toString('hex')}`;
    const order: Order = {
      // A random tail: a store that lost its data gives numbers again from the first, and a phone still following
      // the earlier order by its id must not take the new one with that number for it (and show its name).
      id: `kiosk-${day}-${slot}-${randomBytes(4).toString('hex')}`,
      number: `${this.#opts.numberPrefix}${slot}`,
      ...(req.name?.trim() ? { name: req.name.trim() } : {}),
      items: [{ sku: req.sku, ...(req.variant ? { variant: req.variant } : {}), qty: req.qty }],
      status: 'queued',
      promisedAt: now + this.#opts.promiseMinutes * 60_000,
      updatedAt: now,
    };
    return {
      day,
      key: req.key,
      sku: req.sku,
      qty: req.qty,
      limit: this.#limit(product),
      template: JSON.stringify(order),
      slot,
      taken: this.#taken(),
      refuseNew,
      client,
      at: now,
      allowance: {
        itemsPerMinute: this.#opts.limits.itemsPerMinute,
        share: shareOfRun(product, this.#opts.limits.maxShareOfRun),
        shareWindowMs: this.#opts.limits.shareWindowMinutes * 60_000,
      },
    };
  }

  /** Takes the stock (or finds the attempt already placed), opening the store's day first if it must. */
  async #take(placement: Placement): Promise<Exclude<PlaceOutcome, { kind: 'unopened' }>> {
    const outcome = await this.#stock.place(placement);
    if (outcome.kind !== 'unopened') return outcome;
    await this.#open(placement.day);
    const again = await this.#stock.place(placement);
    if (again.kind === 'unopened') throw new StoreUnavailableError('the kiosk day could not be opened');
    return again;
  }

  /** Why the store took nothing: the run is sold out, or this client has had its share. */
  #refusal(outcome: Extract<PlaceOutcome, { kind: 'sold_out' | 'limited' }>, req: KioskOrderRequest, product: Product, client: string): KioskError {
    if (outcome.kind === 'sold_out') {
      const message = `${req.sku}: ${outcome.left} left today, fewer than the ${req.qty} asked`;
      return apiError('sold_out', { sku: req.sku, left: outcome.left }, message);
    }
    this.#log.warn({ client, sku: req.sku, qty: req.qty, limit: outcome.limit, allowed: outcome.allowed }, 'kiosk order over the client’s allowance');
    return this.#limitRefusal(outcome, product);
  }

  /** Puts the recorded order on the board through the same pipeline as every door, and answers the kiosk. */
  async #submit(outcome: Extract<PlaceOutcome, { kind: 'placed' | 'repeat' }>, req: KioskOrderRequest, day: string): Promise<KioskResult> {
    // On a repeat this re-submits the recorded order: a duplicate if it got through before, applied if it did not.
    const submitted = await this.#intake.submit('kiosk', 'order', outcome.order);
    if (!submitted.ok && submitted.error.code === 'board_full' && outcome.kind === 'placed') {
      // Another hub or kiosk filled the last place between this hub's look and the board's: what was taken goes back.
      await this.#stock
        .adjust(day, req.sku, -req.qty)
        .catch((err: unknown) => this.#log.warn({ err, key: req.key }, 'could not give back a refused order’s stock'));
      return this.#boardFull(submitted.error.params.max, false);
    }
    if (!submitted.ok) {
      this.#log.warn({ key: req.key, err: submitted.error.message }, 'kiosk order recorded but not yet on the board; the kiosk will retry');
      return submitted;
    }
    const { id, number, name, items, status } = outcome.order;
    const digits = number.slice(this.#opts.numberPrefix.length);
    if (/^\d+$/.test(digits)) this.#sawNumber(day, Number(digits));
    this.#log.info({ order: id, number, sku: req.sku, qty: req.qty, repeated: outcome.kind === 'repeat' }, 'kiosk order');
    return {
      ok: true,
      data: {
        order: { id, number, items, status, ...(name ? { name } : {}) },
        track: `/track/${encodeURIComponent(number)}`,
        repeated: outcome.kind === 'repeat',
      },
    };
  }

  /**
   * The store may have lost its data (a new epoch) or changes may have been missed (its feed reconnected):
   * opens today if it is not open (seeding it with what this hub knew), then takes the store's counts and
   * tells the kiosks what is left.
   */
  async storeReset(): Promise<void> {
    const day = this.today();
    try {
      await this.#open(day);
      // A count the feed brings while the store is read is newer than what the read returns: it is kept.
      const fresher = new Set<string>();
      this.#reads.add(fresher);
      let counts: Record<string, number>;
      try {
        counts = await this.#stock.sold(day);
      } finally {
        this.#reads.delete(fresher);
      }
      for (const sku of this.#catalogue.keys()) counts[sku] ??= 0;
      for (const sku of fresher) delete counts[sku];
      if (this.#sold.day !== day) this.#sold = { day, counts: {} };
      this.#onSold(day, counts);
      this.#log.info({ day, sold: this.#sold.counts, lastNumber: this.#lastNumber.n }, 'kiosk counts read again from the store');
    } catch (err) {
      // The next order finds the day unopened and seeds it then.
      this.#log.warn({ err: (err as Error).message }, 'kiosk day could not be seeded again yet');
    }
  }

  /** A cancelled kiosk order gives its items back to today's run; undoing the cancel takes them again. */
  async returnStock(order: Order, direction: 1 | -1): Promise<void> {
    const day = kioskDay(order.id);
    if (!day || day !== this.today()) return;
    for (const item of order.items) {
      if (this.#catalogue.has(item.sku)) await this.#stock.adjust(day, item.sku, -direction * item.qty);
    }
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#stock.close();
  }

  /** What is wrong with an order the schema let through, and the developer's hint for it. */
  #problem(product: Product, variant: string | undefined, qty: number): [FieldIssue, string] | undefined {
    const options = product.variants.map((v) => v.id);
    if (options.length > 0 && !variant) return [{ field: 'variant', problem: 'required', options }, `choose one of ${options.join(', ')}`];
    if (variant && !options.includes(variant))
      return [{ field: 'variant', problem: 'not_a_variant', value: variant, options }, `'${variant}' is not a variant of ${product.sku}`];
    if (qty > product.runSize) return [{ field: 'qty', problem: 'too_large', max: product.runSize }, `at most ${product.runSize} per order (one batch)`];
    return undefined;
  }

  /** `count`: false when the board already counted the refusal at its door. */
  #boardFull(max: number, count = true): KioskResult {
    const error = apiError('board_full', { max }, `the board already holds ${max} active orders (board.maxActiveOrders)`);
    // Counted and logged like every refusal at a door (batchboard_rejected_total{door="kiosk",reason="board_full"}).
    if (count) this.#intake.reject('kiosk', 'board_full', error);
    return { ok: false, error };
  }

  #limitRefusal(refused: Refusal, product: Product): KioskLimitRefusal {
    const retryAfterSeconds = Math.ceil(refused.retryAfterMs / 1000);
    if (refused.limit === 'items') {
      const message = `this address may order up to ${refused.allowed} items a minute (kiosk.itemsPerMinute); again in ${retryAfterSeconds} s`;
      return apiError('items_limited', { limit: refused.allowed, retryAfterSeconds }, message);
    }
    const windowMinutes = this.#opts.limits.shareWindowMinutes;
    const message = `this address may order up to ${refused.allowed} of ${product.sku} in ${windowMinutes} minutes (kiosk.maxShareOfRun); again in ${retryAfterSeconds} s`;
    return apiError('share_limited', { sku: product.sku, limit: refused.allowed, windowMinutes, retryAfterSeconds }, message);
  }

  /** The daily numbers (`<prefix>N`) orders on the board hold, whichever day or door they came from. */
  #taken(): number[] {
    const prefix = this.#opts.numberPrefix;
    const taken: number[] = [];
    for (const number of this.#opts.numbersInUse()) {
      if (!number.startsWith(prefix)) continue;
      const digits = number.slice(prefix.length);
      if (/^[1-9]\d{0,6}$/.test(digits)) taken.push(Number(digits));
    }
    return taken;
  }

  #open(day: string): Promise<void> {
    const sold = this.#sold.day === day ? { ...this.#sold.counts } : {};
    return this.#stock.open(day, { sold, lastNumber: this.#lastNumber.day === day ? this.#lastNumber.n : 0 });
  }

  #sawNumber(day: string, n: number): void {
    // A late message of yesterday, after midnight, must not replace today's (days compare as YYYY-MM-DD).
    if (day < this.#lastNumber.day) return;
    if (this.#lastNumber.day !== day) this.#lastNumber = { day, n };
    else if (n > this.#lastNumber.n) this.#lastNumber.n = n;
  }

  /** The store's day now, `YYYY-MM-DD`: the day kiosk numbers and tracking links belong to. */
  today(): string {
    return storeDay(this.#opts.now(), this.#opts.timeZone);
  }

  /** What a customer may see of a product: named field by field, so costs and prices of the config never reach a page. */
  #public(p: Product): KioskProduct {
    const sold = this.#sold.day === this.today() ? (this.#sold.counts[p.sku] ?? 0) : 0;
    const { sku, name, description, variants, runSize, production, machineKind } = p;
    const outlook = this.#opts.outlook?.of(sku);
    return {
      sku,
      name,
      ...(description === undefined ? {} : { description }),
      variants,
      runSize,
      production,
      ...(machineKind === undefined ? {} : { machineKind }),
      left: Math.max(0, this.#limit(p, outlook) - sold),
      nextBatchAt: outlook?.nextBatchAt ?? null,
    };
  }

  /** Today's most of a SKU: its `runQuantity`, or with the planner less, what production can still make today. */
  #limit(p: Product, outlook = this.#opts.outlook?.of(p.sku)): number {
    const canMake = outlook?.canMake;
    return canMake === undefined ? p.runQuantity : Math.min(p.runQuantity, canMake);
  }

  /** Tells the kiosks what is left of these SKUs, where it differs from what they were last told. */
  #tell(skus: Iterable<string>): void {
    for (const sku of skus) {
      const product = this.#catalogue.get(sku);
      if (!product) continue;
      const { left, nextBatchAt } = this.#public(product);
      const key = `${left}|${nextBatchAt}`;
      if (this.#told.get(sku) === key) continue;
      this.#told.set(sku, key);
      for (const listener of this.#listeners) listener({ sku, left, nextBatchAt });
    }
  }

  #onSold(day: string, sold: Record<string, number>): void {
    if (day !== this.today()) return;
    for (const read of this.#reads) for (const sku of Object.keys(sold)) read.add(sku);
    if (this.#sold.day !== day) this.#sold = { day, counts: {} };
    Object.assign(this.#sold.counts, sold);
    // Every sale is told (a kiosk that missed one is corrected by the next), production's changes only when they move.
    for (const sku of Object.keys(sold)) this.#told.delete(sku);
    this.#tell(Object.keys(sold));
  }
}
