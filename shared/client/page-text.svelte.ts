import type { StoreText } from '../schemas/text.js';
import type { MessageKey } from '../text/locales/en.js';
import type { MessageParams } from '../text/message-format.js';
import { Translator } from '../text/translator.js';

/**
 * The page's words as Svelte state: empty until the hub has sent the store's text, then every `t()` in
 * a template follows it. One per page (module state): the board, the kiosk, the tracker and the console
 * each load their own bundle, and each has one store.
 */
class PageText {
  #translator: Translator | null = $state.raw(null);

  /** True once the hub's words have arrived: a page draws nothing before, rather than words it would have to invent. */
  get ready(): boolean {
    return this.#translator !== null;
  }

  get locale(): string {
    return this.#translator?.locale ?? 'en';
  }

  get dir(): 'ltr' | 'rtl' {
    return this.#translator?.dir ?? 'ltr';
  }

  /** Takes the store's text from the hub (on every connect: a hub restarted with a new config speaks its new words). */
  use(text: StoreText): void {
    this.#translator = new Translator(text);
  }

  t = (key: MessageKey, params?: MessageParams): string => this.#translator?.t(key, params) ?? '';
  error = (code: string, params?: MessageParams): string => this.#translator?.error(code, params) ?? '';
  either = (names: readonly string[]): string => this.#translator?.either(names) ?? names.join(', ');
}

export const pageText = new PageText();
export const t = pageText.t;
