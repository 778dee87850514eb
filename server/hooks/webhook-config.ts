import { z } from 'zod';
import { compileMapping } from './mappings.js';
import { PRESET_NAMES, type PresetName } from './presets.js';

/** A hook's name is its path: `POST /api/hooks/<name>`. */
export const HookName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1 to 32 lower-case letters, digits or -, e.g. shopify');

/** The name of an environment variable that holds a secret (kept out of the config file). */
const EnvName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'must be the name of an environment variable, e.g. SHOPIFY_WEBHOOK_SECRET');

/** Keys every scheme has: where the secret comes from, how the payload becomes orders, how long a delivery id is remembered. */
const common = {
  /** The secret inline. Prefer `secretEnv`: a config file is often copied, committed or shown. */
  secret: z.string().min(8, 'must be at least 8 characters').max(512).optional(),
  /** The environment variable that holds the secret (read once, at start). */
  secretEnv: EnvName.optional(),
  /** A JSONata expression from the payload to zero or more orders (docs/protocol.md, "Webhook door"). */
  mapping: z.string().min(1).max(20_000).optional(),
  /** A shipped mapping instead: `shopify-orders` or `generic-json` (server/hooks/presets.ts). */
  preset: z.enum(PRESET_NAMES).optional(),
  /**
   * Which of an order's items go on the board: `all` (as it comes), or `made-on-site` (the catalogue's SKUs only; an
   * order with none of them stays off the board). The sale the mapping gives, if any, keeps the whole basket either way.
   */
  boardItems: z.enum(['all', 'made-on-site']).default('all'),
  /** How long a delivery id is remembered when the scheme has no timestamp (with one, twice its tolerance). */
  replayWindowHours: z
    .number()
    .positive()
    .max(7 * 24)
    .default(24),
};

const Shopify = z.object({ scheme: z.literal('shopify'), ...common }).strict();

const Square = z
  .object({
    scheme: z.literal('square'),
    ...common,
    /**
     * The URL exactly as entered in Square's subscription (part of what Square signs): behind a proxy the hub
     * cannot know the address the sender used.
     */
    notificationUrl: z.url({ protocol: /^https?$/ }),
  })
  .strict();

const HeaderName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name')
  .transform((h) => h.toLowerCase());

const Generic = z
  .object({
    scheme: z.literal('hmac-sha256'),
    ...common,
    /** The header holding the digest. */
    header: HeaderName,
    encoding: z.enum(['hex', 'base64']).default('hex'),
    /** Text before the digest in the header, e.g. `sha256=`. */
    prefix: z.string().max(32).default(''),
    /** A header with the time of sending in Unix seconds; then the signed text is `<timestamp>.<raw body>`. */
    timestampHeader: HeaderName.optional(),
    /** How far the timestamp may be from the hub's clock, either way. */
    toleranceSeconds: z.number().int().min(10).max(86_400).default(300),
    /** A header with the sender's id of the delivery (without one, the signature itself is the delivery's id). */
    deliveryIdHeader: HeaderName.optional(),
  })
  .strict();

/** One webhook source, `webhooks.<name>` in the config file. */
export const WebhookSource = z.discriminatedUnion('scheme', [Shopify, Square, Generic]).superRefine((hook, ctx) => {
  if ((hook.secret === undefined) === (hook.secretEnv === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['secretEnv'], message: 'give exactly one of secret and secretEnv (better: secretEnv)' });
  }
  if ((hook.mapping === undefined) === (hook.preset === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['mapping'], message: `give exactly one of mapping and preset (${PRESET_NAMES.join(', ')})` });
  }
  if (hook.mapping !== undefined) {
    const problem = compileMapping(hook.mapping).problem;
    if (problem) ctx.addIssue({ code: 'custom', path: ['mapping'], message: `does not compile: ${problem}` });
  }
});
export type WebhookSource = z.infer<typeof WebhookSource>;

export const Webhooks = z.record(HookName, WebhookSource).default({});

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A source as the door uses it: its secret read, its mapping chosen. */
export type HookSource = DistributiveOmit<WebhookSource, 'secret' | 'secretEnv' | 'mapping' | 'preset'> & {
  readonly name: string;
  readonly secret: string;
  readonly mapping: { readonly preset: PresetName } | { readonly expression: string };
};

/** Reads each source's secret (from the file or its environment variable); a problem names the key to fix. */
export function resolveWebhooks(
  hooks: Readonly<Record<string, WebhookSource>>,
  env: NodeJS.ProcessEnv,
): { hooks: Readonly<Record<string, HookSource>>; problems: string[] } {
  const problems: string[] = [];
  const resolved: Record<string, HookSource> = {};
  for (const [name, hook] of Object.entries(hooks)) {
    const { secret: inline, secretEnv, mapping, preset, ...rest } = hook;
    const secret = inline ?? (secretEnv !== undefined ? env[secretEnv] : undefined);
    if (!secret || secret.length < 8) {
      problems.push(`webhooks.${name}.secretEnv: the environment variable ${secretEnv ?? '?'} is not set (or under 8 characters)`);
      continue;
    }
    resolved[name] = Object.freeze({ ...rest, name, secret, mapping: preset !== undefined ? { preset } : { expression: mapping ?? '' } });
  }
  return { hooks: Object.freeze(resolved), problems };
}
