import { z } from 'zod';
import { EpochMs, label } from './common.js';

/** Lines one sale may hold: a till's largest basket, far past a pop-up's. */
export const MAX_SALE_ITEMS = 500;

export const SaleItem = z.object({
  sku: label(64),
  qty: z.number().int().min(1).max(100_000),
  /** The price of one, in the sale's currency. */
  unitPrice: z.number().min(0).max(10_000_000).optional(),
});
export type SaleItem = z.infer<typeof SaleItem>;

/**
 * A whole basket as the POS sold it (docs/protocol.md, "Sales"), products made on site or not, so adjacent-SKU
 * sales can be measured. Only these fields: z.object drops anything else a mapping gives (a customer's name,
 * e-mail, phone, address never reach the log). A later entry of the same `source` and `id` supersedes an earlier one.
 */
export const Sale = z.object({
  /** The webhook it came through (`webhooks.<name>`). */
  source: label(32),
  /** The POS's id of the order. */
  id: label(64),
  items: z.array(SaleItem).max(MAX_SALE_ITEMS),
  total: z.number().min(0).max(1_000_000_000).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as SEK')
    .optional(),
  /** When the POS took the order. */
  placedAt: EpochMs.optional(),
  /** The POS cancelled the order: a report leaves the sale out. */
  cancelled: z.boolean().optional(),
});
export type Sale = z.infer<typeof Sale>;
