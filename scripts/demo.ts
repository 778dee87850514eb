// `npm run demo`: the hub plus a simulated pop-up day, fed through the real doors
// (REST always; with REDIS_URL, alternately Redis pub/sub and the inbox stream too).
import { Redis } from 'ioredis';
import { CHANNELS, INBOX_STREAM } from '../shared/protocol.js';
import { loadConfig } from '../server/config.js';
import { startHub } from '../server/hub.js';
import { PopUpSimulator, type SimEvent } from './simulator.js';

const config = loadConfig({ DATA_DIR: './data-demo', ...process.env });
const hub = await startHub(config);
const redis = config.redisUrl ? new Redis(config.redisUrl) : undefined;
// Started a few minutes back, so the board is already busy when the page opens.
const sim = new PopUpSimulator(Date.now() - 4 * 60_000, Date.now() % 1000);
let n = 0;

async function send(event: SimEvent): Promise<void> {
  const body = JSON.stringify(event.kind === 'order' ? event.order : event.machine);
  const door = redis ? n++ % 3 : 0;
  if (door === 1 && redis) await redis.publish(event.kind === 'order' ? CHANNELS.orders : CHANNELS.machines, body);
  else if (door === 2 && redis) await redis.xadd(INBOX_STREAM, '*', event.kind, body);
  else {
    const res = await fetch(`${hub.url}/api/${event.kind === 'order' ? 'orders' : 'machines'}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.apiToken}`, 'content-type': 'application/json' },
      body,
    });
    if (!res.ok) process.stderr.write(`demo: ${event.kind} refused: ${await res.text()}\n`);
  }
}

process.stderr.write(`\nbatchboard demo: open http://localhost:${hub.port}/display — a pop-up day is starting.\n\n`);
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
