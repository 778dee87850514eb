import { z } from 'zod';
import { MACHINE_STATE_NAMES } from '../contract-values.js';
import type { StoreText, TextDirection } from '../schemas/text.js';
import { de } from './locales/de.js';
import { en, type MessageKey, type Messages } from './locales/en.js';
import { sv } from './locales/sv.js';
import { MessageSyntaxError, parseMessage } from './message-format.js';

export type { MessageKey, Messages } from './locales/en.js';

/**
 * The locales Batchboard ships, complete (test/text-catalogue.test.ts fails on a missing key). The hub
 * imports this; pages never do: they get one resolved locale from the hub.
 */
export const SHIPPED: Readonly<Record<string, Messages>> = { en, sv, de };

export const MESSAGE_KEYS = Object.keys(en) as MessageKey[];
const KEYS: ReadonlySet<string> = new Set(MESSAGE_KEYS);

export function isMessageKey(key: string): key is MessageKey {
  return KEYS.has(key);
}

/** The shipped catalogue for a tag: `sv-SE` speaks `sv`; a language we do not ship starts from English. */
export function shippedFor(locale: string): Messages {
  return SHIPPED[locale] ?? SHIPPED[locale.split('-')[0]!.toLowerCase()] ?? en;
}

/** A store's overrides of one locale: every key must be a catalogue key and every message must parse. */
export const MessageOverrides = z.record(z.string(), z.string().max(1_000)).superRefine((messages, ctx) => {
  for (const [key, message] of Object.entries(messages)) {
    if (!isMessageKey(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `'${key}' is not a message key (see shared/text/locales/en.ts)` });
      continue;
    }
    const problem = syntaxProblem(message);
    if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
  }
});
export type MessageOverrides = z.infer<typeof MessageOverrides>;

function syntaxProblem(message: string): string | null {
  try {
    parseMessage(message);
    return null;
  } catch (err) {
    if (err instanceof MessageSyntaxError) return `not a valid message: ${err.message}`;
    throw err;
  }
}

/** The board's labels of old (`display.labels`): still honoured, each as the catalogue key it became. */
export interface LegacyLabels {
  preparing?: string | undefined;
  ready?: string | undefined;
  queued?: string | undefined;
  inProduction?: string | undefined;
  readyBadge?: string | undefined;
  nowLive?: string | undefined;
  offlineSince?: string | undefined;
  page?: string | undefined;
  emptyPreparing?: string | undefined;
  emptyReady?: string | undefined;
  justReady?: string | undefined;
  machineResting?: string | undefined;
  machineStates?: Partial<Record<(typeof MACHINE_STATE_NAMES)[number], string | undefined>> | undefined;
}

const LEGACY_KEYS: Record<Exclude<keyof LegacyLabels, 'machineStates'>, MessageKey> = {
  preparing: 'board.preparing',
  ready: 'board.ready',
  queued: 'board.queued',
  inProduction: 'board.inProduction',
  readyBadge: 'board.readyBadge',
  nowLive: 'board.nowLive',
  offlineSince: 'board.offlineSince',
  page: 'board.page',
  emptyPreparing: 'board.emptyPreparing',
  emptyReady: 'board.emptyReady',
  justReady: 'board.justReady',
  machineResting: 'board.machineResting',
};

/** ICU quoting for plain label text, so a label with `{` or an apostrophe means what it says. */
function quoted(text: string): string {
  return text.replace(/'/g, "''").replace(/[{}]/g, (c) => `'${c}'`);
}

/** `display.labels` as catalogue overrides. The labels' own `{time}`, `{page}`, `{pages}` are catalogue arguments too. */
export function legacyLabelMessages(labels: LegacyLabels): Partial<Messages> {
  const out: Partial<Messages> = {};
  for (const [name, key] of Object.entries(LEGACY_KEYS) as [keyof typeof LEGACY_KEYS, MessageKey][]) {
    const label = labels[name];
    if (label === undefined) continue;
    // "Now live" was followed by ": scene" on the board; the catalogue's message holds the whole line.
    out[key] = name === 'nowLive' ? `${quoted(label)}: {scene}` : label;
  }
  for (const state of MACHINE_STATE_NAMES) {
    const label = labels.machineStates?.[state];
    if (label !== undefined) out[`machine.state.${state}`] = label;
  }
  return out;
}

/** Problems with legacy labels as messages (a stray `{`), as `[key, problem]`. */
export function legacyLabelProblems(labels: LegacyLabels): [string, string][] {
  return Object.entries(legacyLabelMessages(labels)).flatMap(([key, message]) => {
    const problem = syntaxProblem(message);
    return problem ? [[key, problem] as [string, string]] : [];
  });
}

/** The direction CLDR gives a locale (`ar`, `he`: rtl), where the runtime knows it; else left to right. */
export function defaultDirection(locale: string): TextDirection {
  try {
    const info = new Intl.Locale(locale) as Intl.Locale & { textInfo?: { direction?: string }; getTextInfo?: () => { direction?: string } };
    const direction = info.getTextInfo?.().direction ?? info.textInfo?.direction;
    return direction === 'rtl' ? 'rtl' : 'ltr';
  } catch {
    return 'ltr';
  }
}

export interface TextSettings {
  locale: string;
  /** The store's own definition of its locale, if any: direction and messages (`locales.<locale>` in the config file). */
  own?: { dir?: TextDirection | undefined; messages?: Partial<Record<string, string>> | undefined } | undefined;
  /** `display.labels` of old: below the store's messages, above the shipped catalogue. */
  legacy?: LegacyLabels | undefined;
}

/** The words every page gets: the shipped catalogue nearest the locale, then the legacy labels, then the store's messages. */
export function resolveStoreText(settings: TextSettings): StoreText {
  const messages: Record<string, string> = { ...shippedFor(settings.locale), ...legacyLabelMessages(settings.legacy ?? {}) };
  for (const [key, message] of Object.entries(settings.own?.messages ?? {})) if (message !== undefined) messages[key] = message;
  return { locale: settings.locale, dir: settings.own?.dir ?? defaultDirection(settings.locale), messages };
}
