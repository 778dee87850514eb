import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { get as sparkplugNamespace } from 'sparkplug-payload';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.js';
import type { Hub } from '../server/hub.js';
import type { Snapshot } from '../shared/schemas/board.js';
import type { Machine } from '../shared/schemas/machine.js';
import { startTestHub, tempDir } from './helpers/hub.js';
import { TestMosquitto } from './helpers/mosquitto.js';
import { TestRedis } from './helpers/redis-server.js';
import { eventually } from './helpers/screens.js';

/** The store's machines as a gateway publishes them: JSON state and readings, a bare temperature, Sparkplug B device data. */
const SUBSCRIPTIONS = [
  {
    topic: 'factory/+/state',
    as: 'machine',
    format: 'json',
    map: { id: '$topic[1]', kind: 'oven', state: '$.state', name: '$.label', batch: '$.batch', updatedAt: '$.ts' },
  },
  { topic: 'factory/+/readings', as: 'readings', map: { id: '$topic[1]', readings: { temp: '$.temperature.value', humidity: '$.humidity' } } },
  { topic: 'factory/+/temp', as: 'readings', format: 'number', map: { id: '$topic[1]', readings: { temp: '$' } } },
  {
    topic: 'spBv1.0/store/DDATA/+/+',
    as: 'readings',
    format: 'sparkplug',
    map: { id: '$topic[4]', readings: { temp: '$metric:Oven/Temperature', fan: '$metric:Fan/On', loaded: '$metric:Trays' }, updatedAt: '$.timestamp' },
  },
];

function storeFile(mqtt: object): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify({ mqtt }));
  return file;
}

function mqttEnv(broker: TestMosquitto, hubId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { CONFIG: storeFile({ url: broker.url, subscriptions: SUBSCRIPTIONS }), HUB_ID: hubId, ...extra };
}

async function machineOn(hub: Hub, id: string): Promise<Machine | undefined> {
  const board = (await (await fetch(`${hub.url}/api/board`)).json()) as Snapshot;
  return board.machines.find((m) => m.id === id);
}

async function readyz(hub: Hub): Promise<{ status: number; body: { ok: boolean; doors: Record<string, string> } }> {
  const res = await fetch(`${hub.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { ok: boolean; doors: Record<string, string> } };
}

async function metric(hub: Hub, line: string): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

/** Waits until the hub's MQTT door has subscribed, so a message published now is taken. */
async function doorUp(hub: Hub): Promise<void> {
  await eventually(async () => expect((await readyz(hub)).body.doors.mqtt).toBe('up'), 15_000);
}

async function publish(client: MqttClient, topic: string, payload: string | Buffer | object): Promise<void> {
  const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
  await client.publishAsync(topic, body, { qos: 1 });
}

describe('the MQTT door', () => {
  let broker: TestMosquitto;
  let publisher: MqttClient;

  beforeAll(async () => {
    broker = await TestMosquitto.start();
    publisher = await broker.client({ clientId: 'test-oven-gateway' });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await broker?.destroy();
  });

  it('puts an oven publishing JSON state and readings on the board, its id from the topic, readings merged', async () => {
    const hub = await startTestHub(mqttEnv(broker, 'mqtt-json'));
    try {
      await doorUp(hub);
      const ts = Date.now();
      const batch = { sku: 'bun', qty: 24, startedAt: ts, endsAt: ts + 600_000 };
      await publish(publisher, 'factory/oven-1/state', { state: 'running', label: 'Oven 1', batch, ts, vendorSecret: 'x' });
      await publish(publisher, 'factory/oven-1/readings', { temperature: { value: 182.5, unit: 'C' }, humidity: 41 });
      await eventually(async () => expect((await machineOn(hub, 'oven-1'))?.readings).toEqual({ temp: 182.5, humidity: 41 }));
      expect(await machineOn(hub, 'oven-1')).toMatchObject({ id: 'oven-1', kind: 'oven', state: 'running', name: 'Oven 1', batch });
      expect(await machineOn(hub, 'oven-1')).not.toHaveProperty('vendorSecret');
      // A bare number changes one reading; the others keep their last value.
      await publish(publisher, 'factory/oven-1/temp', '190');
      await eventually(async () => expect((await machineOn(hub, 'oven-1'))?.readings).toEqual({ temp: 190, humidity: 41 }));
      // A later state keeps the readings and batch it does not mention.
      await publish(publisher, 'factory/oven-1/state', { state: 'unloading', ts: Date.now() });
      await eventually(async () => expect(await machineOn(hub, 'oven-1')).toMatchObject({ state: 'unloading', batch, readings: { temp: 190 } }));
      expect(await metric(hub, 'batchboard_events_in_total{door="mqtt",kind="machine"}')).toBe(4);
      expect(await metric(hub, 'batchboard_mqtt_messages_total{subscription="factory/+/state"}')).toBe(2);
    } finally {
      await hub.close();
    }
  });

  it('maps the metrics of a Sparkplug B DDATA message to readings', async () => {
    const sparkplug = sparkplugNamespace('spBv1.0')!;
    const hub = await startTestHub(mqttEnv(broker, 'mqtt-sparkplug'));
    try {
      await doorUp(hub);
      await publish(publisher, 'factory/oven-7/state', { state: 'preheating', ts: Date.now() - 1_000 });
      await eventually(async () => expect((await machineOn(hub, 'oven-7'))?.state).toBe('preheating'));
      const payload = sparkplug.encodePayload({
        timestamp: Date.now(),
        seq: 3,
        metrics: [
          { name: 'Oven/Temperature', type: 'Double', value: 201.25 },
          { name: 'Fan/On', type: 'Boolean', value: true },
          { name: 'Trays', type: 'Int64', value: 6 },
          { name: 'Door/Label', type: 'String', value: 'north' },
        ],
      });
      await publish(publisher, 'spBv1.0/store/DDATA/edge-1/oven-7', Buffer.from(payload));
      await eventually(async () => expect((await machineOn(hub, 'oven-7'))?.readings).toEqual({ temp: 201.25, fan: 1, loaded: 6 }));
      expect((await machineOn(hub, 'oven-7'))?.state).toBe('preheating');
      // Not Sparkplug at all: refused and counted.
      await publish(publisher, 'spBv1.0/store/DDATA/edge-1/oven-7', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
      await eventually(async () => expect(await metric(hub, 'batchboard_rejected_total{door="mqtt",reason="invalid_sparkplug"}')).toBe(1));
    } finally {
      await hub.close();
    }
  });

  it('applies messages published at QoS 1 while the hub was stopped once it starts again with the same client id', async () => {
    const env = mqttEnv(broker, 'mqtt-persistent', { DATA_DIR: tempDir() });
    const first = await startTestHub(env);
    await doorUp(first);
    await first.close();
    await publish(publisher, 'factory/oven-2/state', { state: 'cleaning', ts: Date.now() });
    const again = await startTestHub(env);
    try {
      await eventually(async () => expect((await machineOn(again, 'oven-2'))?.state).toBe('cleaning'), 15_000);
    } finally {
      await again.close();
    }
  });

  it('refuses and counts malformed messages, and keeps taking good ones', async () => {
    const hub = await startTestHub(mqttEnv(broker, 'mqtt-malformed'));
    const rejected = (reason: string) => metric(hub, `batchboard_rejected_total{door="mqtt",reason="${reason}"}`);
    try {
      await doorUp(hub);
      await publish(publisher, 'factory/oven-3/state', 'not json {');
      await publish(publisher, 'factory/oven-3/state', { state: 'exploded', ts: Date.now() });
      await publish(publisher, 'factory/oven-3/state', [1, 2, 3]);
      await publish(publisher, 'factory/oven-3/temp', 'hot');
      await publish(publisher, 'factory/ghost/readings', { humidity: 3 });
      // Just over the payload limit (the broker is asked not to send much larger ones at all).
      await publish(publisher, 'factory/oven-3/state', 'x'.repeat(64 * 1024 + 10));
      await eventually(async () => {
        expect(await rejected('invalid_json')).toBe(1);
        expect(await rejected('invalid_machine:state')).toBe(2);
        expect(await rejected('not_a_number')).toBe(1);
        expect(await rejected('unknown_machine')).toBe(1);
        expect(await rejected('too_large')).toBe(1);
      });
      await publish(publisher, 'factory/oven-3/state', { state: 'idle', ts: Date.now() });
      await eventually(async () => expect((await machineOn(hub, 'oven-3'))?.state).toBe('idle'));
      expect(await metric(hub, 'batchboard_mqtt_messages_total{subscription="factory/+/state"}')).toBe(5);
    } finally {
      await hub.close();
    }
  });

  it('reports the door down on /readyz while the broker is killed, and up again by itself after it restarts', async () => {
    const own = await TestMosquitto.start();
    const hub = await startTestHub(mqttEnv(own, 'mqtt-outage'));
    try {
      await doorUp(hub);
      await own.kill();
      await eventually(async () => expect((await readyz(hub)).body.doors.mqtt).toBe('down'));
      // The broker is outside the hub: its outage is reported, and the hub stays ready for its screens.
      expect((await readyz(hub)).status).toBe(200);
      expect(await metric(hub, 'batchboard_mqtt_up')).toBe(0);
      await own.up();
      await doorUp(hub);
      expect(await metric(hub, 'batchboard_mqtt_up')).toBe(1);
      const client = await own.client();
      await publish(client, 'factory/oven-4/state', { state: 'running', ts: Date.now() });
      await client.endAsync();
      await eventually(async () => expect((await machineOn(hub, 'oven-4'))?.state).toBe('running'));
    } finally {
      await hub.close();
      await own.destroy();
    }
  });

  it('opens beside the Redis doors on every hub on Redis, each hub taking every message, the copies making one change', async () => {
    const redis = await TestRedis.start();
    const hubs = [
      await startTestHub({ ...mqttEnv(broker, 'mqtt-redis-a'), REDIS_URL: redis.url }),
      await startTestHub({ ...mqttEnv(broker, 'mqtt-redis-b'), REDIS_URL: redis.url }),
    ];
    try {
      for (const hub of hubs) {
        await eventually(async () => expect((await readyz(hub)).body.doors).toEqual({ redis_pubsub: 'up', redis_stream: 'up', mqtt: 'up' }), 15_000);
      }
      const [a, b] = hubs as [Hub, Hub];
      const seq = a.board.seq;
      await publish(publisher, 'factory/oven-5/state', { state: 'running', ts: Date.now() });
      await publish(publisher, 'factory/oven-5/readings', { humidity: 50 });
      for (const hub of hubs) {
        await eventually(async () => expect(await machineOn(hub, 'oven-5')).toMatchObject({ state: 'running', readings: { humidity: 50 } }));
        await eventually(async () => expect(await metric(hub, 'batchboard_events_in_total{door="mqtt",kind="machine"}')).toBe(2));
      }
      // Both hubs wrote the state message; with its own time the second copy was a duplicate: one change, one seq.
      expect(a.board.seq).toBe(seq + 1);
      expect(b.board.seq).toBe(seq + 1);
    } finally {
      for (const hub of hubs) await hub.close();
      await redis.destroy();
    }
  });

  it('keeps a message the store could not take unacknowledged, retrying in order until Redis is back, then applies it', async () => {
    const redis = await TestRedis.start();
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const logged = () => lines.map((l) => JSON.parse(l) as { msg: string; topic?: string; attempts?: number });
    const subscriptions = [{ topic: 'line/#', as: 'machine', map: { id: '$.id', kind: 'oven', state: '$.state', updatedAt: '$.ts' } }];
    const env = { CONFIG: storeFile({ url: broker.url, subscriptions }), HUB_ID: 'mqtt-store-away', REDIS_URL: redis.url };
    const hub = await startTestHub(env, { log });
    // A long topic: the door logs it cut to 200 characters.
    const topic = `line/${'x'.repeat(2_000)}`;
    try {
      await doorUp(hub);
      await publish(publisher, topic, { id: 'oven-6', state: 'preheating', ts: Date.now() });
      await eventually(async () => expect((await machineOn(hub, 'oven-6'))?.state).toBe('preheating'));
      await redis.stop();
      await eventually(async () => expect((await readyz(hub)).status).toBe(503), 10_000);
      const ts = Date.now();
      await publish(publisher, topic, { id: 'oven-6', state: 'running', ts });
      await publish(publisher, topic, { id: 'oven-6', state: 'unloading', ts: ts + 1 });
      // Past where the door used to give up (4 tries over 4.25 s, logging the message lost) and acknowledge it as if taken.
      const retriedOrLost = (l: { msg: string; attempts?: number }) =>
        /^mqtt message lost/.test(l.msg) || (/^mqtt message/.test(l.msg) && (l.attempts ?? 0) >= 5);
      await eventually(() => expect(logged().some(retriedOrLost)).toBe(true), 15_000);
      expect(logged().filter((l) => /^mqtt message (lost|not acknowledged)/.test(l.msg))).toEqual([]);
      await redis.up();
      await eventually(async () => expect((await machineOn(hub, 'oven-6'))?.state).toBe('unloading'), 20_000);
      expect(await metric(hub, 'batchboard_events_in_total{door="mqtt",kind="machine"}')).toBe(3);
      expect(logged().some((l) => l.msg.includes('taken after the store came back'))).toBe(true);
      for (const l of logged()) expect((l.topic ?? '').length, l.msg).toBeLessThanOrEqual(200);
    } finally {
      await hub.close();
      await redis.destroy();
    }
  });

  it('logs the topic of a message that failed cut to 200 characters, and acknowledges it', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const hub = await startTestHub(mqttEnv(broker, 'mqtt-failed-log'), { log });
    const failed = () => lines.map((l) => JSON.parse(l) as { msg: string; topic?: string }).filter((l) => l.msg === 'mqtt message failed');
    try {
      await doorUp(hub);
      // A fault inside the hub (not the message): the door logs it and goes on.
      const spy = vi.spyOn(hub.board, 'machine').mockImplementation(() => {
        throw new Error('a fault for the test');
      });
      await publish(publisher, `factory/${'x'.repeat(3_000)}/state`, { state: 'running', ts: Date.now() });
      await eventually(() => expect(failed()).toHaveLength(1));
      spy.mockRestore();
      expect(failed()[0]?.topic).toBe(`factory/${'x'.repeat(192)}`);
      await publish(publisher, 'factory/oven-8/state', { state: 'idle', ts: Date.now() });
      await eventually(async () => expect((await machineOn(hub, 'oven-8'))?.state).toBe('idle'));
    } finally {
      await hub.close();
    }
  });
});

describe('the mqtt config', () => {
  const load = (mqtt: object, env: Record<string, string> = {}) => loadConfig({ CONFIG: storeFile(mqtt), ...env });
  const oven = { topic: 'factory/+/state', as: 'machine', map: { id: '$topic[1]', state: '$.state' } };

  it('takes a broker and subscriptions, with a client id from HUB_ID and MQTT_URL over the file', () => {
    const config = load({ url: 'mqtts://broker.local:8883', subscriptions: [oven] }, { HUB_ID: 'hub-a' });
    expect(config.mqtt).toMatchObject({ url: 'mqtts://broker.local:8883', clientId: 'batchboard-hub-a', sessionExpiryHours: 24 });
    expect(config.mqtt?.subscriptions[0]).toMatchObject({ format: 'json' });
    expect(load({ url: 'mqtt://a:1883', subscriptions: [oven] }, { MQTT_URL: 'mqtt://b:1883' }).mqtt?.url).toBe('mqtt://b:1883');
    expect(loadConfig({}).mqtt).toBeUndefined();
  });

  it.each([
    ['a url that is not mqtt', { url: 'http://broker:1883', subscriptions: [oven] }, /mqtt\.url.*mqtt:\/\//],
    ['an unknown key', { url: 'mqtt://b', subscriptions: [oven], qos: 2 }, /mqtt.*qos/],
    [
      'an unknown key in a mapping',
      { url: 'mqtt://b', subscriptions: [{ ...oven, map: { ...oven.map, colour: 'red' } }] },
      /mqtt\.subscriptions\.0\.map.*colour/,
    ],
    ['no url anywhere', { subscriptions: [oven] }, /mqtt\.url.*MQTT_URL/],
    ['a topic level past the filter', { url: 'mqtt://b', subscriptions: [{ ...oven, map: { id: '$topic[3]' } }] }, /mqtt\.subscriptions\.0\.map\.id.*level 3/],
    ['a wildcard inside a level', { url: 'mqtt://b', subscriptions: [{ ...oven, topic: 'factory/oven+/state' }] }, /mqtt\.subscriptions\.0\.topic/],
    ['a shared subscription', { url: 'mqtt://b', subscriptions: [{ ...oven, topic: '$share/g/factory/+' }] }, /mqtt\.subscriptions\.0\.topic/],
    ['a Sparkplug metric on JSON', { url: 'mqtt://b', subscriptions: [{ ...oven, map: { id: 'x', state: '$metric:State' } }] }, /map\.state.*sparkplug/],
    ['a bad expression', { url: 'mqtt://b', subscriptions: [{ ...oven, map: { id: '$topic1' } }] }, /map\.id/],
    ['readings without a mapping', { url: 'mqtt://b', subscriptions: [{ ...oven, as: 'readings' }] }, /map\.state.*machine|map\.readings.*required/],
    ['a constant reading', { url: 'mqtt://b', subscriptions: [{ ...oven, map: { id: 'x', readings: { temp: '180' } } }] }, /map\.readings\.temp/],
    ['a client certificate that is not there', { url: 'mqtts://b', cert: 'hub.crt', key: 'hub.key', subscriptions: [oven] }, /mqtt\.cert: no file/],
  ])('refuses %s at start, naming the key', (_what, mqtt, key) => {
    expect(() => load(mqtt)).toThrow(ConfigError);
    expect(() => load(mqtt)).toThrow(key);
  });

  it('refuses on Redis a machine subscription without a mapped updatedAt, naming the key and why; takes it embedded', () => {
    const stamped = { ...oven, map: { ...oven.map, updatedAt: '$.ts' } };
    const readings = { topic: 'factory/+/temp', as: 'readings', format: 'number', map: { id: '$topic[1]', readings: { temp: '$' } } };
    const mqtt = { url: 'mqtt://b', subscriptions: [stamped, readings, oven] };
    const onRedis = { REDIS_URL: 'redis://127.0.0.1:6379', HUB_ID: 'hub-a' };
    expect(() => load(mqtt, onRedis)).toThrow(ConfigError);
    expect(() => load(mqtt, onRedis)).toThrow(/mqtt\.subscriptions\.2\.map\.updatedAt: is required.*Redis.*older one/);
    // Embedded there is one hub: its receive time is the only clock, and fine.
    expect(load(mqtt, { HUB_ID: 'hub-a' }).mqtt?.subscriptions).toHaveLength(3);
    // Readings without a time stay allowed on Redis: latest-wins telemetry, a stale copy only delays a reading.
    expect(load({ url: 'mqtt://b', subscriptions: [stamped, readings] }, onRedis).mqtt?.subscriptions).toHaveLength(2);
  });

  it('refuses mqtt on Redis without HUB_ID or a clientId, naming HUB_ID: hubs on one host would share a session', () => {
    const mqtt = { url: 'mqtt://b', subscriptions: [{ ...oven, map: { ...oven.map, updatedAt: '$.ts' } }] };
    const redis = { REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(() => load(mqtt, redis)).toThrow(ConfigError);
    expect(() => load(mqtt, redis)).toThrow(/HUB_ID: is required with mqtt on Redis.*take over/);
    expect(load(mqtt, { ...redis, HUB_ID: 'hub-b' }).mqtt?.clientId).toBe('batchboard-hub-b');
    expect(load({ ...mqtt, clientId: 'till-hub-2' }, redis).mqtt?.clientId).toBe('till-hub-2');
    // Embedded there is one hub: the host name will do.
    expect(load(mqtt).mqtt?.clientId).toMatch(/^batchboard-/);
  });

  it('reads the broker password from the variable passwordEnv names, at start, naming the key when it is not set', () => {
    const mqtt = { url: 'mqtt://b', username: 'batchboard', passwordEnv: 'MQTT_PASSWORD', subscriptions: [oven] };
    expect(load(mqtt, { MQTT_PASSWORD: 'from-env' }).mqtt).toMatchObject({ username: 'batchboard', password: 'from-env' });
    expect(() => load(mqtt)).toThrow(ConfigError);
    expect(() => load(mqtt)).toThrow(/mqtt\.passwordEnv: the environment variable MQTT_PASSWORD is not set/);
    expect(() => load({ ...mqtt, password: 'inline' }, { MQTT_PASSWORD: 'x' })).toThrow(/mqtt\.passwordEnv.*not both/);
    expect(() => load({ ...mqtt, passwordEnv: 'mqtt password' }, { MQTT_PASSWORD: 'x' })).toThrow(/mqtt\.passwordEnv.*environment variable/);
    expect(() => load({ ...mqtt, username: undefined }, { MQTT_PASSWORD: 'x' })).toThrow(/mqtt\.username.*password/);
    expect(load({ ...mqtt, passwordEnv: undefined, password: 'inline' }).mqtt?.password).toBe('inline');
  });

  it('names MQTT_URL when it is not an mqtt address, or set without subscriptions', () => {
    expect(() => loadConfig({ MQTT_URL: 'tcp://broker:1883' })).toThrow(/MQTT_URL/);
    expect(() => loadConfig({ MQTT_URL: 'mqtt://broker:1883' })).toThrow(/MQTT_URL.*no mqtt section/);
  });
});
