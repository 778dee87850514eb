import type { ApiError as HubError } from '../../shared/errors.js';
import { STAFF_CSRF_HEADER } from '../../shared/protocol.js';

/**
 * An error answer: one of the hub's codes with its params, or one this page makes itself when the hub
 * gives no answer it can read (`network`: unreachable; `bad_reply`: not JSON, e.g. a proxy's error page).
 * `message` is the hub's hint for developers: word an error from `code` and `params`, never from it.
 */
export type ApiError =
  HubError | { code: 'network'; params: { status: 0 }; message: string } | { code: 'bad_reply'; params: { status: number }; message: string };
export type ApiAnswer<T> = { status: number; ok: true; data: T } | { status: number; ok: false; error: ApiError };

/** A reply that is not the hub's `{ ok, data | error }` is taken for no reply: a page must not read fields that are not there. */
function readable<T>(json: unknown): json is { ok: true; data: T } | { ok: false; error: HubError } {
  if (typeof json !== 'object' || json === null || !('ok' in json)) return false;
  if (json.ok === true) return 'data' in json;
  const error = (json as { error?: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error && typeof (error as { params?: unknown }).params === 'object';
}

/** One JSON call to the hub. A network failure answers status 0 with code `network`, never throws. */
export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, opts: { timeoutMs?: number } = {}): Promise<ApiAnswer<T>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? 8_000);
  try {
    const res = await fetch(path, {
      method,
      credentials: 'same-origin',
      signal: controller.signal,
      // The staff header on every write: the hub refuses cookie-borne writes without it (CSRF).
      headers: method !== 'GET' ? { 'content-type': 'application/json', [STAFF_CSRF_HEADER]: '1' } : {},
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json: unknown = await res.json().catch(() => undefined);
    if (readable<T>(json)) return { status: res.status, ...json };
    return { status: res.status, ok: false, error: { code: 'bad_reply', params: { status: res.status }, message: `the hub answered ${res.status}` } };
  } catch {
    return { status: 0, ok: false, error: { code: 'network', params: { status: 0 }, message: 'the hub cannot be reached' } };
  } finally {
    clearTimeout(timer);
  }
}
