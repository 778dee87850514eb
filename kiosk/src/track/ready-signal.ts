import type { OrderStatus } from '../../../shared/schemas/order.js';
import type { MessageKey } from '../../../shared/text/locales/en.js';
import type { MessageParams } from '../../../shared/text/message-format.js';

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
export function tabTitle(
  t: (key: MessageKey, params?: MessageParams) => string,
  number: string,
  status: OrderStatus | undefined,
  stepLabel: string | undefined,
): string {
  if (status === 'ready') return t('track.titleReady', { number });
  return stepLabel ? t('track.titleStep', { number, step: stepLabel }) : t('track.title', { number });
}
