import { pageText } from '../../shared/client/page-text.svelte.js';
import type { ApiError } from './api.js';
import { errorParams } from './error-params.js';

/** An error answer in the store's words, by its code and params (`error.<code>`): never the hub's English `message`. */
export function errorWords(error: ApiError): string {
  return pageText.error(error.code, errorParams(error));
}
