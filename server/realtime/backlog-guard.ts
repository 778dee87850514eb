import type { Namespace, Socket } from 'socket.io';
import type { Metrics } from '../metrics.js';

/**
 * What one screen may leave unread in the hub. A 200-order snapshot is about 60 KB; a screen that
 * keeps up holds next to nothing, and a slow one that falls a few thousand events behind in a burst
 * must not be mistaken for a dead one. One that answers pings but never reads (a hung player, or a
 * hostile client writing pongs blindly) would otherwise make the hub keep everything sent to it.
 * Counted per screen, though a broadcast frame is one string shared by every screen's queue: the
 * memory a stalled screen really costs is far below this.
 */
export const MAX_UNSENT_BYTES = 4 * 1024 * 1024;
/** A burst can put megabytes a second behind a stalled screen: after a send, look again this soon. */
const AFTER_SEND_MS = 100;
/** And at least this often, whatever is sent. */
const CHECK_MS = 1_000;

/** The parts of engine.io's and ws's sockets that say how much is waiting (untyped internals, read defensively). */
interface Backlogged {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number; terminate?: () => void } };
}

function bytesOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/** Bytes accepted for this socket but not yet taken by its client: engine.io's queue and the WebSocket's. */
export function unsentBytes(socket: Socket): number {
  const conn = socket.conn as unknown as Backlogged;
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) bytes += bytesOf(packet.data);
  return bytes;
}

/** True while anything is still waiting for this socket (a screen asking for a snapshot before it took the last). */
export function hasBacklog(socket: Socket): boolean {
  return unsentBytes(socket) > 0;
}

/** Ends the connection now, discarding what waits: a polite close would wait for the backlog to drain. */
function drop(socket: Socket): void {
  const conn = socket.conn as unknown as Backlogged & { close(discard?: boolean): void };
  const ws = conn.transport?.socket;
  conn.close(true);
  if (typeof ws?.terminate === 'function') ws.terminate();
}

/**
 * Drops the screens whose backlog passed `maxBytes`: they reconnect and resync from a fresh snapshot
 * when they read again, and the hub's memory per screen stays bounded. Checked every second, and
 * within 100 ms of each send (`sent()`), since a burst fills a stalled screen's share fast.
 */
export function watchBacklogs(nsp: Namespace, metrics: Metrics, maxBytes = MAX_UNSENT_BYTES): { sent(): void; close(): void } {
  const check = () => {
    for (const socket of nsp.sockets.values()) {
      if (unsentBytes(socket) <= maxBytes) continue;
      metrics.screensDropped.inc({ reason: 'slow' });
      drop(socket);
    }
  };
  const timer = setInterval(check, CHECK_MS);
  timer.unref();
  let soon: NodeJS.Timeout | undefined;
  return {
    sent: () => {
      soon ??= setTimeout(() => {
        soon = undefined;
        check();
      }, AFTER_SEND_MS);
    },
    close: () => {
      clearInterval(timer);
      clearTimeout(soon);
    },
  };
}
