import { z } from 'zod';
import { PRODUCTION_MODES } from '../contract-values.js';
import { Id, label } from './common.js';
import { MACHINE_KINDS } from './machine.js';

/** The playbook's rule: a focused menu. More than three variants of one product is refused at start. */
export const MAX_VARIANTS = 3;

export const Variant = z.object({ id: Id, name: label(40) }).strict();

export const Product = z
  .object({
    sku: Id,
    name: label(40),
    /** A short line under the name, in the store's language. */
    description: label(80).optional(),
    variants: z.array(Variant).max(20).default([]),
    /** The most one batch can make, and so the most one order may ask for. */
    runSize: z.number().int().min(1).max(99),
    /** How many the store makes today; what is left is this minus what has been ordered. */
    runQuantity: z.number().int().min(0).max(100_000),
    /** `batch`: made ahead, orders take from the shelf; `to-order`: waiting orders are grouped into runs. */
    production: z.enum(PRODUCTION_MODES).default('batch'),
    /** Machine time one run takes. */
    runMinutes: z.number().int().min(1).max(24 * 60).default(20),
    /** The kind of machine that makes it (a machine's `kind`); absent: any machine. */
    machineKind: z.enum(MACHINE_KINDS).optional(),
    /** Economics, in the store's currency: the price a unit sells for, and what its materials cost. */
    unitPrice: z.number().min(0).max(1_000_000).optional(),
    unitCost: z.number().min(0).max(1_000_000).optional(),
    /** What an hour of machine time costs (energy, wear), for the gross margin per run. */
    machineCostPerHour: z.number().min(0).max(1_000_000).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.variants.length > MAX_VARIANTS) {
      ctx.addIssue({ code: 'custom', path: ['variants'], message: `SKU '${p.sku}' has ${p.variants.length} variants; at most ${MAX_VARIANTS} are allowed` });
    }
    const ids = new Set(p.variants.map((v) => v.id));
    if (ids.size !== p.variants.length) ctx.addIssue({ code: 'custom', path: ['variants'], message: `SKU '${p.sku}' repeats a variant id` });
  });
export type Product = z.infer<typeof Product>;

export const Catalogue = z
  .array(Product)
  .max(50)
  .superRefine((products, ctx) => {
    const seen = new Set<string>();
    for (const [i, p] of products.entries()) {
      if (seen.has(p.sku)) ctx.addIssue({ code: 'custom', path: [i, 'sku'], message: `SKU '${p.sku}' appears twice` });
      seen.add(p.sku);
    }
  });
export type Catalogue = z.infer<typeof Catalogue>;
