import type { Alert } from '../../../shared/schemas/insight.js';

/** Today's English for an alert, from its code and params: a stopgap until the text catalogue words it. */
export function alertWords(alert: Alert): string {
  switch (alert.code) {
    case 'order_late':
      return `Order ${alert.params.number} is past its promise`;
    case 'queue_old':
      return `The oldest waiting order is over ${alert.params.minutes} min old`;
    case 'machine_fault':
      return `${alert.params.name} is in fault`;
    case 'screen_offline':
      return `Screen ${alert.params.screen} has been offline for over ${alert.params.minutes} min`;
    case 'obs_down_while_streaming':
      return 'OBS is disconnected while the stream is live';
  }
}
