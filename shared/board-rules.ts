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

/** Words for machine states when the store's config gives none. */
export const DEFAULT_MACHINE_STATE_LABELS: Record<(typeof MACHINE_STATE_NAMES)[number], string> = {
  idle: 'Idle',
  preheating: 'Preheating',
  running: 'Running',
  unloading: 'Unloading',
  cleaning: 'Cleaning',
  fault: 'Fault',
  offline: 'Offline',
};
