import type { Server } from 'socket.io';
import { BOARD_NAMESPACE, PROTOCOL_VERSION } from '../../shared/protocol.js';
import { ScreenQuery, type DisplayConfig } from '../../shared/schemas/display.js';
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
}

/**
 * Fan-out to screens on `/board`: hello and a snapshot on connect, then every
 * board change as one broadcast to this hub's own screens. Each hub receives
 * every change from the store's feed, so `local` broadcasts reach every
 * screen of every hub exactly once.
 */
export function attachBoardNamespace(io: Server, deps: BoardNamespaceDeps): BoardNamespace {
  const { board, metrics, screens } = deps;
  const nsp = typedNamespace(io, BOARD_NAMESPACE);
  const hello = { protocol: PROTOCOL_VERSION, appVersion: deps.appVersion, display: deps.display };

  nsp.use((socket, next) => {
    const parsed = ScreenQuery.safeParse(socket.handshake.query);
    if (!parsed.success) {
      next(refusal(`invalid screen query: ${summariseIssues(describeIssues(parsed.error))}`, invalidInput(parsed.error, socket.handshake.query)));
      return;
    }
    socket.data.screen = parsed.data.screen;
    socket.data.station = parsed.data.station;
    if (parsed.data.screen) screens.connected(parsed.data.screen, parsed.data, deps.appVersion);
    next();
  });

  nsp.on('connection', (socket) => {
    guardFlood(socket, metrics, 'board');
    metrics.screens.inc();
    const name = socket.data.screen;
    if (name) void socket.join(screenRoom(name));
    void socket.join(FRESH);
    if (!greeting) greeting = setImmediate(greet);
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
    socket.on('disconnect', () => {
      clearTimeout(pending);
      metrics.screens.dec();
      if (name) screens.disconnected(name);
    });
  });

  // A reconnect storm brings thousands of screens in a few seconds; socket.emit would encode the
  // snapshot once per screen. Greeting every screen that arrived in one turn of the event loop
  // with one broadcast encodes it once per turn. Any broadcast of a change greets first, so a
  // screen never sees a change before its snapshot (which is taken after that change: stale, harmless).
  let greeting: NodeJS.Immediate | undefined;
  function greet(): void {
    clearImmediate(greeting);
    greeting = undefined;
    const fresh = nsp.local.to(FRESH);
    fresh.emit('hello', hello);
    // Before the first load, the `reset` broadcast below delivers the snapshot.
    if (board.loaded) fresh.emit('snapshot', board.snapshot());
    nsp.local.in(FRESH).socketsLeave(FRESH);
  }

  const frames = new FrameCoalescer(COALESCE_MS, (items) => {
    if (greeting) greet();
    const local = nsp.local;
    deps.onSent?.();
    if (items.length > 1) {
      local.emit('batch', items);
      return;
    }
    const [type, payload] = items[0]!;
    if (type === 'order') local.emit('order', payload);
    else if (type === 'machine') local.emit('machine', payload);
    else local.emit('scene', payload);
  });
  board.on('change', (change) => {
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
    }
  });
  const telemetry = new TelemetryCoalescer(READINGS_INTERVAL_MS, (updates) => {
    // A machine's first appearance may still wait in the change window; its readings must not arrive before it.
    frames.flushQueued();
    if (greeting) greet();
    nsp.local.emit('readings', updates);
    deps.onSent?.();
  });
  board.on('readings', (update) => telemetry.push(update));
  board.on('reset', (snapshot) => {
    if (greeting) greet();
    frames.clear();
    nsp.local.emit('snapshot', snapshot);
  });
  return nsp;
}

/** Asks a named screen to reload, on whichever hub it is connected to (through the socket.io adapter). */
export function reloadScreen(nsp: BoardNamespace, name: string): void {
  nsp.to(screenRoom(name)).emit('reload');
}
