import type { ApiError } from '../../shared/errors.js';

/**
 * A refused socket.io connection: `message` as clients have always matched it (its first word), and
 * `data` the error as every HTTP route answers it, which socket.io hands to the client's `connect_error`.
 */
export function refusal(message: string, error: ApiError): Error & { data: ApiError } {
  return Object.assign(new Error(message), { data: error });
}
