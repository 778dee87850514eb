// `npm run demo`: the hub plus a simulated pop-up day, fed through the real doors
// (REST always; with REDIS_URL, alternately Redis pub/sub and the inbox stream too).
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { CHANNELS, INBOX_STREAM } from '../shared/protocol.js';
import { pageAddresses } from '../server/addresses.js';
import { loadConfig } from '../server/config.js';
import { newApiToken, newStaffPin } from '../server/credentials/credentials.js';
import { startHub } from '../server/hub.js';
import { PopUpSimulator, type SimEvent } from './simulator.js';

const DEMO_DATA_DIR = './data-demo';
// Embedded, in the demo's own folder, each run is a fresh demo day; in a folder or Redis of yours,
// the board is kept and this run's order numbers follow the ones already on it.
if (!process.env.DATA_DIR && !process.env.REDIS_URL) rmSync(DEMO_DATA_DIR, { recursive: true, force: true });
// The simulator writes through the REST door, so it needs the token itself: a demo run makes its own.
const apiToken = process.env.API_TOKEN ?? newApiToken();
const staffPin = process.env.STAFF_PIN ?? newStaffPin();
const config = loadConfig({ DATA_DIR: DEMO_DATA_DIR, ...process.env, API_TOKEN: apiToken, STAFF_PIN: staffPin });
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
const sim = new PopUpSimulator(Date.now() - 4 * 60_000, Date.now() % 1000, lastNumber);
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
const timer = setInterval(() => {
  for (const event of sim.step(Date.now())) void send(event).catch((err: unknown) => process.stderr.write(`demo: ${String(err)}\n`));
}, 250);

const stop = () => {
  clearInterval(timer);
  redis?.disconnect();
  void hub.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
