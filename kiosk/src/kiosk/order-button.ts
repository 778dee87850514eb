import type { KioskProduct } from '../../../shared/schemas/kiosk.js';
import type { MessageKey } from '../../../shared/text/locales/en.js';
import type { MessageParams } from '../../../shared/text/message-format.js';

/** The page's words: `t` for a key, `either` for "A, B or C" in the store's language. */
export interface Words {
  t: (key: MessageKey, params?: MessageParams) => string;
  either: (names: readonly string[]) => string;
}

/** What the Order button says it will order: quantity, product and the variant chosen. */
export function orderLabel(words: Words, product: KioskProduct, variant: string | undefined, qty: number): string {
  const chosen = product.variants.find((v) => v.id === variant);
  return chosen ? words.t('kiosk.orderVariant', { qty, product: product.name, variant: chosen.name }) : words.t('kiosk.order', { qty, product: product.name });
}

/** Why the Order button cannot be pressed now, in the customer's words; undefined when it can. */
export function orderBlocked(words: Words, product: KioskProduct, variant: string | undefined, connected: boolean): string | undefined {
  if (!connected) return words.t('kiosk.blockedPaused');
  if (product.left === 0) return words.t('kiosk.blockedSoldOut');
  if (product.variants.length > 0 && !product.variants.some((v) => v.id === variant))
    return words.t('kiosk.blockedChoose', { options: words.either(product.variants.map((v) => v.name)) });
  return undefined;
}
