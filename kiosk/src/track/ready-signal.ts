import type { OrderStatus } from '../../../shared/schemas/order.js';

/** A short double buzz: felt in a pocket, over in half a second. */
const BUZZ_MS = [200, 100, 200];

/**
 * Buzzes the phone once, when the order this page has watched waiting turns ready. Where the
 * browser has no `navigator.vibrate` (iOS Safari, desktops) or refuses it (Chromium before the page
 * has been touched), nothing happens: the tab title and the page say it too.
 */
export class ReadyBuzz {
  #sawWaiting = false;
  #buzzed = false;

  seen(status: OrderStatus): void {
    if (status === 'queued' || status === 'in_production') this.#sawWaiting = true;
    else if (status === 'ready' && this.#sawWaiting && !this.#buzzed) {
      this.#buzzed = true;
      if (typeof navigator.vibrate === 'function') navigator.vibrate(BUZZ_MS);
    }
  }
}

/** The tab's title: a phone with many tabs shows at a glance that the order is ready. */
export function tabTitle(number: string, status: OrderStatus | undefined, stepLabel: string | undefined): string {
  if (status === 'ready') return `Ready — order ${number}`;
  return stepLabel ? `Order ${number} · ${stepLabel}` : `Order ${number}`;
}
