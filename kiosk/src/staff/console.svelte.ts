import { io, type Socket } from 'socket.io-client';
import type { StaffClientToServerEvents, StaffServerToClientEvents } from '../../../shared/events.js';
import { STAFF_NAMESPACE } from '../../../shared/protocol.js';
import type { Order, OrderStatus } from '../../../shared/schemas/order.js';
import type { StaffAction, StaffActionResult, ConsoleState } from '../../../shared/schemas/staff.js';
import type { Run, RunStatus } from '../../../shared/schemas/run.js';
import { api } from '../api.js';
import { askSession } from '../staff-session.js';
import { errorWords } from '../error-words.js';
import { pageText, t } from '../../../shared/client/page-text.svelte.js';

export interface Toast {
  id: number;
  message: string;
  undo?: string;
  /** The order number its Undo is for. */
  number?: string;
  until: number;
  /**
   * Undo was tapped: the toast stays where it is (its button inert, then "Undone") so a second tap hits nothing new.
   * `unknown`: no answer came, so the hub may have taken it back.
   */
  undoing?: 'asked' | 'done' | 'failed' | 'unknown';
}

/** An order's status as staff read it ("Making"). */
export const statusWord = (status: OrderStatus): string => t(`status.${status}`);
/** The same inside a sentence ("K101 → making"). */
const statusInLine = (status: OrderStatus): string => statusWord(status).toLocaleLowerCase(pageText.locale);

/** A run's status as staff read it ("Running"). */
export const runStatusWord = (status: RunStatus): string => t(`run.status.${status}`);

/** A step of the Production lane: "Loaded" (start, into a machine) or "Unloaded" (finish, with what came out). */
export type RunStep = { step: 'start'; machine: string } | { step: 'finish'; produced: number; wasted: number };

/** What a tap came to, in words for its row: the new status, or why nothing changed. */
export interface ActOutcome {
  ok: boolean;
  words: string;
}

const NOTE_MS = 5_000;
const UNDONE_SHOWN_MS = 3_000;

/** The console's session and the staff-only live state behind it. */
export class ConsoleSession {
  who: string | null = $state(null);
  checked = $state(false);
  state: ConsoleState | null = $state.raw(null);
  connected = $state(false);
  /** Every action stays undoable for its own window, however many follow it: one toast each. */
  toasts: Toast[] = $state.raw([]);
  #toastId = 0;
  #socket: Socket<StaffServerToClientEvents, StaffClientToServerEvents> | undefined;

  async check(): Promise<void> {
    const who = await askSession();
    this.checked = true;
    if (who !== null) this.#open(who);
  }

  /** Logs in; answers what to tell the person when it fails (a wrong PIN with the tries left), in the store's words. */
  async login(pin: string, name: string): Promise<string | null> {
    const answer = await api<{ who: string }>('POST', '/api/staff/login', { pin, ...(name.trim() ? { name: name.trim() } : {}) });
    if (!answer.ok) return errorWords(answer.error);
    this.#open(answer.data.who);
    return null;
  }

  async logout(): Promise<void> {
    await api('POST', '/api/staff/logout');
    this.#ended();
  }

  /**
   * An action on the order as the console showed it: `from` is the status tapped on, so the hub takes one
   * step however many taps or consoles ask; a `stale` answer says what the order is now.
   */
  async act(order: Pick<Order, 'id' | 'number' | 'status'>, action: StaffAction): Promise<ActOutcome> {
    const answer = await api<StaffActionResult>('POST', `/api/staff/orders/${encodeURIComponent(order.id)}/${action}`, { from: order.status });
    if (answer.status === 401) {
      this.#ended();
      return { ok: false, words: t('staff.answer.loggedOut') };
    }
    if (answer.status === 0) return this.#noAnswer(order.number);
    if (!answer.ok) {
      const now = answer.error.code === 'stale' ? answer.error.params.status : undefined;
      const words = now ? t('staff.answer.stale', { status: statusInLine(now) }) : t('staff.answer.unchanged');
      this.#say(
        now
          ? t('staff.toast.stale', { number: order.number, status: statusInLine(now) })
          : t('staff.toast.failed', { number: order.number, reason: errorWords(answer.error) }),
      );
      return { ok: false, words };
    }
    const status = answer.data.order.status;
    const message: Record<StaffAction, string> = {
      advance: t('staff.toast.advanced', { number: order.number, status: statusInLine(status) }),
      recall: t('staff.toast.recalled', { number: order.number }),
      cancel: t('staff.toast.cancelled', { number: order.number }),
    };
    this.#push({ message: message[action], undo: answer.data.undo, number: order.number, until: answer.data.undoUntil });
    return { ok: true, words: t('staff.answer.done', { status: statusWord(status) }) };
  }

  /**
   * A step on a run as the lane showed it. The hub takes each step only from the statuses it follows, so a
   * second tap, or another tablet's, answers 409 `run_moved` with where the run is now: said on the run
   * ("Already running") and, in the catalogue's words for the error, in a note.
   */
  async runStep(run: Pick<Run, 'id'>, what: string, step: RunStep): Promise<ActOutcome> {
    const body = step.step === 'start' ? { machine: step.machine } : { produced: step.produced, wasted: step.wasted };
    const answer = await api<{ run: Run }>('POST', `/api/runs/${encodeURIComponent(run.id)}/${step.step}`, body);
    if (answer.status === 401) {
      this.#ended();
      return { ok: false, words: t('staff.answer.loggedOut') };
    }
    if (answer.status === 0) return this.#noAnswer(what);
    if (!answer.ok) {
      const now = answer.error.code === 'run_moved' ? answer.error.params.status : null;
      this.#say(t('staff.toast.failed', { number: what, reason: errorWords(answer.error) }));
      return {
        ok: false,
        words: now ? t('staff.answer.stale', { status: runStatusWord(now).toLocaleLowerCase(pageText.locale) }) : t('staff.answer.unchanged'),
      };
    }
    return { ok: true, words: t('staff.answer.done', { status: runStatusWord(answer.data.run.status) }) };
  }

  /**
   * A tap whose answer never came (a restart, the network; api() answers status 0): the hub may have taken it, so
   * "not changed" could be untrue. The row, live again once the console reconnects, shows what it is now.
   */
  #noAnswer(what: string): ActOutcome {
    this.#say(t('staff.toast.noAnswer', { number: what }));
    return { ok: false, words: t('staff.answer.noAnswer') };
  }

  async undo(toast: Toast): Promise<void> {
    if (!toast.undo || toast.undoing) return;
    this.#update(toast.id, { undoing: 'asked' });
    const answer = await api<StaffActionResult>('POST', '/api/staff/undo', { undo: toast.undo });
    // Kept in its place a few seconds more, saying what came of it: nothing slides under the finger.
    const until = Date.now() + UNDONE_SHOWN_MS;
    if (answer.status === 401) return this.#ended();
    if (answer.status === 0) {
      // Not "not undone": the hub may have taken it back. The order's row, live again on reconnect, says which.
      this.#update(toast.id, { undoing: 'unknown', until });
      return this.#say(t('staff.toast.noAnswer', { number: toast.number ?? '' }));
    }
    if (!answer.ok) {
      this.#update(toast.id, { undoing: 'failed', until });
      return this.#say(errorWords(answer.error));
    }
    this.#update(toast.id, { undoing: 'done', until, message: t('staff.toast.undone', { number: answer.data.order.number }) });
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /** Any other staff call (screens, scenes): a lost session takes the console back to its login. */
  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
    const answer = await api<T>(method, path, body);
    if (answer.status === 401) this.#ended();
    else if (!answer.ok && method !== 'GET') this.#say(errorWords(answer.error));
    return answer;
  }

  close(): void {
    this.#socket?.close();
  }

  #say(message: string): void {
    this.#push({ message, until: Date.now() + NOTE_MS });
  }

  /** New toasts go last: the ones already shown keep their places while a finger may be on their Undo. */
  #push(toast: Omit<Toast, 'id'>): void {
    const now = Date.now();
    this.toasts = [...this.toasts.filter((t) => t.until > now), { ...toast, id: ++this.#toastId }];
  }

  #update(id: number, change: Partial<Toast>): void {
    this.toasts = this.toasts.map((t) => (t.id === id ? { ...t, ...change } : t));
  }

  #open(who: string): void {
    this.who = who;
    this.#socket?.close();
    // The session cookie goes along with the handshake; the hub refuses the namespace without it. A
    // connection of its own (forceNew): the board's, opened before the login, carries no cookie.
    this.#socket = io(STAFF_NAMESPACE, { forceNew: true, transports: ['websocket', 'polling'], withCredentials: true, reconnectionDelayMax: 5_000 });
    this.#socket.on('connect', () => (this.connected = true));
    this.#socket.on('disconnect', () => (this.connected = false));
    this.#socket.on('console', (state) => (this.state = state));
    this.#socket.on('ended', () => this.#ended());
    this.#socket.on('connect_error', (err) => {
      if (err.message.startsWith('unauthorized')) this.#ended();
      // The hub could not check the session (its store is away): try again; a refused namespace is not retried by itself.
      else if (err.message.startsWith('unavailable')) setTimeout(() => this.#socket?.connect(), 2_000);
    });
  }

  #ended(): void {
    this.#socket?.close();
    this.#socket = undefined;
    this.who = null;
    this.state = null;
    this.connected = false;
  }
}
