import { z } from 'zod';
import type { ApiError } from '../errors.js';
import { Id, text } from './common.js';
import type { Product } from './catalogue.js';
import type { Order } from './order.js';
import type { DisplayConfig } from './display.js';
import type { MachineKind } from './machine.js';
import type { RunStatus } from './run.js';

/**
 * One order attempt from the kiosk. The key is made once per attempt, when the
 * customer confirms, and sent again on every retry: a double tap or a request
 * repeated after a dropped network makes one order, never two.
 */
export const KioskOrderRequest = z
  .object({
    key: z.string().regex(/^[\w-]{16,64}$/, 'must be 16 to 64 letters, digits, _ or -'),
    sku: Id,
    variant: Id.optional(),
    qty: z.number().int().min(1).max(99),
    name: text(24).optional(),
  })
  .strict();
export type KioskOrderRequest = z.infer<typeof KioskOrderRequest>;

/** What the kiosk shows: the menu and what is left of each product today. */
/**
 * A product as the kiosk shows it: what is left today, never what it costs the store. `machineKind` tells
 * the staff console, which learns the menu here, which machine to load a run of it into.
 */
export interface KioskProduct extends Pick<Product, 'sku' | 'name' | 'description' | 'variants' | 'runSize' | 'production' | 'machineKind'> {
  /** Today's `runQuantity` less what is sold; with the planner, what runs can still make today less what is sold. */
  left: number;
  /** A `batch` SKU with nothing on the shelf: when its next batch comes out (ms since the epoch); else null. */
  nextBatchAt: number | null;
}
export interface KioskState {
  storeName: string;
  /** What the board is told about the store (name, logo, theme, words): every page wears the same. */
  display: DisplayConfig;
  products: KioskProduct[];
  idleSeconds: number;
  /** How long the order number stays on screen before the kiosk returns to its menu (`kiosk.confirmationSeconds`). */
  confirmationSeconds: number;
  /** Where customers' phones reach the hub (`PUBLIC_URL`); null: the address the kiosk was opened with. */
  publicUrl: string | null;
}

export interface KioskOrderPlaced {
  order: Pick<Order, 'id' | 'number' | 'name' | 'items' | 'status'>;
  /** Path of the phone page that follows the order: `/track/NUMBER`. */
  track: string;
  /** True when this answer repeats an earlier one for the same key. */
  repeated: boolean;
}

/**
 * An order refused because this device (address) has ordered too much lately: `items_limited` past
 * `kiosk.itemsPerMinute` items a minute, `share_limited` past its share of a SKU's day run
 * (`kiosk.maxShareOfRun`) within `windowMinutes`. Answered with 429 and `Retry-After`.
 */
export type KioskLimitRefusal = ApiError<'items_limited' | 'share_limited'>;

/**
 * `GET /api/track/:number`: the order as the board shows it, with the hub's honest wait. The
 * tracker counts down to `readyBy` on its own clock and says the order is running late once
 * `dueAt` has passed, instead of showing a number that keeps shrinking.
 */
export type TrackedOrder = Omit<Order, 'name'> & {
  name?: string | undefined;
  /** The wait from now in whole minutes; null while recent throughput gives no basis (fewer than two orders ready in the last hour). */
  etaMinutes: number | null;
  /** When the order should turn ready (ms since the epoch); null with `etaMinutes`. */
  readyBy: number | null;
  /** When the order was promised: its `promisedAt`, else `promiseMinutes` after the store first saw it; null once it has left the watch. */
  dueAt: number | null;
  /** The production run the order waits for, when a plan names one; then `readyBy` is this run's `readyAt`. */
  run: TrackedRun | null;
};

/**
 * The run an order is allocated to, as the tracker words it ("In the oven — ready at about 14:32"): the kind of
 * machine making it, whether it is in there now, and when it comes out (its `endsAt` while running, else its
 * planned start, or now if that has passed, plus the SKU's `runMinutes`).
 */
export interface TrackedRun {
  machineKind: MachineKind;
  status: Extract<RunStatus, 'planned' | 'loading' | 'running'>;
  readyAt: number;
}

export interface StockChange {
  sku: string;
  left: number;
  nextBatchAt: number | null;
}
