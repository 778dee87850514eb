import type { Server, Socket } from 'socket.io';
import type { BoardClientToServerEvents, BoardServerToClientEvents, BoardSocketData, InterServerEvents } from '../../shared/events.js';
import { BOARD_NAMESPACE, PAINTED_EVERY_MS, PROTOCOL_VERSION } from '../../shared/protocol.js';
import type { BoardChange } from '../../shared/schemas/board.js';
import { PaintedAck, ScreenQuery, type DisplayConfig, type Hello } from '../../shared/schemas/display.js';
import { describeIssues, invalidInput, summariseIssues } from '../../shared/validation.js';
import type { Board } from '../board/board.js';
import type { Metrics } from '../metrics.js';
import type { ScreenRegistry } from '../screens/registry.js';
import { hasBacklog } from './backlog-guard.js';
import { guardFlood } from './flood-guard.js';
import { refusal } from './refusal.js';
import { FrameCoalescer } from './frame-coalescer.js';
import { TelemetryCoalescer } from './telemetry-coalescer.js';
import { typedNamespace, type BoardNamespace } from './typed-namespace.js';

/** Changes within this window after the first one share a frame (the contract allows up to 25 ms). */
const COALESCE_MS = 20;

/** Telemetry frames at most this often: ≤ 4 updates a second per machine per screen, the newest within 300 ms. */
const READINGS_INTERVAL_MS = 250;

/** Screens that connected since the last greeting share it: hello and snapshot are encoded once per group. */
const FRESH = 'fresh';

/** A screen may ask for a fresh snapshot at most this often. */
const SYNC_INTERVAL_MS = 1_000;

export function screenRoom(name: string): string {
  return `screen:${name}`;
}

export interface BoardNamespaceDeps {
  board: Board;
  metrics: Metrics;
  screens: ScreenRegistry;
  appVersion: string;
  display: DisplayConfig;
  /** Called after each broadcast (the backlog guard looks at what screens left unread). */
  onSent?: () => void;
  /** A screen painted the board up to `seq` (its ack checked and rate-limited here). */
  onPainted?: (seq: number) => void;
}

/**
 * Fan-out to screens on `/board`: hello and a snapshot on connect, then every
 * board change as one broadcast to this hub's own screens. Each hub receives
 * every change from the store's feed, so `local` broadcasts reach every
 * screen of every hub exactly once.
 */
export function attachBoardNamespace(io: Server, deps: BoardNamespaceDeps): BoardNamespace {
  const nsp = typedNamespace(io, BOARD_NAMESPACE);
  const hello: Hello = { protocol: PROTOCOL_VERSION, appVersion: deps.appVersion, display: deps.display };
  admitScreens(nsp, deps);
  const greeter = greetArrivals(nsp, deps.board, hello);
  acceptScreens(nsp, deps, greeter);
  const frames = broadcastChanges(nsp, deps, greeter);
  broadcastReadings(nsp, deps, greeter, frames);
  broadcastResets(nsp, deps.board, greeter, frames);
  return nsp;
}

type BoardSocket = Socket<BoardClientToServerEvents, BoardServerToClientEvents, InterServerEvents, BoardSocketData>;

/** Greets the screens that arrived: `arrived` after one joins FRESH, `flush` before any broadcast. */
interface Greeter {
  arrived: () => void;
  flush: () => void;
}

/** Refuses a handshake with a malformed screen query; a named screen is recorded in the registry. */
function admitScreens(nsp: BoardNamespace, deps: BoardNamespaceDeps): void {
  nsp.use((socket, next) => {
    const parsed = ScreenQuery.safeParse(socket.handshake.query);
    if (!parsed.success) {
      next(refusal(`invalid screen query: ${summariseIssues(describeIssues(parsed.error))}`, invalidInput(parsed.error, socket.handshake.query)));
      return;
    }
    socket.data.screen = parsed.data.screen;
    socket.data.station = parsed.data.station;
    if (parsed.data.screen) deps.screens.connected(parsed.data.screen, parsed.data, deps.appVersion);
    next();
  });
}

/**
 * A reconnect storm brings thousands of screens in a few seconds; socket.emit would encode the
 * snapshot once per screen. Greeting every screen that arrived in one turn of the event loop
 * with one broadcast encodes it once per turn. Any broadcast of a change greets first, so a
 * screen never sees a change before its snapshot (which is taken after that change: stale, harmless).
 */
function greetArrivals(nsp: BoardNamespace, board: Board, hello: Hello): Greeter {
  let greeting: NodeJS.Immediate | undefined;
  function greet(): void {
    clearImmediate(greeting);
    greeting = undefined;
    const fresh = nsp.local.to(FRESH);
    fresh.emit('hello', hello);
    // Before the first load, the `reset` broadcast delivers the snapshot.
    if (board.loaded) fresh.emit('snapshot', board.snapshot());
    nsp.local.in(FRESH).socketsLeave(FRESH);
  }
  return {
    arrived: () => {
      if (!greeting) greeting = setImmediate(greet);
    },
    flush: () => {
      if (greeting) greet();
    },
  };
}

/** Each screen: flood guard, the gauge, its own room and FRESH, snapshots on request, and its leaving. */
function acceptScreens(nsp: BoardNamespace, deps: BoardNamespaceDeps, greeter: Greeter): void {
  const { metrics, screens } = deps;
  nsp.on('connection', (socket) => {
    guardFlood(socket, metrics, 'board');
    metrics.screens.inc();
    const name = socket.data.screen;
    if (name) void socket.join(screenRoom(name));
    void socket.join(FRESH);
    greeter.arrived();
    const syncs = answerSyncs(socket, deps);
    takePaintedAcks(socket, deps);
    socket.on('disconnect', () => {
      syncs.cancel();
      metrics.screens.dec();
      if (name) screens.disconnected(name);
    });
  });
}

/**
 * A screen's `painted` acks, checked (anything else is dropped without a word: a hostile client gets nothing to
 * learn) and taken at most one per `PAINTED_EVERY_MS`, less a margin for timers: a screen cannot flood the figures.
 */
function takePaintedAcks(socket: BoardSocket, deps: BoardNamespaceDeps): void {
  let last = -Infinity;
  let lastSeq = -1;
  socket.on('painted', (raw: unknown) => {
    const now = Date.now();
    if (!deps.onPainted || now - last < PAINTED_EVERY_MS * 0.8) return;
    const ack = PaintedAck.safeParse(raw);
    // Each seq once per screen, and only one the board has reached: a client cannot weigh the figures by repeating.
    if (!ack.success || ack.data.seq <= lastSeq || ack.data.seq > deps.board.seq) return;
    last = now;
    lastSeq = ack.data.seq;
    deps.onPainted(ack.data.seq);
  });
}

/** A screen's `sync` gets a snapshot, at most one per SYNC_INTERVAL_MS; asks while one is pending are dropped. */
function answerSyncs(socket: BoardSocket, deps: BoardNamespaceDeps): { cancel: () => void } {
  const { board, metrics } = deps;
  let lastSync = 0;
  let pending: NodeJS.Timeout | undefined;
  socket.on('sync', () => {
    if (pending) return;
    // Its last frames are still on their way: another snapshot would only pile up behind them.
    if (hasBacklog(socket)) {
      metrics.syncsIgnored.inc();
      return;
    }
    const wait = Math.max(0, lastSync + SYNC_INTERVAL_MS - Date.now());
    pending = setTimeout(() => {
      pending = undefined;
      lastSync = Date.now();
      if (!board.loaded) return;
      socket.emit('snapshot', board.snapshot());
      deps.onSent?.();
    }, wait);
  });
  return { cancel: () => clearTimeout(pending) };
}

/** Board changes go out coalesced: one change alone as its own event, several as one `batch`. */
function broadcastChanges(nsp: BoardNamespace, deps: BoardNamespaceDeps, greeter: Greeter): FrameCoalescer {
  const frames = new FrameCoalescer(COALESCE_MS, (items) => {
    greeter.flush();
    const local = nsp.local;
    deps.onSent?.();
    if (items.length > 1) {
      local.emit('batch', items);
      return;
    }
    const [type, payload] = items[0]!;
    if (type === 'order') local.emit('order', payload);
    else if (type === 'machine') local.emit('machine', payload);
    else if (type === 'scene') local.emit('scene', payload);
    else local.emit('run', payload);
  });
  deps.board.on('change', (change) => queueChange(frames, change));
  return frames;
}

/** Queues a change as the frame item screens receive (`removed` only on a removal). */
function queueChange(frames: FrameCoalescer, change: BoardChange): void {
  switch (change.type) {
    case 'order':
      frames.push(['order', change.removed ? { seq: change.seq, order: change.order, removed: true } : { seq: change.seq, order: change.order }]);
      break;
    case 'machine':
      frames.push(['machine', { seq: change.seq, machine: change.machine }]);
      break;
    case 'scene':
      frames.push(['scene', { seq: change.seq, scene: change.scene }]);
      break;
    case 'run':
      frames.push(['run', { seq: change.seq, run: change.run }]);
      break;
  }
}

/** Machine readings go out coalesced per machine, at most every READINGS_INTERVAL_MS. */
function broadcastReadings(nsp: BoardNamespace, deps: BoardNamespaceDeps, greeter: Greeter, frames: FrameCoalescer): void {
  const telemetry = new TelemetryCoalescer(READINGS_INTERVAL_MS, (updates) => {
    // A machine's first appearance may still wait in the change window; its readings must not arrive before it.
    frames.flushQueued();
    greeter.flush();
    nsp.local.emit('readings', updates);
    deps.onSent?.();
  });
  deps.board.on('readings', (update) => telemetry.push(update));
}

/** A board reloaded whole goes out as a snapshot, which carries whatever changes were still queued. */
function broadcastResets(nsp: BoardNamespace, board: Board, greeter: Greeter, frames: FrameCoalescer): void {
  board.on('reset', (snapshot) => {
    greeter.flush();
    frames.clear();
    nsp.local.emit('snapshot', snapshot);
  });
}

/** Asks a named screen to reload, on whichever hub it is connected to (through the socket.io adapter). */
export function reloadScreen(nsp: BoardNamespace, name: string): void {
  nsp.to(screenRoom(name)).emit('reload');
}
