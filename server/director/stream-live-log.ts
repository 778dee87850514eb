import type { Logger } from '../log.js';
import type { EventLog } from '../state/event-log.js';
import type { StreamHealth } from './stream-health.js';

/**
 * Logs the stream going live and stopping (`stream` entries of the event log): the pilot report counts an hour the
 * stream was live for half of as a live production window, as it does an hour a machine ran for half of.
 */
export function logStreamLive(health: StreamHealth, events: EventLog, log: Logger, now: () => number = Date.now): void {
  health.onStreamLive((live) => {
    events
      .append({ type: 'stream', stream: { live }, at: now() })
      .catch((err: unknown) => log.warn({ err, live }, 'could not log the stream going live or off'));
  });
}
