import type { PilotReport } from '../../../shared/report.js';
import { api, type ApiError } from '../api.js';
import { askSession } from '../staff-session.js';
import { errorWords } from '../error-words.js';
import { rangeQuery, type RangeKind } from './report-range.js';

/** The report page's staff session (the console's login and cookie) and the report it shows. */
export class ReportSession {
  who: string | null = $state(null);
  checked = $state(false);
  report: PilotReport | null = $state.raw(null);
  kind: RangeKind = $state('today');
  loading = $state(false);
  /** Why the last report could not be made, in the store's words. */
  failed: string | null = $state(null);
  #asked = 0;

  async check(): Promise<void> {
    const who = await askSession();
    this.checked = true;
    if (who !== null) this.who = who;
  }

  async login(pin: string, name: string): Promise<string | null> {
    const answer = await api<{ who: string }>('POST', '/api/staff/login', { pin, ...(name.trim() ? { name: name.trim() } : {}) });
    if (!answer.ok) return errorWords(answer.error);
    this.who = answer.data.who;
    return null;
  }

  /**
   * Asks the hub for a range's report. The JSON answer is the report itself, not `{ ok, data }`; a refusal is the
   * hub's usual error. A slower answer to an earlier choice never replaces a later one.
   */
  async load(kind: RangeKind, timeZone: string | undefined): Promise<void> {
    const asked = ++this.#asked;
    this.kind = kind;
    this.loading = true;
    const outcome = await fetchReport(rangeQuery(kind, Date.now(), timeZone));
    if (asked !== this.#asked) return;
    this.loading = false;
    if ('error' in outcome) {
      if (outcome.status === 401) this.who = null;
      this.failed = errorWords(outcome.error);
      return;
    }
    this.failed = null;
    this.report = outcome.report;
  }
}

async function fetchReport(query: string): Promise<{ report: PilotReport } | { status: number; error: ApiError }> {
  try {
    // The bootstrap behind the intervals takes a moment over a long pilot: a longer bound than a tap's.
    const res = await fetch(`/api/report?format=json${query ? `&${query}` : ''}`, { credentials: 'same-origin', signal: AbortSignal.timeout(30_000) });
    const json: unknown = await res.json().catch(() => undefined);
    if (res.ok && typeof json === 'object' && json !== null && 'conversion' in json) return { report: json as PilotReport };
    // A refusal is the hub's `{ ok: false, error: { code, params } }`.
    const error = typeof json === 'object' && json !== null && 'error' in json ? (json as { error: ApiError }).error : null;
    return { status: res.status, error: error ?? { code: 'bad_reply', params: { status: res.status }, message: `the hub answered ${res.status}` } };
  } catch {
    return { status: 0, error: { code: 'network', params: { status: 0 }, message: 'the hub cannot be reached' } };
  }
}
