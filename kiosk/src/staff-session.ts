import { api } from './api.js';

/** A restart takes seconds; the network, a moment: the look is tried again at these gaps (about 30 s in all). */
const RETRY_MS = [500, 1_000, 2_000, 4_000, 4_000, 4_000, 4_000, 4_000, 4_000];

/**
 * Who this device is logged in as, from the hub: the name, or null when the hub says there is no session.
 * A look the hub could not answer (unreachable, restarting, its store away) is asked again rather than taken for
 * "logged out": a staff tablet reloaded during a restart would otherwise show its login and want the PIN again.
 * Bounded: a hub still away after the last gap gets the login, whose answer then says why (its store away, say).
 */
export async function askSession(): Promise<string | null> {
  for (let i = 0; ; i++) {
    const answer = await api<{ who: string }>('GET', '/api/staff/session');
    if (answer.ok) return answer.data.who;
    if ((answer.status !== 0 && answer.status < 500) || i === RETRY_MS.length) return null;
    await new Promise((r) => setTimeout(r, RETRY_MS[i]));
  }
}
