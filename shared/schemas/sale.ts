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
 * e-mail, phone, address never reach the log). Of the entries of one `source` and `id`, the report keeps the one with
 * the latest `updatedAt`; entries without one by log order, and never over one with it (server/report/report-scan.ts).
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
  /**
   * The POS's own time of this version of the sale (Shopify's `updated_at`): orders versions that a POS delivers out
   * of order (a late `orders/create` after the cancelling update), and makes a basket changed back (A, B, A again)
   * a new version, not a repeat of the first (it is part of the sale's idempotency key).
   */
  updatedAt: EpochMs.optional(),
  /** The POS cancelled the order: a report leaves the sale out. */
  cancelled: z.boolean().optional(),
});
export type Sale = z.infer<typeof Sale>;
