import { z } from 'zod';
import { ORDER_STATUSES } from '../contract-values.js';
import { EpochMs, Id, label, text } from './common.js';

export const OrderStatus = z.enum(ORDER_STATUSES);
export { ACTIVE_STATUSES, ORDER_STATUSES, isActiveOrder } from '../contract-values.js';
export type OrderStatus = z.infer<typeof OrderStatus>;

export const OrderItem = z.object({
  sku: label(64),
  variant: label(64).optional(),
  qty: z.number().int().min(1).max(99),
});
export type OrderItem = z.infer<typeof OrderItem>;

// z.object strips unknown keys: a phone number or note a POS sends along is
// dropped here, at the door, and can never reach a screen.
export const Order = z.object({
  id: Id,
  number: label(8),
  name: text(24).optional(),
  items: z.array(OrderItem).min(1).max(20),
  status: OrderStatus,
  station: Id.optional(),
  promisedAt: EpochMs.optional(),
  updatedAt: EpochMs,
});
export type Order = z.infer<typeof Order>;
