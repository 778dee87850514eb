import type { MessageParams } from '../../shared/text/message-format.js';
import type { ApiError } from './api.js';

/**
 * The values an error's message reads: the answer's `params` that are words or numbers, and a wait in
 * whole minutes beside one in seconds (`retryAfterSeconds` → `retryAfterMinutes`), which reads better to
 * a person. Lists (an invalid input's `issues`) stay out: a message names no field to a customer.
 */
export function errorParams(error: ApiError): MessageParams {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(error.params)) {
    if (typeof value === 'number' || typeof value === 'string') params[name] = value;
  }
  if (typeof params.retryAfterSeconds === 'number') params.retryAfterMinutes = Math.max(1, Math.ceil(params.retryAfterSeconds / 60));
  return params;
}
