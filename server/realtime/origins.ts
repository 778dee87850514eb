import type { IncomingMessage } from 'node:http';

/**
 * socket.io's `allowRequest`: browsers must come from the hub's own origin or
 * a configured one; clients without an Origin header (Node producers, tests,
 * OBS) are not browsers and pass.
 */
export function originGuard(allowed: readonly string[]) {
  const allowedSet = new Set(allowed.map((o) => new URL(o).origin));
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void => {
    const origin = req.headers.origin;
    if (!origin) return callback(null, true);
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return callback('bad origin', false);
    }
    const same = parsed.host === req.headers.host;
    callback(same || allowedSet.has(parsed.origin) ? null : 'origin not allowed', same || allowedSet.has(parsed.origin));
  };
}
