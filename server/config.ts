import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { Catalogue } from '../shared/schemas/catalogue.js';
import { SAMPLE_CATALOGUE } from './ordering/sample-catalogue.js';
import { DirectorConfig } from '../shared/schemas/director.js';
import { PilotConfig } from '../shared/schemas/pilot.js';
import { DisplayLabels, DisplayTheme, JustReadySeconds, MachinesOnBoard } from '../shared/schemas/display.js';
import { describeIssues, summariseIssues } from '../shared/validation.js';
import { isTimeZone } from '../shared/store-time.js';
import { TextDirection } from '../shared/schemas/text.js';
import { MessageOverrides, legacyLabelProblems } from '../shared/text/catalogue.js';
import { Webhooks, resolveWebhooks, type HookSource } from './hooks/webhook-config.js';
import { MqttFileConfig, resolveMqtt, type MqttConfig } from './ingest/mqtt-config.js';

/**
 * Where customers' phones reach the hub: the kiosk appends `/track/NUMBER` to it, so it is an http(s)
 * origin with at most a path prefix; no query, fragment or credentials, which would break every link.
 */
const PublicUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address, e.g. http://192.168.1.20:8080' }).refine((u) => {
  if (!URL.canParse(u)) return true; // not an address at all: the check above says so
  const url = new URL(u);
  return !url.search && !url.hash && !url.username && !url.password;
}, 'must be a plain address with no ?query, #fragment or user:password, e.g. http://192.168.1.20:8080');

/** Sized in BENCHMARKS.md ("A full board"): writes at this many active orders stay within a few ms. */
export const DEFAULT_MAX_ACTIVE_ORDERS = 10_000;

/** Every screen formats times with it: a tag Intl refuses (sv_SE) would break them all at once. */
const LocaleTag = z.string().min(2).max(35).refine(isLocale, 'must be a BCP 47 language tag such as sv or sv-SE');

/** The optional config file (`CONFIG=path/to/batchboard.json`). Unknown keys are errors: a typo must not pass silently. */
export const FileConfig = z
  .object({
    /**
     * The language every page speaks (board, kiosk, tracker, console): `en`, `sv` and `de` ship complete;
     * any other tag starts from English and takes its words from `locales.<tag>.messages`. Defaults to
     * `display.locale` (older config files), else `en`.
     */
    locale: LocaleTag.optional(),
    /**
     * The store's own words, per locale: `messages` overrides any catalogue key (shared/text/locales/en.ts;
     * an unknown key is refused at start, naming it), `dir` says which way the text runs (default: the
     * locale's own, from CLDR where the runtime knows it, else ltr).
     */
    locales: z.record(LocaleTag, z.object({ dir: TextDirection.optional(), messages: MessageOverrides.default({}) }).strict()).default({}),
    storeName: z.string().min(1).max(64).default('Batchboard'),
    /**
     * The store's IANA time zone (`Europe/Stockholm`): its day is what kiosk numbers, "today" in the
     * figures and dates in exports mean. Default: the hub's own zone (a hub in a cloud often runs in UTC).
     */
    timeZone: z
      .string()
      .max(64)
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Stockholm or UTC')
      .default(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
    /** Where customers' phones reach the hub (the kiosk's QR codes); `PUBLIC_URL` in env wins. */
    publicUrl: PublicUrl.optional(),
    readyTimeoutMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .default(30),
    allowedOrigins: z.array(z.url()).max(50).default([]),
    board: z
      .object({
        /**
         * Orders on the board at once (queued, in production, ready). A new order past it is refused
         * (`board_full`): every change costs work that grows with the board, and a screen can show a few hundred.
         */
        maxActiveOrders: z.number().int().min(10).max(100_000).default(DEFAULT_MAX_ACTIVE_ORDERS),
        /** A queued or in-production order with no change for this long leaves the board as expired (ready ones follow `readyTimeoutMinutes`). */
        staleOrderHours: z
          .object({
            queued: z
              .number()
              .positive()
              .max(7 * 24)
              .default(12),
            in_production: z
              .number()
              .positive()
              .max(7 * 24)
              .default(12),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    display: z
      .object({
        /** A PNG, JPEG, WebP or SVG file, relative to the config file; served at /branding/logo. */
        logo: z
          .string()
          .regex(/\.(png|jpe?g|webp|svg)$/i, 'must be a .png, .jpg, .webp or .svg file')
          .optional(),
        /** Older config files: the top-level `locale` now says it for every page. */
        locale: LocaleTag.optional(),
        /** Older config files: folded into the catalogue (`preparing` is `board.preparing`, …) for the store's locale. */
        labels: DisplayLabels.prefault({}),
        theme: DisplayTheme.prefault({}),
        chime: z.boolean().default(false),
        justReadySeconds: JustReadySeconds.default(60),
        /** Boards tell the hub, sampled, when they painted a change: the end-to-end latency in /metrics and on the console. */
        reportPainted: z.boolean().default(true),
        machines: MachinesOnBoard.default('all'),
      })
      .strict()
      .prefault({}),
    director: DirectorConfig.prefault({}),
    /**
     * The production planner (docs/protocol.md, "Planner"): off by default, so a store whose orders come from a POS
     * with its own production keeps its board as it is; on, waiting orders go into runs and the console shows them.
     */
    planner: z
      .object({
        enabled: z.boolean().default(false),
        /** A short `to-order` run is formed once the most urgent waiting order has this little slack left. */
        slackMinutes: z.number().min(0).max(240).default(5),
        /**
         * When the store closes each day, `HH:MM` on its clock (`timeZone`): no `batch` run is made for after it, the
         * last ones are sized for what the rest of the day will surely sell, and the kiosk's "left today" counts the
         * machine time until it. Without it, the day runs to midnight.
         */
        closesAt: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day, HH:MM')
          // A closing after midnight would fall at the start of the store's day and leave it no time at all.
          .refine((t) => t >= '04:00', 'must be 04:00 or later: a store open past midnight is not supported')
          .optional(),
        /** Earlier days of the event log that give a `batch` SKU's hour-of-day demand (0: the last hour's rate alone). */
        profileDays: z.number().int().min(0).max(28).default(7),
      })
      .strict()
      .prefault({}),
    /** What the kiosk sells today; without it, a sample menu (server/ordering/sample-catalogue.ts). */
    catalogue: Catalogue.default(SAMPLE_CATALOGUE),
    /** An order without its own promisedAt is due this long after the store first sees it (server/staff/floor-watch.ts). */
    promiseMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .default(15),
    kiosk: z
      .object({
        /** An untouched kiosk returns to its start screen after this. */
        idleSeconds: z.number().int().min(3).max(3600).default(60),
        /** The order number stays on screen this long, then the kiosk returns to its menu: the next customer never sees it. */
        confirmationSeconds: z.number().int().min(5).max(300).default(20),
        /** Kiosk order numbers are this prefix and a daily count: K101, K102, … */
        numberPrefix: z
          .string()
          .regex(/^[A-Z]{0,3}$/, 'must be up to 3 capital letters')
          .default('K'),
        /** Orders one client (one address) may place per minute. */
        ordersPerMinute: z.number().int().min(1).max(600).default(20),
        /**
         * Items (every SKU together) one client may order in a minute. A store's tablet is one address
         * serving a queue: a customer every 20 s ordering a full batch of 12 is 36 a minute.
         */
        itemsPerMinute: z.number().int().min(1).max(6_000).default(60),
        /**
         * The most of one SKU's day run (`runQuantity`) one client may order within `shareWindowMinutes`,
         * as a fraction (never less than one batch, `runSize`); 1 turns it off. At 0.5 a tablet would
         * have to sell the whole run within twice the window to meet it.
         */
        maxShareOfRun: z.number().gt(0).max(1).default(0.5),
        shareWindowMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(10),
      })
      .strict()
      .prefault({}),
    inbox: z
      .object({
        /** Entries a hub read but did not acknowledge (it died) are taken over by another hub after this. */
        claimIdleSeconds: z.number().min(1).max(3_600).default(30),
      })
      .strict()
      .prefault({}),
    eventLog: z
      .object({
        /** Redis: the event log stream is trimmed to about this many entries. */
        maxEntries: z.number().int().min(1_000).max(100_000_000).default(1_000_000),
        /** Embedded: days of event files kept. */
        keepDays: z.number().int().min(1).max(3_650).default(90),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        oldestQueuedMinutes: z
          .number()
          .positive()
          .max(24 * 60)
          .default(10),
        screenOfflineMinutes: z
          .number()
          .positive()
          .max(24 * 60)
          .default(5),
        /** Alert transitions are POSTed here as JSON, with a timeout and retries. */
        webhook: z
          .object({
            url: z.url({ protocol: /^https?$/ }),
            timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
            retries: z.number().int().min(0).max(10).default(3),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    staff: z
      .object({
        sessionHours: z
          .number()
          .positive()
          .max(24 * 7)
          .default(12),
        /** Wrong PINs from one address before its logins are locked. */
        maxFailures: z.number().int().min(3).max(100).default(10),
        lockMinutes: z
          .number()
          .positive()
          .max(24 * 60)
          .default(10),
        /** How long a staff action can be taken back (the console's Undo). */
        undoSeconds: z.number().int().min(3).max(600).default(10),
      })
      .strict()
      .prefault({}),
    /**
     * Signed webhooks from a POS or anything else (docs/protocol.md, "Webhook door"): each `webhooks.<name>` is the route
     * `POST /api/hooks/<name>` with its `scheme` (`shopify`, `square`, `hmac-sha256`), its secret (`secretEnv`: the
     * environment variable that holds it; or `secret`), and a `mapping` (JSONata) or `preset` from payload to orders.
     */
    webhooks: Webhooks,
    /**
     * The MQTT door (docs/protocol.md, "MQTT door"): the broker (`url`, `username`/`password` or `cert`/`key`/`ca`
     * files, `clientId`, `sessionExpiryHours`) and `subscriptions`, each a topic filter with its mapping. Absent: no MQTT door.
     */
    mqtt: MqttFileConfig.optional(),
    /**
     * The pilot the report measures (docs/protocol.md, "Pilot"): `name`, `from` and `to` (ISO dates on the store's clock),
     * the `baseline` days it is compared with, `floorAreaM2`, and `productionWindows`. Absent: no pilot.
     */
    pilot: PilotConfig.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.locale !== undefined && config.display.locale !== undefined && config.locale !== config.display.locale) {
      ctx.addIssue({
        code: 'custom',
        path: ['display', 'locale'],
        message: `is '${config.display.locale}' but locale is '${config.locale}': keep one (locale)`,
      });
    }
    for (const [key, problem] of legacyLabelProblems(config.display.labels)) {
      ctx.addIssue({ code: 'custom', path: ['display', 'labels'], message: `as ${key}: ${problem}` });
    }
    // An order of one full batch must fit in a minute's items, or the kiosk could never sell that SKU's largest order.
    for (const [i, p] of config.catalogue.entries()) {
      if (p.runSize > config.kiosk.itemsPerMinute) {
        ctx.addIssue({
          code: 'custom',
          path: ['kiosk', 'itemsPerMinute'],
          message: `must be at least the largest runSize (SKU '${p.sku}' at catalogue[${i}] has ${p.runSize})`,
        });
      }
    }
  });
export type FileConfig = z.infer<typeof FileConfig>;

/** The locale every page speaks: `locale`, else the older `display.locale`, else English. */
export function storeLocale(store: FileConfig): string {
  return store.locale ?? store.display.locale ?? 'en';
}

/** Express's names for address ranges a proxy may sit in. */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  CONFIG: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OBS_URL: z
    .string()
    .regex(/^wss?:\/\//, 'must start with ws:// or wss://')
    .optional(),
  /** Overrides `mqtt.url` of the config file. */
  MQTT_URL: z
    .string()
    .regex(/^mqtts?:\/\/\S+$/, 'must start with mqtt:// or mqtts://')
    .optional(),
  OBS_PASSWORD: z.string().max(256).optional(),
  STAFF_PIN: z
    .string()
    .regex(/^\d{4,12}$/, 'must be 4 to 12 digits')
    .optional(),
  HUB_ID: z
    .string()
    .regex(/^[\w.-]{1,64}$/)
    .optional(),
  PUBLIC_URL: PublicUrl.optional(),
  TRUST_PROXY: z
    .string()
    .default('loopback')
    .transform((v) => v.split(',').map((p) => p.trim()))
    .refine((parts) => parts.every((p) => PROXY_NAMES.has(p) || isProxyAddress(p)), {
      message: 'must be a comma-separated list of loopback, linklocal, uniquelocal, IP addresses or CIDR ranges',
    }),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly redisUrl: string | undefined;
  /** Without it the hub makes one once and keeps its digest (server/credentials). */
  readonly apiToken: string | undefined;
  /** Without it the hub makes one once and keeps its digest (server/credentials). */
  readonly staffPin: string | undefined;
  readonly dataDir: string;
  readonly logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  readonly hubId: string;
  /** Addresses whose X-Forwarded-For the hub believes (the load balancer's): client addresses key rate limits and the PIN lockout. */
  readonly trustProxy: readonly string[];
  /** Without it the director is disabled. The password never leaves the hub. */
  readonly obs: { readonly url: string; readonly password: string | undefined } | undefined;
  /** Without it there is no MQTT door. */
  readonly mqtt: MqttConfig | undefined;
  /** The shop itself, from the config file: its name, menu, screens, rules (not to be confused with a state store). */
  readonly shop: FileConfig;
  /** `PUBLIC_URL` (or the file's `publicUrl`): where customers' phones reach the hub, without a trailing slash. */
  readonly publicUrl: string | undefined;
  /** How often ready orders are checked against the time-out. */
  readonly sweepIntervalMs: number;
  /** The webhook sources of the config file, each with its secret read (from the file, or its `secretEnv`). */
  readonly webhooks: Readonly<Record<string, HookSource>>;
}

export class ConfigError extends Error {}

function readFileConfig(file: string | undefined): FileConfig {
  if (!file) return FileConfig.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
  }
  const parsed = FileConfig.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`config file ${file}: ${summariseIssues(describeIssues(parsed.error))}`);
  }
  const { logo } = parsed.data.display;
  if (logo !== undefined) parsed.data.display.logo = logoFile(file, logo);
  return parsed.data;
}

function isLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** Bigger than any sensible logo; every screen loads it. */
const MAX_LOGO_BYTES = 2 * 1024 * 1024;

/**
 * The logo, resolved and checked once at start: a regular file inside the config file's folder
 * (a symlink may not lead out of it), small enough to serve to every screen.
 */
function logoFile(configFile: string, logo: string): string {
  const where = `config file ${configFile}: display.logo`;
  const folder = realpathSync(path.dirname(path.resolve(configFile)));
  const resolved = path.resolve(folder, logo);
  if (!existsSync(resolved)) throw new ConfigError(`${where}: no file at ${resolved}`);
  const real = realpathSync(resolved);
  const inside = path.relative(folder, real);
  if (inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
    throw new ConfigError(`${where}: must be inside the config file's folder (${folder}), not ${real}`);
  }
  const stat = statSync(real);
  if (!stat.isFile()) throw new ConfigError(`${where}: ${real} is not a file`);
  if (stat.size > MAX_LOGO_BYTES) throw new ConfigError(`${where}: ${real} is over ${MAX_LOGO_BYTES / 1024 / 1024} MB`);
  return real;
}

/** Parses the environment and the config file once; nothing else reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`environment: ${summariseIssues(describeIssues(parsed.error))}`);
  }
  const e = parsed.data;
  const store = Object.freeze(readFileConfig(e.CONFIG));
  const webhooks = resolveWebhooks(store.webhooks, env);
  if (webhooks.problems.length > 0) throw new ConfigError(`config file ${e.CONFIG ?? '(none)'}: ${webhooks.problems.join('; ')}`);
  const mqtt = resolveMqtt(store.mqtt, { url: e.MQTT_URL, hubId: e.HUB_ID, onRedis: e.REDIS_URL !== undefined, vars: env }, e.CONFIG);
  if (mqtt && 'problem' in mqtt) throw new ConfigError(e.CONFIG ? `config file ${e.CONFIG}: ${mqtt.problem}` : `environment: ${mqtt.problem}`);
  const readyTimeoutMs = store.readyTimeoutMinutes * 60_000;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    apiToken: e.API_TOKEN,
    staffPin: e.STAFF_PIN,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    hubId: e.HUB_ID ?? `${hostname()}-${process.pid}`,
    trustProxy: Object.freeze(e.TRUST_PROXY),
    obs: e.OBS_URL ? Object.freeze({ url: e.OBS_URL, password: e.OBS_PASSWORD }) : undefined,
    mqtt,
    shop: store,
    publicUrl: (e.PUBLIC_URL ?? store.publicUrl)?.replace(/\/+$/, ''),
    // Check often enough that a ready order leaves within a quarter of its time-out late.
    sweepIntervalMs: Math.min(5_000, Math.max(50, readyTimeoutMs / 4)),
    webhooks: webhooks.hooks,
  });
}
