import type { Namespace, Server } from 'socket.io';
import type {
  BoardClientToServerEvents,
  BoardServerToClientEvents,
  BoardSocketData,
  InterServerEvents,
  KioskClientToServerEvents,
  KioskServerToClientEvents,
  StaffClientToServerEvents,
  StaffServerToClientEvents,
  StaffSocketData,
} from '../../shared/events.js';
import type { BOARD_NAMESPACE, KIOSK_NAMESPACE, STAFF_NAMESPACE } from '../../shared/protocol.js';

/**
 * The event maps of each namespace, keyed by its path: the one place that says
 * which contract in shared/events.ts a namespace speaks.
 */
export interface NamespaceEvents {
  [BOARD_NAMESPACE]: { listen: BoardClientToServerEvents; emit: BoardServerToClientEvents; data: BoardSocketData };
  [KIOSK_NAMESPACE]: { listen: KioskClientToServerEvents; emit: KioskServerToClientEvents; data: Record<string, never> };
  [STAFF_NAMESPACE]: { listen: StaffClientToServerEvents; emit: StaffServerToClientEvents; data: StaffSocketData };
}

export type NamespaceName = keyof NamespaceEvents;

export type TypedNamespace<N extends NamespaceName> = Namespace<
  NamespaceEvents[N]['listen'],
  NamespaceEvents[N]['emit'],
  InterServerEvents,
  NamespaceEvents[N]['data']
>;

export type BoardNamespace = TypedNamespace<typeof BOARD_NAMESPACE>;
export type KioskNamespace = TypedNamespace<typeof KIOSK_NAMESPACE>;
export type StaffNamespace = TypedNamespace<typeof STAFF_NAMESPACE>;

/**
 * The namespace at `name`, typed with its own events from shared/events.ts.
 *
 * The one cast of the realtime layer, and why it cannot go: socket.io 4.8 types
 * `io.of()` with the server's generics (`Server<L, E, S, D>.of(): Namespace<L, E, S, D>`),
 * so one server can carry only one set of event maps, while ours carries three
 * namespaces that speak different ones. The name is the key into
 * `NamespaceEvents`, so a namespace cannot be given another's events.
 */
export function typedNamespace<N extends NamespaceName>(io: Server, name: N): TypedNamespace<N> {
  return io.of(name) as unknown as TypedNamespace<N>;
}
