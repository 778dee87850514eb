import type { MachineEvent, OrderEvent, SceneEvent, Snapshot } from './schemas/board.js';
import type { Hello } from './schemas/display.js';

/** `/board`: public and read-only. */
export interface BoardServerToClientEvents {
  /** First on every connection: app version and the store's display settings. */
  hello: (hello: Hello) => void;
  /** Staff asked this screen to reload itself. */
  reload: () => void;
  snapshot: (snapshot: Snapshot) => void;
  order: (event: OrderEvent) => void;
  machine: (event: MachineEvent) => void;
  scene: (event: SceneEvent) => void;
}

export interface BoardClientToServerEvents {
  /** Ask for a fresh `snapshot` (after a seq gap). Rate-limited by the hub. */
  sync: () => void;
}

/** Hubs talk to each other through Redis, not socket.io events. */
export type InterServerEvents = Record<string, never>;

export interface BoardSocketData {
  screen?: string;
  station?: string;
}
