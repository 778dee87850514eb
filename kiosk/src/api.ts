import type { OrderStatus } from '../../shared/schemas/order.js';
import { STAFF_CSRF_HEADER } from '../../shared/schemas/staff.js';

/**
 * An error answer: pages word it by `code` and `params` (kiosk/src/error-words.ts); `message` is the hub's
 * English for logs and scripts, never shown. `status`: with code `stale`, what the order is in now (a staff
 * action tapped on a status it has left).
 */
export type ApiError = { code: string; message?: string; params?: Record<string, unknown>; left?: number; remaining?: number; status?: OrderStatus | null };
export type ApiAnswer<T> = { status: number; ok: true; data: T } | { status: number; ok: false; error: ApiError };

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
    const json = (await res.json().catch(() => ({ ok: false, error: { code: 'bad_reply', message: `the hub answered ${res.status}` } }))) as
      { ok: true; data: T } | { ok: false; error: ApiError };
    return { status: res.status, ...json };
  } catch {
    return { status: 0, ok: false, error: { code: 'network', message: 'the hub cannot be reached' } };
  } finally {
    clearTimeout(timer);
  }
}
