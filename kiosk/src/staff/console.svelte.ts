import { io, type Socket } from 'socket.io-client';
import type { StaffClientToServerEvents, StaffServerToClientEvents } from '../../../shared/events.js';
import { STAFF_NAMESPACE } from '../../../shared/protocol.js';
import type { StaffAction, StaffActionResult, ConsoleState } from '../../../shared/schemas/staff.js';
import { api } from '../api.js';

export interface Toast {
  message: string;
  undo?: string;
  until: number;
}

/** The console's session and the staff-only live state behind it. */
export class ConsoleSession {
  who: string | null = $state(null);
  checked = $state(false);
  state: ConsoleState | null = $state.raw(null);
  connected = $state(false);
  toast: Toast | null = $state.raw(null);
  #socket: Socket<StaffServerToClientEvents, StaffClientToServerEvents> | undefined;

  async check(): Promise<void> {
    const answer = await api<{ who: string }>('GET', '/api/staff/session');
    this.checked = true;
    if (answer.ok) this.#open(answer.data.who);
  }

  async login(pin: string, name: string): Promise<string | null> {
    const answer = await api<{ who: string }>('POST', '/api/staff/login', { pin, ...(name.trim() ? { name: name.trim() } : {}) });
    if (!answer.ok) return answer.error.message;
    this.#open(answer.data.who);
    return null;
  }

  async logout(): Promise<void> {
    await api('POST', '/api/staff/logout');
    this.#ended();
  }

  async act(id: string, action: StaffAction, number: string): Promise<void> {
    const answer = await api<StaffActionResult>('POST', `/api/staff/orders/${encodeURIComponent(id)}/${action}`);
    if (answer.status === 401) return this.#ended();
    if (!answer.ok) return this.#say(answer.error.message);
    const words: Record<StaffAction, string> = {
      advance: `${number}: ${answer.data.order.status.replace('_', ' ')}`,
      recall: `${number} back to ready`,
      cancel: `${number} cancelled`,
    };
    this.toast = { message: words[action], undo: answer.data.undo, until: answer.data.undoUntil };
  }

  async undo(token: string): Promise<void> {
    const answer = await api<StaffActionResult>('POST', '/api/staff/undo', { undo: token });
    if (!answer.ok) return this.#say(answer.error.message);
    this.#say(`${answer.data.order.number}: undone`);
  }

  /** Any other staff call (screens, scenes): a lost session takes the console back to its login. */
  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
    const answer = await api<T>(method, path, body);
    if (answer.status === 401) this.#ended();
    else if (!answer.ok && method !== 'GET') this.#say(answer.error.message);
    return answer;
  }

  close(): void {
    this.#socket?.close();
  }

  #say(message: string): void {
    this.toast = { message, until: Date.now() + 5_000 };
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
