// `npm run demo`: the hub plus a simulated pop-up day, fed through the real doors
// (REST always; with REDIS_URL, alternately Redis pub/sub and the inbox stream too;
// with MQTT_URL and a broker that answers, the machines report over MQTT as a gateway's would).
// The door's people counter and, when the director saves highlights, the social team's reach reports go through
// REST too, so /report has walk-ins, conversion and reach to show.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { connectAsync, type MqttClient } from 'mqtt';
import { CHANNELS, INBOX_STREAM } from '../shared/protocol.js';
import { pageAddresses } from '../server/addresses.js';
import { loadConfig } from '../server/config.js';
import { newApiToken, newStaffPin } from '../server/credentials/credentials.js';
import { startHub } from '../server/hub.js';
import type { Highlight } from '../shared/schemas/director.js';
import { DemoDoor, DemoSocial } from './demo-door.js';
import { DemoFloor } from './demo-floor.js';
import { PopUpSimulator, type SimEvent } from './simulator.js';

const DEMO_MACHINES = [
  { id: 'oven-1', name: 'Stone oven', kind: 'oven' as const, state: 'idle' as const, updatedAt: 0 },
  { id: 'printer-1', name: 'Textile printer', kind: 'printer' as const, state: 'idle' as const, updatedAt: 0 },
];

const DEMO_DATA_DIR = './data-demo';
/** Where the demo's machines report with MQTT_URL: `batchboard-demo/machines/<id>`. */
const DEMO_TOPIC = 'batchboard-demo/machines';
// Embedded, in the demo's own folder, each run is a fresh demo day; in a folder or Redis of yours,
// the board is kept and this run's order numbers follow the ones already on it.
if (!process.env.DATA_DIR && !process.env.REDIS_URL) rmSync(DEMO_DATA_DIR, { recursive: true, force: true });
// The simulator writes through the REST door, so it needs the token itself: a demo run makes its own.
const apiToken = process.env.API_TOKEN ?? newApiToken();
const staffPin = process.env.STAFF_PIN ?? newStaffPin();
const mqtt = await mqttPublisher(process.env.MQTT_URL);
// A day on the planner unless a config of yours says otherwise: the demo's own config switches it on.
const demoConfig = process.env.CONFIG ?? writeDemoConfig(mqtt !== undefined);
const mqttUrl = process.env.CONFIG || mqtt ? process.env.MQTT_URL : undefined;
const config = loadConfig({ DATA_DIR: DEMO_DATA_DIR, ...process.env, MQTT_URL: mqttUrl, CONFIG: demoConfig, API_TOKEN: apiToken, STAFF_PIN: staffPin });
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
const simStart = Date.now() - 4 * 60_000;
const sim = new PopUpSimulator(simStart, Date.now() % 1000, lastNumber, { planned });
const door = new DemoDoor(simStart);
const social = config.obs ? new DemoSocial() : undefined;
const floor = planned ? new DemoFloor(config.shop.catalogue, DEMO_MACHINES) : undefined;
let n = 0;

async function send(event: SimEvent): Promise<void> {
  if (event.kind === 'machine' && mqtt) {
    // The whole machine each time: no batch is said as null, or the door would keep the held one.
    await mqtt.publishAsync(`${DEMO_TOPIC}/${event.machine.id}`, JSON.stringify({ ...event.machine, batch: event.machine.batch ?? null }), { qos: 1 });
    return;
  }
  const body = JSON.stringify(event.kind === 'order' ? event.order : event.machine);
  const via = redis ? n++ % 3 : 0;
  if (via === 1 && redis) await redis.publish(event.kind === 'order' ? CHANNELS.orders : CHANNELS.machines, body);
  else if (via === 2 && redis) await redis.xadd(INBOX_STREAM, '*', event.kind, body);
  else await post(event.kind === 'order' ? 'orders' : 'machines', body);
}

async function post(route: 'orders' | 'machines' | 'footfall' | 'social', body: string): Promise<void> {
  const res = await fetch(`${hub.url}/api/${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body,
  });
  if (!res.ok) process.stderr.write(`demo: ${route} refused: ${await res.text()}\n`);
}

/** The clips published of the director's highlights, and their reach as it grows (read as the social team's tools would). */
async function reportReach(): Promise<void> {
  if (!social) return;
  const res = await fetch(`${hub.url}/api/director/highlights`, { headers: { authorization: `Bearer ${apiToken}` } });
  if (!res.ok) return;
  const { data } = (await res.json()) as { data: Highlight[] };
  for (const report of social.step(Date.now(), data)) await post('social', JSON.stringify(report));
}

process.stderr.write(
  [
    '',
    'batchboard demo: a pop-up day is starting.',
    pageAddresses(hub.port, config.publicUrl, config.host),
    `  staff PIN  ${staffPin}${process.env.STAFF_PIN ? ' (STAFF_PIN)' : ' (this run only; set STAFF_PIN to choose one)'}`,
    `  API token  ${apiToken}${process.env.API_TOKEN ? ' (API_TOKEN)' : ' (this run only; set API_TOKEN to choose one)'}`,
    `  orders     numbered from ${lastNumber + 1}`,
    ...(mqtt ? [`  machines   over MQTT, ${DEMO_TOPIC}/<id> on ${process.env.MQTT_URL ?? ''}`] : []),
    ...(config.obs ? [`  OBS        ${config.obs.url}: cuts and clips by the sample rules (Highlights on the staff console)`] : []),
    '',
    '',
  ].join('\n'),
);
const failed = (err: unknown) => process.stderr.write(`demo: ${String(err)}\n`);
const sendAll = (events: SimEvent[]) => {
  for (const event of events) void send(event).catch(failed);
};
if (floor) sendAll(floor.start(Date.now()));
const timer = setInterval(() => {
  const customers = sim.step(Date.now());
  door.observe(customers);
  sendAll(customers);
  if (floor) sendAll(floor.step(Date.now(), hub.board));
  for (const count of door.step(Date.now())) void post('footfall', JSON.stringify(count)).catch(failed);
}, 250);
// Every 10 s (five demo minutes): a clip's reach is read a few times in its first hour.
const reachTimer = setInterval(() => void reportReach().catch(failed), 10_000);

/**
 * The demo's config in its data folder: the sample menu (made in runs) with the planner on, the sample store's director
 * rules (docs/sample-store/store.json: with OBS_URL set the program cuts and clips by itself), and the MQTT door when a broker answers.
 */
function writeDemoConfig(withMqtt: boolean): string {
  mkdirSync(DEMO_DATA_DIR, { recursive: true });
  const file = path.resolve(DEMO_DATA_DIR, 'demo-store.json');
  const map = {
    id: '$topic[2]',
    ...Object.fromEntries(['name', 'kind', 'state', 'batch', 'updatedAt'].map((key) => [key, `$.${key}`])),
    readings: { tempC: '$.readings.tempC', inkPct: '$.readings.inkPct' },
  };
  // A client id of its own: on Redis the hub needs HUB_ID or one (docs/protocol.md, "Several hubs").
  const clientId = `batchboard-demo-${process.env.HUB_ID ?? 'hub'}`;
  const mqtt = { clientId, subscriptions: [{ topic: `${DEMO_TOPIC}/+`, as: 'machine', map }] };
  const sample = JSON.parse(readFileSync(new URL('../docs/sample-store/store.json', import.meta.url), 'utf8')) as { director: unknown };
  // The replay buffer always on: with OBS_URL the demo clips the tray coming out although nothing streams or records.
  const director = { ...(sample.director as object), replayBuffer: 'always' };
  writeFileSync(file, JSON.stringify({ planner: { enabled: true }, director, ...(withMqtt ? { mqtt } : {}) }));
  return file;
}

/** A publisher on MQTT_URL, when it is set and a broker answers there; else the machines go through REST. */
async function mqttPublisher(url: string | undefined): Promise<MqttClient | undefined> {
  if (!url) return undefined;
  try {
    const client = await connectAsync(url, { protocolVersion: 5, connectTimeout: 3_000, clientId: `batchboard-demo-${process.pid}` });
    client.on('error', () => undefined);
    return client;
  } catch (err) {
    process.stderr.write(`demo: no MQTT broker answers at ${url} (${String(err)}): the machines report through REST\n`);
    return undefined;
  }
}

const stop = () => {
  clearInterval(timer);
  clearInterval(reachTimer);
  redis?.disconnect();
  void mqtt?.endAsync();
  void hub.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
