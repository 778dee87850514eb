import type { Logger } from '../log.js';

/**
 * One JSON POST to a webhook receiver, with a timeout per attempt and `retries` more attempts after growing
 * pauses (0.5 s doubling to 5 s); true once the receiver took it. Never throws: a receiver that fails or hangs
 * costs the post, never the hub. `closed` ends the attempts when the hub shuts down.
 */
export async function postWithRetries(
  post: { url: string; body: string; timeoutMs: number; retries: number; closed: () => boolean },
  log: Logger,
  what: string,
): Promise<boolean> {
  for (let attempt = 0; attempt <= post.retries && !post.closed(); attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5_000)));
    try {
      const res = await fetch(post.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: post.body,
        signal: AbortSignal.timeout(post.timeoutMs),
      });
      await res.body?.cancel();
      if (res.ok) return true;
      log.warn({ status: res.status, attempt }, `${what} refused the post`);
    } catch (err) {
      log.warn({ err: (err as Error).message, attempt }, `${what} post failed`);
    }
  }
  return false;
}
