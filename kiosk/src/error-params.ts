import type { MessageParams } from '../../shared/text/message-format.js';
import type { ApiError } from './api.js';

/**
 * The values an error's message reads: the answer's `params` (the hub's error answers carry them), and
 * until every route does, the numbers some answers still carry beside `code` (`left`, `remaining`, …).
 */
export function errorParams(error: ApiError): MessageParams {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(error)) {
    if (name !== 'code' && name !== 'message' && typeof value === 'number') params[name] = value;
  }
  for (const [name, value] of Object.entries(error.params ?? {})) {
    if (typeof value === 'number' || typeof value === 'string') params[name] = value;
  }
  if (error.code === 'wrong_pin' && params.triesLeft === undefined) {
    // A hub from before `params.triesLeft` said the count only in its English message ("…; 2 tries left…").
    const tries = params.remaining ?? Number(/(\d+) tries left/.exec(error.message ?? '')?.[1] ?? NaN);
    if (typeof tries === 'number' && Number.isFinite(tries)) params.triesLeft = tries;
  }
  if (error.code === 'sold_out' && params.left === undefined) params.left = 0;
  return params;
}
