import type { KioskProduct } from '../../../shared/schemas/kiosk.js';

/** What the Order button says it will order: quantity, product and the variant chosen. */
export function orderLabel(product: KioskProduct, variant: string | undefined, qty: number): string {
  const chosen = product.variants.find((v) => v.id === variant);
  return `Order ${qty} × ${product.name}${chosen ? ` (${chosen.name})` : ''}`;
}

/** "A, B or C": the choices a customer has left to make, in words. */
function either(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
}

/** Why the Order button cannot be pressed now, in the customer's words; undefined when it can. */
export function orderBlocked(product: KioskProduct, variant: string | undefined, connected: boolean): string | undefined {
  if (!connected) return 'Ordering is paused while the kiosk reconnects';
  if (product.left === 0) return 'Sold out today';
  if (product.variants.length > 0 && !product.variants.some((v) => v.id === variant)) return `Choose ${either(product.variants.map((v) => v.name))} first`;
  return undefined;
}
