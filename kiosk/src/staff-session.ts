import { api } from './api.js';

/** A restart takes seconds; the network, a moment: the look is tried again at these gaps, the last one for good. */
const RETRY_MS = [500, 1_000, 2_000, 4_000];

/**
 * Who this device is logged in as, from the hub: the name, or null when the hub says there is no session.
 * A look the hub could not answer (unreachable, restarting, its store away) is asked again rather than taken for
 * "logged out": a staff tablet reloaded during a restart would otherwise show its login and want the PIN again.
 */
export async function askSession(): Promise<string | null> {
  for (let i = 0; ; i++) {
    const answer = await api<{ who: string }>('GET', '/api/staff/session');
    if (answer.ok) return answer.data.who;
    if (answer.status !== 0 && answer.status < 500) return null;
    await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(i, RETRY_MS.length - 1)]));
  }
}
