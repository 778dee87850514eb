import type { AlertCode, AlertParams } from '../schemas/insight.js';
import type { MessageKey } from './locales/en.js';
import type { MessageParams } from './message-format.js';

/** Anything that words a catalogue key: a page's text, or the hub's translator for the store's locale. */
export interface Words {
  t(key: MessageKey, params?: MessageParams): string;
}

/**
 * An alert in words (`alert.<code>`), read with its params: the one wording of alerts, for the console,
 * the hub's webhook and its log. A machine is named by its name, never its id.
 */
export function alertWords<C extends AlertCode>(code: C, params: AlertParams[C], words: Words): string {
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) if (typeof value === 'string' || typeof value === 'number') values[name] = value;
  if ('name' in params && typeof params.name === 'string') values.machine = params.name;
  return words.t(`alert.${code}`, values);
}
