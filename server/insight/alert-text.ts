import type { AlertCode, AlertParams } from '../../shared/schemas/insight.js';

type Texts = { [C in AlertCode]: (params: AlertParams[C]) => string };

// English for now: the one place that words alerts on the hub (the log and the webhook), to be pointed at the store's locale.
const TEXTS: Texts = {
  order_late: (p) => `Order ${p.number} is past its promise`,
  queue_old: (p) => `The oldest waiting order is over ${p.minutes} min old`,
  machine_fault: (p) => `${p.name} is in fault`,
  screen_offline: (p) => `Screen ${p.screen} has been offline for over ${p.minutes} min`,
  obs_down_while_streaming: () => 'OBS is disconnected while the stream is live',
};

/** A readable sentence for an alert, for the log and for the chat a webhook posts into. */
export function alertText<C extends AlertCode>(code: C, params: AlertParams[C]): string {
  return (TEXTS[code] as (params: AlertParams[C]) => string)(params);
}
