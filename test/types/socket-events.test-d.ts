/**
 * Type test, checked by `tsc -p .` (so by `npm run typecheck`), never run: vitest
 * only runs `*.test.ts`. Each `@ts-expect-error` below is a mistake that must not
 * compile; if the namespaces' typing ever loosens (an `any`, a default event map,
 * a cast back to an untyped namespace), the mistake compiles, the directive is
 * unused, and typecheck fails.
 */
import type { Server } from 'socket.io';
import type { Snapshot } from '../../shared/schemas/board.js';
import type { StockChange } from '../../shared/schemas/kiosk.js';
import type { ConsoleState } from '../../shared/schemas/staff.js';
import { BOARD_NAMESPACE, KIOSK_NAMESPACE, STAFF_NAMESPACE } from '../../shared/protocol.js';
import { typedNamespace } from '../../server/realtime/typed-namespace.js';

/** Never called: only its body's types matter. */
export function boardEvents(io: Server, snapshot: Snapshot): void {
  const nsp = typedNamespace(io, BOARD_NAMESPACE);
  nsp.emit('snapshot', snapshot);
  nsp.local.emit('reload');
  // @ts-expect-error: no such event on /board
  nsp.emit('snapshots', snapshot);
  // @ts-expect-error: a /kiosk event is not a /board event
  nsp.emit('stock', { sku: 'tee', left: 1 });
  // @ts-expect-error: a snapshot needs seq, orders, machines and scene
  nsp.emit('snapshot', { seq: 1 });
  // @ts-expect-error: reload carries nothing
  nsp.to('screen').emit('reload', 'now');
  nsp.on('connection', (socket) => {
    socket.emit('snapshot', snapshot);
    // @ts-expect-error: wrong payload on one socket too
    socket.emit('order', snapshot);
    socket.on('sync', () => undefined);
    // @ts-expect-error: screens only ask for `sync`
    socket.on('resync', () => undefined);
    socket.data.screen = 'door';
    // @ts-expect-error: a screen's name is a string
    socket.data.screen = 1;
  });
}

/** Never called: only its body's types matter. */
export function kioskEvents(io: Server, change: StockChange): void {
  const nsp = typedNamespace(io, KIOSK_NAMESPACE);
  nsp.local.emit('stock', change);
  // @ts-expect-error: no such event on /kiosk
  nsp.local.emit('stocks', change);
  // @ts-expect-error: a /board event is not a /kiosk event
  nsp.emit('reload');
  // @ts-expect-error: `left` is a number
  nsp.local.emit('stock', { sku: 'tee', left: 'one' });
}

/** Never called: only its body's types matter. */
export function staffEvents(io: Server, state: ConsoleState): void {
  const nsp = typedNamespace(io, STAFF_NAMESPACE);
  nsp.emit('console', state);
  nsp.emit('ended');
  // @ts-expect-error: no such event on /staff
  nsp.emit('consoles', state);
  // @ts-expect-error: the console's state, not a stock change
  nsp.emit('console', { sku: 'tee', left: 1 });
  nsp.on('connection', (socket) => {
    // @ts-expect-error: the session's `who` is a string
    socket.data.who = 7;
  });
}

/** Never called: a namespace the contract does not name has no events to type it with. */
export function unknownNamespace(io: Server): void {
  // @ts-expect-error: '/boards' is not a namespace of ours
  typedNamespace(io, '/boards');
}
