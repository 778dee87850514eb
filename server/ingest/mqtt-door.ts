import { readFileSync } from 'node:fs';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { apiError } from '../../shared/errors.js';
import { Machine } from '../../shared/schemas/machine.js';
import type { Board } from '../board/board.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Intake, IntakeResult } from './intake.js';
import type { MqttConfig } from './mqtt-config.js';
import { decodePayload, mappingOf, refusal, topicMatches, type Mapped, type Mapping, type Refusal } from './mqtt-mapping.js';

/** Larger payloads are refused unread; the broker is asked (MQTT 5 Maximum Packet Size) not to send bigger packets at all. */
export const MQTT_MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_PACKET_BYTES = MQTT_MAX_PAYLOAD_BYTES + 1024;

/** Waits between connection attempts: doubling from the first, up to the last, for as long as the broker is away. */
export const RECONNECT_MS = { first: 500, max: 15_000 } as const;

/** MQTT 5 DISCONNECT reason code 0x8E, Session taken over: another client connected with this client id. */
const SESSION_TAKEN_OVER = 0x8e;

/**
 * A message the store could not take (Redis away) is tried again, waiting from the first, twice as long each
 * time up to the last, for as long as the door is open and the connection it came on lives. It is not
 * acknowledged meanwhile, and the messages after it wait (one at a time, in order); when the connection ends
 * first, it is left unacknowledged and the broker delivers it again from the session.
 */
export const STORE_RETRY_MS = { first: 250, max: 5_000 } as const;

/** Machines this door remembers having written: their newest record may not have reached the board's view yet. */
const MAX_REMEMBERED = 1_000;

export interface MqttDoorParts {
  readonly intake: Intake;
  readonly board: Board;
  readonly metrics: Metrics;
  readonly log: Logger;
}

/**
 * The MQTT door: a persistent session (clean: false) on the store's broker, QoS 1 subscriptions, one message
 * at a time in the order the broker delivers them (MQTT.js `handleMessage`), acknowledged after it was applied
 * or refused. Every hub takes every message (docs/protocol.md, "MQTT door"); the board's last-write-wins
 * by the message's own time (required for machine states on Redis, mqtt-config.ts) makes the second copy harmless.
 */
export class MqttDoor {
  readonly name = 'mqtt';
  /** A broker away must not take every hub out of the balancer: the board and its screens are fine without it. */
  readonly advisory = true;
  #config: MqttConfig;
  #parts: MqttDoorParts;
  #mappings: Mapping[];
  #client: MqttClient | undefined;
  #subscribed = false;
  #closed = false;
  #wasUp = false;
  #lastError: string | undefined;
  /** The broker ended the last connection because another client took the session over (same client id). */
  #takenOver = false;
  #takeoverLogged = false;
  /** The broker's url as logged: a user:password in it stays out of the log. */
  #where: string;
  #written = new Map<string, Machine>();

  constructor(config: MqttConfig, parts: MqttDoorParts) {
    this.#config = config;
    this.#where = withoutCredentials(config.url);
    this.#parts = parts;
    this.#mappings = config.subscriptions.map(mappingOf);
  }

  /** Connected and subscribed on this connection. */
  get up(): boolean {
    return this.#subscribed && this.#client?.connected === true;
  }

  /** Does not wait for the broker: with it away at start the hub still comes up, and /readyz says the door is down. */
  start(): Promise<void> {
    this.#parts.metrics.mqttUp.set(0);
    const client = connect(this.#config.url, this.#options());
    this.#client = client;
    client.handleMessage = (packet, done) => {
      // The connection the message came on: once it is gone, a PUBACK would go out on the next one, for a
      // message the broker delivers again there anyway.
      const stream = client.stream;
      const open = (): boolean => !this.#closed && !stream.destroyed;
      this.#receive(packet, open).then(
        (taken) => (taken ? done() : done(new Error('not taken: left unacknowledged for the broker to deliver again'))),
        (err: unknown) => {
          this.#parts.log.error({ err, topic: packet.topic.slice(0, 200) }, 'mqtt message failed');
          done();
        },
      );
    };
    client.on('connect', () => {
      // After a takeover the waits keep growing: two clients with one id would otherwise throw each other off every 0.5 s.
      if (!this.#takenOver) client.options.reconnectPeriod = RECONNECT_MS.first;
      this.#takenOver = false;
      this.#subscribe(client);
    });
    client.on('disconnect', (packet) => {
      if (packet.reasonCode !== SESSION_TAKEN_OVER) return;
      this.#takenOver = true;
      if (this.#takeoverLogged) return;
      this.#takeoverLogged = true;
      this.#parts.log.error(
        { url: this.#where, clientId: this.#config.clientId },
        'mqtt session taken over by another client with the same client id: give each hub its own HUB_ID (or mqtt.clientId)',
      );
    });
    client.on('close', () => {
      this.#subscribed = false;
      this.#parts.metrics.mqttUp.set(0);
      if (this.#wasUp && !this.#closed) this.#parts.log.warn({ url: this.#where }, 'mqtt broker connection lost; reconnecting');
      this.#wasUp = false;
    });
    client.on('reconnect', () => {
      client.options.reconnectPeriod = Math.min(RECONNECT_MS.max, (client.options.reconnectPeriod ?? RECONNECT_MS.first) * 2);
    });
    // MQTT.js reconnects by itself; an error here is logged (once until it changes or the door is up again), never thrown.
    client.on('error', (err) => {
      if (err.message === this.#lastError) return;
      this.#lastError = err.message;
      this.#parts.log.warn({ err: err.message, url: this.#where }, 'mqtt broker error; retrying');
    });
    return Promise.resolve();
  }

  #options(): IClientOptions {
    const c = this.#config;
    const tls = Object.fromEntries(Object.entries(c.tls).map(([key, file]) => [key, readFileSync(file)]));
    return {
      clientId: c.clientId,
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: Math.round(c.sessionExpiryHours * 3600), maximumPacketSize: MAX_PACKET_BYTES },
      reconnectPeriod: RECONNECT_MS.first,
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      keepalive: 30,
      // Subscribed again on every connect (below), session or not: a subscription repeated is replaced, not doubled.
      resubscribe: false,
      ...(c.username !== undefined ? { username: c.username } : {}),
      ...(c.password !== undefined ? { password: c.password } : {}),
      ...tls,
    };
  }

  #subscribe(client: MqttClient): void {
    const topics = Object.fromEntries(this.#config.subscriptions.map((s) => [s.topic, { qos: 1 as const }]));
    client.subscribe(topics, (err, granted) => {
      const refused = (granted ?? []).filter((g) => g.qos > 2);
      if (err || refused.length > 0) {
        this.#parts.log.error({ err: err?.message, refused: refused.map((g) => g.topic) }, 'mqtt subscriptions refused by the broker');
        return;
      }
      this.#subscribed = client.connected;
      this.#parts.metrics.mqttUp.set(this.#subscribed ? 1 : 0);
      this.#wasUp = true;
      this.#lastError = undefined;
      this.#parts.log.info({ url: this.#where, clientId: this.#config.clientId }, 'mqtt door subscribed');
    });
  }

  /** True once the message was applied or refused (acknowledge it); false when it was not taken (do not). */
  async #receive(packet: IPublishPacket, open: () => boolean): Promise<boolean> {
    const topic = packet.topic;
    const mapping = this.#mappings.find((m) => topicMatches(m.subscription.topic, topic));
    this.#parts.metrics.mqttMessages.inc({ subscription: mapping?.subscription.topic ?? '(none)' });
    if (!mapping) return this.#refuse(refusal('unmapped_topic', 'topic', `no subscription maps topic ${topic.slice(0, 200)}`));
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (payload.length > MQTT_MAX_PAYLOAD_BYTES) {
      const message = `payload of ${payload.length} bytes is over ${MQTT_MAX_PAYLOAD_BYTES}`;
      return this.#refuse({ reason: 'too_large', error: apiError('too_large', { maxBytes: MQTT_MAX_PAYLOAD_BYTES }, message) });
    }
    const decoded = decodePayload(mapping.subscription.format, payload);
    if ('reason' in decoded) return this.#refuse(decoded);
    const mapped = mapping.map(topic, decoded);
    // A count goes as read: the intake validates it and logs it once by its sensor and time, however often it comes.
    if (mapped.footfall) return this.#submit('footfall', { sensor: mapped.id, ...mapped.footfall }, topic, open);
    const composed = this.#compose(mapped);
    if ('reason' in composed) return this.#refuse(composed);
    return this.#submit('machine', composed.machine, topic, open);
  }

  /** The update a message makes: the held machine with the fields the message gives (readings merged in). */
  #compose(mapped: Mapped): { machine: Record<string, unknown> } | Refusal {
    const held = typeof mapped.id === 'string' ? this.#held(mapped.id) : undefined;
    if (mapped.as === 'readings') {
      if (!held) return refusal('unknown_machine', 'id', `readings for machine ${String(mapped.id).slice(0, 64)}, which is not on the board`);
      if (Object.keys(mapped.readings).length === 0) return refusal('no_readings', 'readings', 'the message holds none of the mapped readings');
    }
    const machine: Record<string, unknown> = { ...held, id: mapped.id };
    for (const [key, value] of Object.entries(mapped.fields)) {
      if (value === null) delete machine[key];
      else if (value !== undefined) machine[key] = value;
    }
    if (Object.keys(mapped.readings).length > 0) machine.readings = { ...held?.readings, ...mapped.readings };
    // Telemetry needs a strictly newer time than the held record: a message without its own time takes one.
    machine.updatedAt = mapped.updatedAt ?? Math.max(Date.now(), (held?.updatedAt ?? 0) + 1);
    return { machine };
  }

  /** The newer of the board's view and what this door last wrote: a state and its first readings may come a moment apart. */
  #held(id: string): Machine | undefined {
    const seen = this.#parts.board.machine(id);
    const written = this.#written.get(id);
    if (!written) return seen;
    return !seen || written.updatedAt > seen.updatedAt ? written : seen;
  }

  /** True once the store took the message or refused it; false when the connection or the door ended first. */
  async #submit(kind: 'machine' | 'footfall', value: Record<string, unknown>, topic: string, open: () => boolean): Promise<boolean> {
    const where = topic.slice(0, 200);
    let wait: number = STORE_RETRY_MS.first;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1 && !open()) {
        this.#parts.log.warn({ topic: where, attempts: attempt - 1 }, 'mqtt message not acknowledged: the store is unavailable; the broker delivers it again');
        return false;
      }
      const result: IntakeResult = await this.#parts.intake.submit('mqtt', kind, value);
      if (result.ok) {
        // A duplicate (another hub's copy got there first) is what the store holds too, though this hub's view may lag.
        if (kind === 'machine' && (result.data.applied || result.data.reason === 'duplicate')) this.#remember(value);
        if (attempt > 1) this.#parts.log.info({ topic: where, attempts: attempt }, 'mqtt message taken after the store came back');
        return true;
      }
      if (result.error.code !== 'store_unavailable') return true;
      if (attempt === 1) this.#parts.log.warn({ topic: where }, 'mqtt message waiting for the store (unavailable): retrying, not acknowledged');
      else this.#parts.log.debug({ topic: where, attempts: attempt, waitMs: wait }, 'mqtt message still waiting for the store');
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(STORE_RETRY_MS.max, wait * 2);
    }
  }

  #remember(written: Record<string, unknown>): void {
    // As the store took it: what the schema strips (a vendor's extra fields in a batch) is not kept here either.
    const parsed = Machine.safeParse(written);
    if (!parsed.success) return;
    const machine = parsed.data;
    this.#written.delete(machine.id);
    this.#written.set(machine.id, machine);
    if (this.#written.size > MAX_REMEMBERED) this.#written.delete(this.#written.keys().next().value!);
  }

  /** Refused messages are acknowledged: sent again they would be refused again. */
  #refuse(refused: Refusal): true {
    this.#parts.intake.reject('mqtt', refused.reason, refused.error);
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#subscribed = false;
    // Forced: a message still being applied is not acknowledged, so the broker delivers it again next time.
    await this.#client?.endAsync(true);
  }
}

function withoutCredentials(url: string): string {
  if (!URL.canParse(url)) return url.replace(/\/\/[^@/]*@/, '//');
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}
