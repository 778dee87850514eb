import { get as sparkplugNamespace } from 'sparkplug-payload';
import { apiError } from '../../shared/errors.js';
import type { IntakeError } from './intake.js';
import type { MqttSubscription } from './mqtt-config.js';

/**
 * From an MQTT message to the fields of a machine update, by a subscription's declarative mapping
 * (docs/protocol.md, "MQTT door"). Knows nothing of the broker or the board.
 */

/** A message the door refuses: the reason it is counted under, and the error it is logged with. */
export interface Refusal {
  readonly reason: string;
  readonly error: IntakeError;
}

/** A payload, decoded: the value `$` reads, and Sparkplug's metrics by name. */
export interface Decoded {
  readonly value: unknown;
  readonly metrics?: ReadonlyMap<string, unknown>;
}

/** The fields a message gives: `undefined` where its mapping has no value for one, `null` to take it away. */
export interface Mapped {
  readonly as: MqttSubscription['as'];
  readonly id: unknown;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly readings: Readonly<Record<string, unknown>>;
  readonly updatedAt: unknown;
  /** `as: footfall`: the count's fields, as read (still to be validated). */
  readonly footfall?: { readonly in: unknown; readonly out: unknown; readonly at: unknown };
}

type Read = (topic: readonly string[], decoded: Decoded) => unknown;

/** True when `topic` is one `filter` (with `+` and `#`) takes. */
export function topicMatches(filter: string, topic: string): boolean {
  const want = filter.split('/');
  const have = topic.split('/');
  for (const [i, level] of want.entries()) {
    if (level === '#') return true;
    if (i >= have.length || (level !== '+' && level !== have[i])) return false;
  }
  return want.length === have.length;
}

const sparkplug = sparkplugNamespace('spBv1.0');

function isLong(value: unknown): value is { toNumber(): number } {
  return typeof value === 'object' && value !== null && 'toNumber' in value && typeof value.toNumber === 'function';
}

/** A long integer from protobuf (Sparkplug Int64, timestamps), a boolean as 1 or 0; anything else as it is. */
function plain(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (isLong(value)) return value.toNumber();
  return value;
}

function refusal(reason: string, field: string, message: string, problem: 'invalid' | 'wrong_type' = 'invalid'): Refusal {
  const issue = problem === 'wrong_type' ? { field, problem, expected: 'number' } : { field, problem };
  return { reason, error: apiError('invalid_input', { issues: [issue] }, message) };
}

export function decodePayload(format: MqttSubscription['format'], payload: Buffer): Decoded | Refusal {
  if (format === 'json') {
    try {
      return { value: JSON.parse(payload.toString('utf8')) };
    } catch (err) {
      return { reason: 'invalid_json', error: apiError('invalid_json', {}, `not valid JSON: ${(err as Error).message}`) };
    }
  }
  if (format === 'number') {
    const text = payload.toString('utf8').trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) return refusal('not_a_number', '(root)', `payload is not a number: ${text.slice(0, 40)}`, 'wrong_type');
    return { value };
  }
  try {
    const decoded = sparkplug!.decodePayload(payload);
    const metrics = new Map<string, unknown>();
    for (const metric of decoded.metrics ?? []) if (typeof metric.name === 'string') metrics.set(metric.name, plain(metric.value));
    return { value: { timestamp: plain(decoded.timestamp), seq: plain(decoded.seq) }, metrics };
  } catch (err) {
    return refusal('invalid_sparkplug', '(root)', `not a Sparkplug B payload: ${(err as Error).message}`);
  }
}

function compile(expression: string): Read {
  if (!expression.startsWith('$')) return () => expression;
  const level = /^\$topic\[(\d+)\]$/.exec(expression);
  if (level) {
    const n = Number(level[1]);
    return (topic) => topic[n];
  }
  if (expression.startsWith('$metric:')) {
    const name = expression.slice('$metric:'.length);
    return (_topic, decoded) => decoded.metrics?.get(name);
  }
  const steps = [...expression.matchAll(/\.([^.[]+)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
  return (_topic, decoded) => {
    let value = decoded.value;
    for (const step of steps) {
      if (typeof value !== 'object' || value === null) return undefined;
      // Own properties only: a path never reaches __proto__ or constructor.
      if (typeof step === 'number' ? !Array.isArray(value) : !Object.prototype.hasOwnProperty.call(value, step)) return undefined;
      value = (value as Record<string | number, unknown>)[step];
    }
    return value;
  };
}

const FIELDS = ['name', 'kind', 'state', 'batch'] as const;

/** A subscription made ready to map messages: its expressions compiled once. */
export interface Mapping {
  readonly subscription: MqttSubscription;
  map(topic: string, decoded: Decoded): Mapped;
}

export function mappingOf(subscription: MqttSubscription): Mapping {
  const { map } = subscription;
  const id = compile(map.id);
  const fields = FIELDS.flatMap((key) => (map[key] === undefined ? [] : [[key, compile(map[key])] as const]));
  const readings = Object.entries(map.readings ?? {}).map(([name, e]) => [name, compile(e)] as const);
  const updatedAt = map.updatedAt === undefined ? undefined : compile(map.updatedAt);
  const counts = subscription.as === 'footfall' ? { in: compile(map.in ?? '$'), out: compile(map.out ?? '$'), at: compile(map.at ?? '$') } : undefined;
  return {
    subscription,
    map(topic, decoded) {
      const levels = topic.split('/');
      const footfall = counts && { in: counts.in(levels, decoded), out: counts.out(levels, decoded), at: timeOf(counts.at(levels, decoded)) };
      return {
        ...(footfall ? { footfall } : {}),
        as: subscription.as,
        id: id(levels, decoded),
        fields: Object.fromEntries(fields.map(([key, read]) => [key, read(levels, decoded)])),
        readings: Object.fromEntries(readings.map(([name, read]): [string, unknown] => [name, read(levels, decoded)]).filter(([, v]) => v !== undefined)),
        updatedAt: timeOf(updatedAt?.(levels, decoded)),
      };
    },
  };
}

/** A time from a message: ms since the epoch, or a date text (ISO 8601); anything else goes on to be refused. */
function timeOf(value: unknown): unknown {
  if (typeof value === 'string' && value.trim() !== '' && Number.isNaN(Number(value))) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : ms;
  }
  return value;
}

export { refusal };
