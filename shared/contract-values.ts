/**
 * Plain values and rules of the contract, free of zod so that screens can
 * import them without shipping the validator (the display has a size budget).
 */
export const ORDER_STATUSES = ['queued', 'in_production', 'ready', 'picked_up', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses that keep an order on the board; the others take it off. */
export const ACTIVE_STATUSES: ReadonlySet<OrderStatus> = new Set(['queued', 'in_production', 'ready']);

export function isActiveOrder(order: { status: OrderStatus }): boolean {
  return ACTIVE_STATUSES.has(order.status);
}

export const DISABLED_SCENE = Object.freeze({ program: null, obs: 'disabled' as const });

export const MACHINE_STATE_NAMES = ['idle', 'preheating', 'running', 'unloading', 'cleaning', 'fault', 'offline'] as const;

/** A production run's life: planned, being loaded, in the machine, out (done), or called off. */
export const RUN_STATUSES = ['planned', 'loading', 'running', 'done', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses that keep a run on the board (the production strip); done and cancelled runs leave it for the event log. */
export const ACTIVE_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['planned', 'loading', 'running']);

export function isActiveRun(run: { status: RunStatus }): boolean {
  return ACTIVE_RUN_STATUSES.has(run.status);
}

/** How a SKU is made: `batch` ahead of demand (orders take from the shelf), `to-order` in runs of waiting orders. */
export const PRODUCTION_MODES = ['batch', 'to-order'] as const;
export type ProductionMode = (typeof PRODUCTION_MODES)[number];
