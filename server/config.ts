import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DirectorConfig } from '../shared/schemas/director.js';
import { DisplayLabels, DisplayTheme } from '../shared/schemas/display.js';
import { describeIssues, summariseIssues } from '../shared/validation.js';

/** The optional config file (`CONFIG=path/to/batchboard.json`). Unknown keys are errors: a typo must not pass silently. */
export const FileConfig = z
  .object({
    storeName: z.string().min(1).max(64).default('Batchboard'),
    readyTimeoutMinutes: z.number().positive().max(24 * 60).default(30),
    allowedOrigins: z.array(z.url()).max(50).default([]),
    display: z
      .object({
        /** A PNG, JPEG, WebP or SVG file, relative to the config file; served at /branding/logo. */
        logo: z
          .string()
          .regex(/\.(png|jpe?g|webp|svg)$/i, 'must be a .png, .jpg, .webp or .svg file')
          .optional(),
        locale: z.string().min(2).max(35).default('en'),
        labels: DisplayLabels.prefault({}),
        theme: DisplayTheme.prefault({}),
        chime: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    director: DirectorConfig.prefault({}),
  })
  .strict();
export type FileConfig = z.infer<typeof FileConfig>;

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
  OBS_PASSWORD: z.string().max(256).optional(),
  HUB_ID: z
    .string()
    .regex(/^[\w.-]{1,64}$/)
    .optional(),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly redisUrl: string | undefined;
  readonly apiToken: string;
  /** True when the token was made up at start and must be shown to the operator once. */
  readonly apiTokenGenerated: boolean;
  readonly dataDir: string;
  readonly logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  readonly hubId: string;
  /** Without it the director is disabled. The password never leaves the hub. */
  readonly obs: { readonly url: string; readonly password: string | undefined } | undefined;
  readonly store: FileConfig;
  /** How often ready orders are checked against the time-out. */
  readonly sweepIntervalMs: number;
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
  if (logo !== undefined) {
    const resolved = path.resolve(path.dirname(file), logo);
    if (!existsSync(resolved)) throw new ConfigError(`config file ${file}: display.logo: no file at ${resolved}`);
    parsed.data.display.logo = resolved;
  }
  return parsed.data;
}

/** Parses the environment and the config file once; nothing else reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`environment: ${summariseIssues(describeIssues(parsed.error))}`);
  }
  const e = parsed.data;
  const store = Object.freeze(readFileConfig(e.CONFIG));
  const readyTimeoutMs = store.readyTimeoutMinutes * 60_000;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    apiToken: e.API_TOKEN ?? randomBytes(24).toString('base64url'),
    apiTokenGenerated: e.API_TOKEN === undefined,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    hubId: e.HUB_ID ?? `${hostname()}-${process.pid}`,
    obs: e.OBS_URL ? Object.freeze({ url: e.OBS_URL, password: e.OBS_PASSWORD }) : undefined,
    store,
    // Check often enough that a ready order leaves within a quarter of its time-out late.
    sweepIntervalMs: Math.min(5_000, Math.max(50, readyTimeoutMs / 4)),
  });
}
