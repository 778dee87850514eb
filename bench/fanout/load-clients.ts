// Load: N screens in this one process (its own core). In the store, every screen
// has a CPU of its own; here thousands share one, so each screen is as cheap as
// the protocol allows and costs the same whichever server it talks to: a plain
// `ws` client that speaks raw JSON to the ws baseline, and Engine.IO v4 +
// Socket.IO v5 (documented text protocols) to the two socket.io servers. What a
// client library adds on the screen side is not the server's latency.
//
// Each screen counts what it receives and how old each record is on arrival
// (now − its `updatedAt`, set at PUBLISH on the same clock).
import { WebSocket } from 'ws';

type Kind = 'ws' | 'socketio' | 'hub';
const kind = process.env.KIND as Kind;
const count = Number(process.env.COUNT);
/** Several URLs share the screens round-robin (two hubs behind nothing, or one load balancer). */
const urls = process.env.URL!.split(',');
/** Each screen from its own loopback address (127.0.0.2–251), so a proxy hashing client addresses can spread them. */
const spread = process.env.SPREAD_ADDRESSES === '1';
const BUCKETS = 5_000; // 1 ms each; the last one holds everything slower
const hist = new Uint32Array(BUCKETS + 1);
let delivered = 0;
let frames = 0;
let measuring = false;
/** Seqs seen per screen while measuring, to prove exactly-once delivery (hub only). */
let duplicates = 0;
let seqHoles = 0;
/** Telemetry: readings updates per machine, and the age of each on arrival. */
const readingsPerMachine = new Map<string, number>();
/** Telemetry frames per screen: (frames − 1) over the time from first to last is the rate a screen saw. */
let readingsRateSum = 0;
let readingsRateScreens = 0;
let readingsMinGapMs = Infinity;

const UPDATED_AT = '"updatedAt":';

function age(updatedAt: number): void {
  delivered++;
  hist[Math.min(BUCKETS, Math.max(0, Date.now() - updatedAt))]!++;
}

/** Every record in a frame carries one `updatedAt`: finding them is cheaper than parsing, and the same for every server. */
function scan(text: string, from: number): void {
  let i = text.indexOf(UPDATED_AT, from);
  while (i !== -1) {
    let end = i + UPDATED_AT.length;
    let v = 0;
    for (let c = text.charCodeAt(end); c >= 48 && c <= 57; c = text.charCodeAt(++end)) v = v * 10 + (c - 48);
    age(v);
    i = text.indexOf(UPDATED_AT, end);
  }
}

const SEQ = '"seq":';
/** The seqs of the changes in a hub frame, in order. */
function seqsOf(text: string, from: number): number[] {
  const out: number[] = [];
  let i = text.indexOf(SEQ, from);
  while (i !== -1) {
    let end = i + SEQ.length;
    let v = 0;
    for (let c = text.charCodeAt(end); c >= 48 && c <= 57; c = text.charCodeAt(++end)) v = v * 10 + (c - 48);
    out.push(v);
    i = text.indexOf(SEQ, end);
  }
  return out;
}

class Screen {
  ws!: WebSocket;
  /** Highest seq applied (hub): from the snapshot, then each change. */
  seq = -1;
  readingsFirst = 0;
  readingsLast = 0;
  readingsFrames = 0;
  #nsp: string;
  #url: string;
  onOpen: () => void = () => undefined;
  onSnapshot: (seq: number) => void = () => undefined;

  #localAddress: string | undefined;

  constructor(url: string, index: number) {
    this.#url = url;
    this.#localAddress = spread ? `127.0.0.${2 + (index % 250)}` : undefined;
    this.#nsp = kind === 'hub' ? '/board,' : '';
  }

  connect(): void {
    const target = kind === 'ws' ? this.#url : `${this.#url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    this.ws = new WebSocket(target, { perMessageDeflate: false, ...(this.#localAddress ? { localAddress: this.#localAddress } : {}) });
    if (kind === 'ws') this.ws.on('open', () => this.onOpen());
    this.ws.on('message', (data: Buffer) => this.#onMessage(data.toString()));
    this.ws.on('error', () => undefined); // a refused or cut connection shows as a missing screen, not a crash
  }

  #onMessage(text: string): void {
    if (kind === 'ws') {
      if (measuring) {
        frames++;
        scan(text, 0);
      }
      return;
    }
    const type = text.charCodeAt(0);
    if (type === 50 /* 2: ping */) {
      this.ws.send('3');
      return;
    }
    if (type === 48 /* 0: open */) {
      this.ws.send(`40${this.#nsp}`);
      return;
    }
    if (type !== 52 /* 4: message */) return;
    const packet = text.charCodeAt(1);
    const body = 2 + this.#nsp.length;
    if (packet === 48 /* 0: namespace connected */) {
      this.onOpen();
      return;
    }
    if (packet !== 50 /* 2: event */) return;
    // 42/board,["name",...
    const nameEnd = text.indexOf('"', body + 2);
    const name = text.slice(body + 2, nameEnd);
    if (name === 'snapshot') {
      const seq = (JSON.parse(text.slice(body)) as [string, { seq: number }])[1].seq;
      this.seq = seq;
      this.onSnapshot(seq);
      return;
    }
    if (name === 'readings') {
      if (!measuring) return;
      frames++;
      const now = Date.now();
      if (this.readingsFirst === 0) this.readingsFirst = now;
      else readingsMinGapMs = Math.min(readingsMinGapMs, now - this.readingsLast);
      this.readingsLast = now;
      this.readingsFrames++;
      for (const u of (JSON.parse(text.slice(body)) as [string, { id: string; updatedAt: number }[]])[1]) {
        readingsPerMachine.set(u.id, (readingsPerMachine.get(u.id) ?? 0) + 1);
        age(u.updatedAt);
      }
      return;
    }
    if (name === 'hello') return;
    if (!measuring) {
      if (kind === 'hub') this.#follow(text, nameEnd);
      return;
    }
    frames++;
    if (kind === 'hub') this.#follow(text, nameEnd);
    scan(text, nameEnd);
  }

  /** Exactly once, in order: every change's seq is the one after the last. */
  #follow(text: string, from: number): void {
    for (const seq of seqsOf(text, from)) {
      if (measuring) {
        if (seq <= this.seq) duplicates++;
        else if (seq > this.seq + 1 && this.seq >= 0) seqHoles++;
      }
      if (seq > this.seq) this.seq = seq;
    }
  }

  drop(): void {
    this.ws.removeAllListeners();
    this.ws.on('error', () => undefined);
    this.ws.terminate();
  }
}

const screens: Screen[] = [];
let open = 0;
const opened = (): void => {
  if (++open === count) process.send?.({ type: 'ready' });
};
for (let i = 0; i < count; i++) {
  const s = new Screen(urls[i % urls.length]!, i);
  s.onOpen = opened;
  s.connect();
  screens.push(s);
  // Connect in small waves so the handshake queue does not itself become the test.
  if (i % 200 === 199) await new Promise((r) => setTimeout(r, 50));
}

// The bench gone (it failed or was stopped) means this process goes too.
process.on('disconnect', () => process.exit(0));

/** Reconnect storm: every screen drops at once and comes back; done when each holds a snapshot at `seq` or later. */
function storm(seq: number): void {
  const started = Date.now();
  let settled = 0;
  for (const s of screens) {
    s.drop();
    s.onOpen = () => undefined;
    s.onSnapshot = (at) => {
      if (at < seq) return;
      s.onSnapshot = () => undefined;
      if (++settled === screens.length) process.send?.({ type: 'storm-done', ms: Date.now() - started });
    };
    s.connect();
  }
}

process.on('message', (msg: { type: string; seq?: number }) => {
  if (msg.type === 'storm') storm(msg.seq ?? 0);
  else if (msg.type === 'start') {
    hist.fill(0);
    delivered = frames = duplicates = seqHoles = 0;
    readingsPerMachine.clear();
    readingsRateSum = readingsRateScreens = 0;
    readingsMinGapMs = Infinity;
    for (const s of screens) s.readingsFirst = s.readingsLast = s.readingsFrames = 0;
    measuring = true;
  } else if (msg.type === 'stop') {
    measuring = false;
    for (const s of screens) {
      if (s.readingsFrames < 2) continue;
      readingsRateSum += (s.readingsFrames - 1) / ((s.readingsLast - s.readingsFirst) / 1000);
      readingsRateScreens++;
    }
    const readings = { perScreenRate: readingsRateScreens ? readingsRateSum / readingsRateScreens : 0, minGapMs: Number.isFinite(readingsMinGapMs) ? readingsMinGapMs : null };
    process.send?.({ type: 'result', delivered, frames, duplicates, seqHoles, readingsPerMachine: Object.fromEntries(readingsPerMachine), readings, hist: [...hist] });
  }
});
