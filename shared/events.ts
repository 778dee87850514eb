import type { BatchItem, MachineEvent, OrderEvent, ReadingsUpdate, RunEvent, SceneEvent, Snapshot } from './schemas/board.js';
import type { Hello, PaintedAck } from './schemas/display.js';
import type { KioskState, StockChange } from './schemas/kiosk.js';
import type { ConsoleState } from './schemas/staff.js';

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
  run: (event: RunEvent) => void;
  /**
   * Changes that followed one another within a short window (at most 25 ms), in
   * seq order, in one frame: apply each exactly as if it had come alone. A
   * change after a quiet spell is sent at once, on its own.
   */
  batch: (events: BatchItem[]) => void;
  /**
   * Telemetry, coalesced: the newest readings of each machine that reported
   * since the last such frame, at most 4 frames a second. No seq: apply each
   * only if newer (`updatedAt`) than what the screen holds.
   */
  readings: (updates: ReadingsUpdate[]) => void;
}

export interface BoardClientToServerEvents {
  /** Ask for a fresh `snapshot` (after a seq gap). Rate-limited by the hub. */
  sync: () => void;
  /** The board painted up to `seq` (sampled; off with `display.reportPainted: false`): end-to-end latency. */
  painted: (ack: PaintedAck) => void;
}

/** Hubs talk to each other through Redis, not socket.io events. */
export type InterServerEvents = Record<string, never>;

export interface BoardSocketData {
  screen?: string;
  station?: string;
}

/** `/kiosk`: public and read-only. */
export interface KioskServerToClientEvents {
  /** On connect: the menu with what is left of each product today. */
  kiosk: (state: KioskState) => void;
  /** What is left of one product changed (an order on any kiosk, or a cancel). */
  stock: (change: StockChange) => void;
}
export type KioskClientToServerEvents = Record<string, never>;

/** `/staff`: only with a staff session; refused at the handshake without one. */
export interface StaffServerToClientEvents {
  console: (state: ConsoleState) => void;
  /** The session ended (expired or logged out): the console goes back to its login. */
  ended: () => void;
}
export type StaffClientToServerEvents = Record<string, never>;
export interface StaffSocketData {
  who: string;
}
