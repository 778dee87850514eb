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
