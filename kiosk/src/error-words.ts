import { pageText } from '../../shared/client/page-text.svelte.js';
import type { ApiError } from './api.js';
import { errorParams } from './error-params.js';

/** An error answer in the store's words, by its code: never the hub's English `message`. */
export function errorWords(error: ApiError): string {
  const params = errorParams(error);
  if (error.code === 'wrong_pin' && params.triesLeft === undefined) return pageText.t('error.wrong_pin_plain');
  return pageText.error(error.code, params);
}
