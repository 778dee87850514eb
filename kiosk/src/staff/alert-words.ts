import type { Alert } from '../../../shared/schemas/insight.js';
import { pageText } from '../../../shared/client/page-text.svelte.js';
import { alertWords as worded } from '../../../shared/text/alert-words.js';

/** An alert on the console, in the store's words. */
export function alertWords(alert: Alert): string {
  return worded(alert.code, alert.params, pageText);
}
