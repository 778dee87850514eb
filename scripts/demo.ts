// `npm run demo`: the hub plus a simulated pop-up day, fed through the real doors
// (REST always; with REDIS_URL, alternately Redis pub/sub and the inbox stream too).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { CHANNELS, INBOX_STREAM } from '../shared/protocol.js';
import { pageAddresses } from '../server/addresses.js';
import { loadConfig } from '../server/config.js';
import { newApiToken, newStaffPin } from '../server/credentials/credentials.js';
import { startHub } from '../server/hub.js';
import { DemoFloor } from './demo-floor.js';
import { PopUpSimulator, type SimEvent } from './simulator.js';

const DEMO_MACHINES = [
  { id: 'oven-1', name: 'Stone oven', kind: 'oven' as const, state: 'idle' as const, updatedAt: 0 },
  { id: 'printer-1', name: 'Textile printer', kind: 'printer' as const, state: 'idle' as const, updatedAt: 0 },
];

const DEMO_DATA_DIR = './data-demo';
// Embedded, in the demo's own folder, each run is a fresh demo day; in a folder or Redis of yours,
// the board is kept and this run's order numbers follow the ones already on it.
if (!process.env.DATA_DIR && !process.env.REDIS_URL) rmSync(DEMO_DATA_DIR, { recursive: true, force: true });
// The simulator writes through the REST door, so it needs the token itself: a demo run makes its own.
const apiToken = process.env.API_TOKEN ?? newApiToken();
const staffPin = process.env.STAFF_PIN ?? newStaffPin();
// A day on the planner unless a config of yours says otherwise: the demo's own config switches it on.
const demoConfig = process.env.CONFIG ?? writeDemoConfig();
const config = loadConfig({ DATA_DIR: DEMO_DATA_DIR, ...process.env, CONFIG: demoConfig, API_TOKEN: apiToken, STAFF_PIN: staffPin });
const planned = config.shop.planner.enabled;
const hub = await startHub(config);
const redis = config.redisUrl ? new Redis(config.redisUrl) : undefined;
const lastNumber = Math.max(
  100,
  ...hub.board
    .snapshot()
    .orders.map((o) => Number(o.number))
    .filter(Number.isSafeInteger),
);
// Started a few minutes back, so the board is already busy when the page opens.
const sim = new PopUpSimulator(Date.now() - 4 * 60_000, Date.now() % 1000, lastNumber, { planned });
const floor = planned ? new DemoFloor(config.shop.catalogue, DEMO_MACHINES) : undefined;
let n = 0;

async function send(event: SimEvent): Promise<void> {
  const body = JSON.stringify(event.kind === 'order' ? event.order : event.machine);
  const door = redis ? n++ % 3 : 0;
  if (door === 1 && redis) await redis.publish(event.kind === 'order' ? CHANNELS.orders : CHANNELS.machines, body);
  else if (door === 2 && redis) await redis.xadd(INBOX_STREAM, '*', event.kind, body);
  else {
    const res = await fetch(`${hub.url}/api/${event.kind === 'order' ? 'orders' : 'machines'}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body,
    });
    if (!res.ok) process.stderr.write(`demo: ${event.kind} refused: ${await res.text()}\n`);
  }
}

process.stderr.write(
  [
    '',
    'batchboard demo: a pop-up day is starting.',
    pageAddresses(hub.port, config.publicUrl, config.host),
    `  staff PIN  ${staffPin}${process.env.STAFF_PIN ? ' (STAFF_PIN)' : ' (this run only; set STAFF_PIN to choose one)'}`,
    `  API token  ${apiToken}${process.env.API_TOKEN ? ' (API_TOKEN)' : ' (this run only; set API_TOKEN to choose one)'}`,
    `  orders     numbered from ${lastNumber + 1}`,
    '',
    '',
  ].join('\n'),
);
const sendAll = (events: SimEvent[]) => {
  for (const event of events) void send(event).catch((err: unknown) => process.stderr.write(`demo: ${String(err)}\n`));
};
if (floor) sendAll(floor.start(Date.now()));
const timer = setInterval(() => {
  sendAll(sim.step(Date.now()));
  if (floor) sendAll(floor.step(Date.now(), hub.board));
}, 250);

/** The demo's config in its data folder: the sample menu (made in runs) with the planner on. */
function writeDemoConfig(): string {
  mkdirSync(DEMO_DATA_DIR, { recursive: true });
  const file = path.resolve(DEMO_DATA_DIR, 'demo-store.json');
  writeFileSync(file, JSON.stringify({ planner: { enabled: true } }));
  return file;
}

const stop = () => {
  clearInterval(timer);
  redis?.disconnect();
  void hub.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
