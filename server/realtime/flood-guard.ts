import type { Socket } from 'socket.io';
import type { Metrics } from '../metrics.js';

/** A screen asks for a snapshot now and then; a client sending more than this is not a screen. */
export const MAX_PACKETS_PER_SECOND = 20;

/**
 * Caps what one client may send: past the limit in any one second it is
 * disconnected (and counted), before its packets reach a handler, so a flood
 * from one socket cannot slow the fan-out to the others.
 */
export function guardFlood(socket: Socket, metrics: Metrics, door: string): void {
  let windowStart = Date.now();
  let count = 0;
  socket.use((_packet, next) => {
    const now = Date.now();
    if (now - windowStart >= 1_000) {
      windowStart = now;
      count = 0;
    }
    if (++count <= MAX_PACKETS_PER_SECOND) return next();
    if (socket.connected) {
      metrics.rejected.inc({ door: 'socket', reason: `flood:${door}` });
      socket.disconnect(true);
    }
  });
}
