// Load: N screens in this process (its own core), each counting what it receives and
// how old each order is on arrival (now − its updatedAt, set at PUBLISH on the same clock).
import { io as connect, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';

type Kind = 'ws' | 'socketio' | 'hub';
const kind = process.env.KIND as Kind;
const url = process.env.URL!;
const count = Number(process.env.COUNT);
const BUCKETS = 5_000; // 1 ms each; the last one holds everything slower
const hist = new Uint32Array(BUCKETS + 1);
let delivered = 0;
let measuring = false;

function seen(updatedAt: number): void {
  if (!measuring) return;
  delivered++;
  hist[Math.min(BUCKETS, Math.max(0, Date.now() - updatedAt))]!++;
}

interface OrderPayload {
  order?: { updatedAt: number };
  updatedAt?: number;
}

const sockets: (Socket | WebSocket)[] = [];
let open = 0;
const opened = () => {
  if (++open === count) process.send?.({ type: 'ready' });
};
for (let i = 0; i < count; i++) {
  if (kind === 'ws') {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('open', opened);
    ws.on('message', (data: Buffer) => seen((JSON.parse(data.toString()) as { updatedAt: number }).updatedAt));
    sockets.push(ws);
  } else {
    const s = connect(kind === 'hub' ? `${url}/board` : url, { transports: ['websocket'], forceNew: true, reconnection: false });
    s.once('connect', opened);
    s.on('order', (e: OrderPayload) => seen(e.order?.updatedAt ?? e.updatedAt ?? 0));
    s.on('batch', (items: [string, OrderPayload][]) => {
      for (const [, e] of items) seen(e.order?.updatedAt ?? 0);
    });
    sockets.push(s);
  }
  // Connect in small waves so the handshake queue does not itself become the test.
  if (i % 200 === 199) await new Promise((r) => setTimeout(r, 50));
}

// The bench gone (it failed or was stopped) means this process goes too.
process.on('disconnect', () => process.exit(0));
/** Reconnect storm: every screen drops at once and comes back; done when each holds a snapshot at `seq` or later. */
function storm(seq: number): void {
  const started = Date.now();
  let settled = 0;
  for (const s of sockets) {
    if (s instanceof WebSocket) continue;
    const onSnapshot = (snap: { seq: number }) => {
      if (snap.seq < seq) return;
      s.off('snapshot', onSnapshot);
      if (++settled === sockets.length) process.send?.({ type: 'storm-done', ms: Date.now() - started });
    };
    s.on('snapshot', onSnapshot);
    s.disconnect();
    s.connect();
  }
}

process.on('message', (msg: { type: string; seq?: number }) => {
  if (msg.type === 'storm') storm(msg.seq ?? 0);
  else if (msg.type === 'start') {
    hist.fill(0);
    delivered = 0;
    measuring = true;
  } else if (msg.type === 'stop') {
    measuring = false;
    process.send?.({ type: 'result', delivered, hist: [...hist] });
  } else if (msg.type === 'close') {
    for (const s of sockets) {
      if (s instanceof WebSocket) s.terminate();
      else s.close();
    }
    process.exit(0);
  }
});
