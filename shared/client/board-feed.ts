import { io, type Socket } from 'socket.io-client';
import { BoardMirror } from '../board-mirror.js';
import type { BoardClientToServerEvents, BoardServerToClientEvents } from '../events.js';
import { BOARD_NAMESPACE } from '../protocol.js';
import type { BoardChange } from '../schemas/board.js';
import type { Hello } from '../schemas/display.js';

export interface BoardFeedOptions {
  /** Hub origin, e.g. `http://localhost:8080`; empty for the page's own origin. */
  url?: string;
  /** Sent in the handshake so the hub can list screens. */
  query?: Record<string, string>;
  /** Called after every change to the board (snapshot or event). */
  /** `cause`: a snapshot (connect, resync), a live board change (it has a seq), or readings (telemetry, no seq). */
  onChange?: (mirror: BoardMirror, cause: 'snapshot' | 'change' | 'readings') => void;
  /** Called when the connection state flips. */
  onConnection?: (connected: boolean) => void;
  /** The hub's hello, first on every connection. */
  onHello?: (hello: Hello) => void;
  /** Staff asked this screen to reload. */
  onReload?: () => void;
  /** Extra socket.io-client options (tests pass `transports: ['websocket']`). */
  transports?: ('websocket' | 'polling')[];
}

type BoardSocket = Socket<BoardServerToClientEvents, BoardClientToServerEvents>;

/**
 * A screen's live board: holds the server's snapshot, applies events in seq
 * order, and asks for a fresh snapshot on any gap. socket.io-client reconnects
 * forever with growing, jittered delays; the hub sends a snapshot on every
 * (re)connect, which replaces the board whole, so nothing stale survives.
 */
export class BoardFeed {
  readonly mirror = new BoardMirror();
  readonly socket: BoardSocket;
  #opts: BoardFeedOptions;
  #resyncs = 0;

  constructor(opts: BoardFeedOptions = {}) {
    this.#opts = opts;
    this.socket = io(`${opts.url ?? ''}${BOARD_NAMESPACE}`, {
      query: opts.query,
      transports: opts.transports ?? ['websocket', 'polling'],
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 10_000,
      randomizationFactor: 0.5,
    });
    this.socket.on('connect', () => opts.onConnection?.(true));
    this.socket.on('disconnect', () => opts.onConnection?.(false));
    this.socket.on('hello', (hello) => opts.onHello?.(hello));
    this.socket.on('reload', () => opts.onReload?.());
    this.socket.on('snapshot', (snapshot) => {
      this.mirror.load(snapshot);
      opts.onChange?.(this.mirror, 'snapshot');
    });
    this.socket.on('order', (e) => this.#apply({ type: 'order', ...e }));
    this.socket.on('machine', (e) => this.#apply({ type: 'machine', ...e }));
    this.socket.on('scene', (e) => this.#apply({ type: 'scene', ...e }));
    this.socket.on('run', (e) => this.#apply({ type: 'run', ...e }));
    this.socket.on('readings', (updates) => {
      let taken = false;
      for (const u of updates) taken = this.mirror.applyReadings(u) || taken;
      if (taken) opts.onChange?.(this.mirror, 'readings');
    });
    this.socket.on('batch', (items) => {
      for (const [type, e] of items) {
        // A gap stops the rest: they would be gaps too, and the snapshot asked for brings them.
        if (!this.#apply({ type, ...e } as BoardChange)) break;
      }
    });
  }

  /** Tells the hub this page painted the board up to `seq` (end-to-end latency; the caller samples). */
  painted(seq: number): void {
    if (this.socket.connected) this.socket.emit('painted', { seq, at: Date.now() });
  }

  /** How many times a seq gap made this feed ask for a fresh snapshot. */
  get resyncs(): number {
    return this.#resyncs;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** False on a gap (a fresh snapshot has been asked for). */
  #apply(change: BoardChange): boolean {
    const outcome = this.mirror.apply(change);
    if (outcome === 'gap') {
      this.#resyncs++;
      this.socket.emit('sync');
      return false;
    }
    if (outcome === 'applied') this.#opts.onChange?.(this.mirror, 'change');
    return true;
  }

  close(): void {
    this.socket.close();
  }
}
