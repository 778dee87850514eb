import type { StoreText } from '../schemas/text.js';
import type { MessageKey } from './locales/en.js';
import { formatParts, parseMessage, type MessageParams, type MessagePart } from './message-format.js';

/**
 * A page's words: the store's resolved messages from the hub, each parsed once on first use. Pages
 * import only the key type from the catalogue, never its English, so they can only say what the hub sent.
 */
export class Translator {
  readonly locale: string;
  readonly dir: 'ltr' | 'rtl';
  #messages: Readonly<Record<string, string>>;
  #parsed = new Map<string, MessagePart[]>();

  constructor(text: StoreText) {
    this.locale = text.locale;
    this.dir = text.dir;
    this.#messages = text.messages;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.#messages, key);
  }

  /** The message for `key` with `params`; a key the hub did not send shows as itself (a visible fault, never a crash). */
  t(key: MessageKey, params?: MessageParams): string {
    let parts = this.#parsed.get(key);
    if (!parts) {
      const source = this.#messages[key];
      if (source === undefined) return key;
      try {
        parts = parseMessage(source);
      } catch {
        // The hub checks every message at start; a page never breaks on one it could not.
        parts = [source];
      }
      this.#parsed.set(key, parts);
    }
    // In a right-to-left sentence a left-to-right value (an order number, a name, "218 °C") keeps its own direction.
    return formatParts(parts, this.locale, params, { isolate: this.dir === 'rtl' });
  }

  /** An error answer of the hub, worded by its code (`error.<code>`), never by the hub's English. */
  error(code: string, params?: MessageParams): string {
    const key = `error.${code}`;
    return this.has(key) ? this.t(key as MessageKey, params) : this.t('error.unknown');
  }

  /** "A, B or C", in the locale's words. */
  either(names: readonly string[]): string {
    return new Intl.ListFormat(this.locale, { type: 'disjunction' }).format(names);
  }
}
