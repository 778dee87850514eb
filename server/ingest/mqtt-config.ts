import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * The `mqtt` section of the config file (docs/protocol.md, "MQTT door"): the broker, and what to take from it.
 * A mapping is checked here, against its subscription's topic filter and format, so a wrong one is refused at
 * start with its key named, never at the first message.
 */

/** `$topic[N]`, `$`, `$.a.b[0]`, `$metric:NAME`, or a constant (text not starting with `$`). */
const TOPIC_LEVEL = /^\$topic\[(\d{1,2})\]$/;
const PAYLOAD_PATH = /^\$((\.[A-Za-z_][\w-]{0,63})|\[\d{1,4}\]){0,8}$/;
const METRIC = /^\$metric:(.{1,128})$/;

const Expression = z
  .string()
  .min(1)
  .max(160)
  .refine((e) => !e.startsWith('$') || TOPIC_LEVEL.test(e) || PAYLOAD_PATH.test(e) || METRIC.test(e), {
    message: 'must be $topic[N], $ or a path such as $.temperature.value, $metric:NAME (Sparkplug), or a constant not starting with $',
  });

const ReadingName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, 'reading names are 1–32 letters, digits or _');

/** A topic filter as MQTT defines it: `+` and `#` stand alone in their level, `#` only last. */
const TopicFilter = z
  .string()
  .min(1)
  .max(256)
  .refine((t) => !t.startsWith('$'), 'must not start with $ (no $SYS, no $share: every hub takes every message, docs/protocol.md)')
  .refine((t) => !/[\0\s]/.test(t), 'must not contain spaces or control characters')
  .refine(
    (t) => t.split('/').every((level, i, all) => (!level.includes('+') || level === '+') && (!level.includes('#') || (level === '#' && i === all.length - 1))),
    'must use + and # as whole levels, # only last (factory/+/state, factory/#)',
  );

export const MQTT_FORMATS = ['json', 'number', 'sparkplug'] as const;

const Subscription = z
  .object({
    /** A topic filter with wildcards: `factory/+/oven/state`. */
    topic: TopicFilter,
    /**
     * `machine`: the message is a machine's state; `readings`: it is readings of a machine the board already holds;
     * `footfall`: it is a people counter's count (`id` the sensor; `in`, `out` and `at` required), for the event log.
     */
    as: z.enum(['machine', 'readings', 'footfall']),
    /** `json`, `number` (the payload is one bare number) or `sparkplug` (a Sparkplug B protobuf payload, e.g. DDATA). */
    format: z.enum(MQTT_FORMATS).default('json'),
    /** Where each field of the update comes from (docs/protocol.md, "MQTT door"). */
    map: z
      .object({
        id: Expression,
        name: Expression.optional(),
        kind: Expression.optional(),
        state: Expression.optional(),
        batch: Expression.optional(),
        readings: z
          .record(ReadingName, Expression)
          .refine((r) => Object.keys(r).length <= 16, 'at most 16 readings')
          .optional(),
        /** Default: when the hub received the message. */
        updatedAt: Expression.optional(),
        /** `as: footfall`: people in and out since the counter's last count, and the count's own time (its idempotency key, with `id`). */
        in: Expression.optional(),
        out: Expression.optional(),
        at: Expression.optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((sub, ctx) => {
    for (const [key, problem] of mappingProblems(sub)) ctx.addIssue({ code: 'custom', path: ['map', ...key.split('.')], message: problem });
  });
export type MqttSubscription = z.infer<typeof Subscription>;

const MACHINE_ONLY = ['name', 'kind', 'state', 'batch'] as const;
const FOOTFALL_ONLY = ['in', 'out', 'at'] as const;

/** Keys a subscription's `as` does not take, or must have. */
function shapeProblems(sub: MqttSubscription): [string, string][] {
  const problems: [string, string][] = [];
  if (sub.as === 'footfall') {
    for (const key of [...MACHINE_ONLY, 'readings', 'updatedAt'] as const) {
      if (sub.map[key] !== undefined) problems.push([key, "is for a machine's messages; a footfall message maps id (the sensor), in, out and at"]);
    }
    for (const key of FOOTFALL_ONLY) {
      // `at` too: without the count's own time a message delivered again (QoS 1, every hub) could not be told from a new count.
      if (sub.map[key] === undefined) problems.push([key, "is required for 'as': 'footfall'"]);
    }
    return problems;
  }
  for (const key of FOOTFALL_ONLY) if (sub.map[key] !== undefined) problems.push([key, "is for 'as': 'footfall'"]);
  return problems;
}

/** Each problem of a subscription's mapping, keyed by its place under `map`. */
function mappingProblems(sub: MqttSubscription): [string, string][] {
  const problems: [string, string][] = shapeProblems(sub);
  if (sub.as === 'readings') {
    for (const key of MACHINE_ONLY) {
      if (sub.map[key] !== undefined) problems.push([key, "is for 'as': 'machine'; a readings message changes readings only"]);
    }
    if (sub.map.readings === undefined) problems.push(['readings', "is required for 'as': 'readings'"]);
  }
  const expressions: [string, string | undefined][] = [
    ['id', sub.map.id],
    ...MACHINE_ONLY.map((key): [string, string | undefined] => [key, sub.map[key]]),
    ['updatedAt', sub.map.updatedAt],
    ...FOOTFALL_ONLY.map((key): [string, string | undefined] => [key, sub.map[key]]),
    ...Object.entries(sub.map.readings ?? {}).map(([name, e]): [string, string] => [`readings.${name}`, e]),
  ];
  for (const [key, expression] of expressions) {
    if (expression === undefined) continue;
    const fromMessage = key === 'updatedAt' || key.startsWith('readings.') || (FOOTFALL_ONLY as readonly string[]).includes(key);
    const problem = expressionProblem(sub, expression, fromMessage);
    if (problem) problems.push([key, problem]);
  }
  return problems;
}

function expressionProblem(sub: MqttSubscription, expression: string, fromMessage: boolean): string | undefined {
  if (!expression.startsWith('$')) return fromMessage ? 'must be read from the message ($…), not a constant' : undefined;
  const level = TOPIC_LEVEL.exec(expression);
  if (level) {
    const levels = sub.topic.split('/');
    const n = Number(level[1]);
    const many = levels.at(-1) === '#';
    if (levels[n] === '#' || (n >= levels.length && !many)) return `names level ${n} of the topic, but ${sub.topic} has levels 0 to ${levels.length - 1}`;
    return undefined;
  }
  if (METRIC.test(expression)) return sub.format === 'sparkplug' ? undefined : "$metric: is for 'format': 'sparkplug'";
  if (sub.format === 'number' && expression !== '$') return "is a path, but a 'number' payload has none: use $";
  return undefined;
}

const FilePath = z.string().min(1).max(1024);

/** The `mqtt` section as written in the config file. */
export const MqttFileConfig = z
  .object({
    /** `mqtt://host:1883` or `mqtts://host:8883`; `MQTT_URL` in env wins. */
    url: z
      .string()
      .max(512)
      .regex(/^mqtts?:\/\/\S+$/, 'must start with mqtt:// or mqtts://, e.g. mqtt://192.168.1.5:1883')
      .optional(),
    username: z.string().min(1).max(256).optional(),
    /** The broker password inline. Prefer `passwordEnv`: a config file is often copied, committed or shown. */
    password: z.string().max(256).optional(),
    /** The environment variable that holds the broker password (read once, at start). */
    passwordEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'must be the name of an environment variable, e.g. MQTT_PASSWORD')
      .optional(),
    /** A client certificate and its key (PEM files), and a CA to trust, relative to the config file. */
    cert: FilePath.optional(),
    key: FilePath.optional(),
    ca: FilePath.optional(),
    /** Default `batchboard-<HUB_ID>` (or `batchboard-<host name>`): stable across restarts, so the broker finds the session again. */
    clientId: z
      .string()
      .regex(/^[\w.:-]{1,64}$/, 'must be 1–64 letters, digits or . _ : -')
      .optional(),
    /** How long the broker keeps this hub's session (and queues its messages) while the hub is away. */
    sessionExpiryHours: z
      .number()
      .positive()
      .max(24 * 30)
      .default(24),
    subscriptions: z.array(Subscription).min(1).max(50),
  })
  .strict()
  .superRefine((m, ctx) => {
    if ((m.cert === undefined) !== (m.key === undefined)) {
      ctx.addIssue({ code: 'custom', path: [m.cert === undefined ? 'cert' : 'key'], message: 'cert and key go together' });
    }
    if (m.password !== undefined && m.passwordEnv !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['passwordEnv'], message: 'give one of password and passwordEnv, not both (better: passwordEnv)' });
    }
    if ((m.password !== undefined || m.passwordEnv !== undefined) && m.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required with a password' });
    }
  });
export type MqttFileConfig = z.infer<typeof MqttFileConfig>;

/** The MQTT door's settings, resolved: the url to use, the client id, TLS files as absolute paths. */
export interface MqttConfig {
  readonly url: string;
  readonly clientId: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: { readonly cert?: string; readonly key?: string; readonly ca?: string };
  readonly sessionExpiryHours: number;
  readonly subscriptions: readonly MqttSubscription[];
}

/**
 * The section resolved against the environment and the config file's folder. Returns an English problem
 * naming the key when it cannot be (a file missing, no url anywhere, a mapping several hubs cannot share).
 * `vars`: the environment, for `passwordEnv`. `onRedis`: the hub runs on Redis (REDIS_URL), so several hubs may share the board and each takes every message.
 */
export function resolveMqtt(
  section: MqttFileConfig | undefined,
  env: { url: string | undefined; hubId: string | undefined; onRedis: boolean; vars: Readonly<Record<string, string | undefined>> },
  configFile: string | undefined,
): MqttConfig | undefined | { problem: string } {
  if (!section) return env.url === undefined ? undefined : { problem: 'MQTT_URL: is set, but the config file has no mqtt section (its subscriptions)' };
  const url = env.url ?? section.url;
  if (url === undefined) return { problem: 'mqtt.url: is required (or MQTT_URL in env)' };
  if (env.onRedis && env.hubId === undefined && section.clientId === undefined) {
    return {
      problem:
        'HUB_ID: is required with mqtt on Redis (REDIS_URL), or mqtt.clientId: several hubs, each with its own broker session; ' +
        `without either every hub on one host would be ${defaultClientId(undefined)}, and each would take over the other's session in turn`,
    };
  }
  if (env.onRedis) {
    const unstamped = section.subscriptions.findIndex((s) => s.as === 'machine' && s.map.updatedAt === undefined);
    if (unstamped >= 0) {
      return {
        problem:
          `mqtt.subscriptions.${unstamped}.map.updatedAt: is required for 'as': 'machine' on Redis (REDIS_URL): every hub takes every message, ` +
          "and without the message's own time each hub stamps its receive time, so a hub draining its backlog after a restart " +
          'would overwrite a newer state with an older one. Map the time the machine sent it ($.ts, or $.timestamp for Sparkplug)',
      };
    }
  }
  let password = section.password;
  if (section.passwordEnv !== undefined) {
    password = env.vars[section.passwordEnv];
    if (!password) return { problem: `mqtt.passwordEnv: the environment variable ${section.passwordEnv} is not set` };
  }
  const folder = path.dirname(path.resolve(configFile ?? '.'));
  const tls: { cert?: string; key?: string; ca?: string } = {};
  for (const key of ['cert', 'key', 'ca'] as const) {
    const file = section[key];
    if (file === undefined) continue;
    const resolved = path.resolve(folder, file);
    if (!existsSync(resolved) || !statSync(resolved).isFile()) return { problem: `mqtt.${key}: no file at ${resolved}` };
    tls[key] = resolved;
  }
  return Object.freeze({
    url,
    clientId: section.clientId ?? defaultClientId(env.hubId),
    username: section.username,
    password,
    tls: Object.freeze(tls),
    sessionExpiryHours: section.sessionExpiryHours,
    subscriptions: section.subscriptions,
  });
}

function defaultClientId(hubId: string | undefined): string {
  return `batchboard-${(hubId ?? hostname()).replace(/[^\w.:-]/g, '_')}`.slice(0, 64);
}
