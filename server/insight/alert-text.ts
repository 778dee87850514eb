import type { AlertCode, AlertParams } from '../../shared/schemas/insight.js';
import type { StoreText } from '../../shared/schemas/text.js';
import { alertWords } from '../../shared/text/alert-words.js';
import { resolveStoreText } from '../../shared/text/catalogue.js';
import { Translator } from '../../shared/text/translator.js';

// Logs are for operators and stay English, whatever the store speaks.
const ENGLISH = new Translator(resolveStoreText({ locale: 'en' }));

/** An alert's words for the hub: in the store's language for the chat a webhook posts into, in English for the log. */
export class AlertText {
  #store: Translator;

  constructor(text: StoreText) {
    this.#store = new Translator(text);
  }

  forStore<C extends AlertCode>(code: C, params: AlertParams[C]): string {
    return alertWords(code, params, this.#store);
  }

  forLog<C extends AlertCode>(code: C, params: AlertParams[C]): string {
    return alertWords(code, params, ENGLISH);
  }
}
