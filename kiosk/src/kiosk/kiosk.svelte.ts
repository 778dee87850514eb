import { io, type Socket } from 'socket.io-client';
import type { KioskClientToServerEvents, KioskServerToClientEvents } from '../../../shared/events.js';
import { KIOSK_NAMESPACE } from '../../../shared/protocol.js';
import type { KioskOrderPlaced, KioskProduct } from '../../../shared/schemas/kiosk.js';
import type { DisplayConfig } from '../../../shared/schemas/display.js';
import { pageText } from '../../../shared/client/page-text.svelte.js';
import { api, type ApiError } from '../api.js';

export interface Choice {
  sku: string;
  variant?: string;
  qty: number;
  name?: string;
}

export type Placing =
  { phase: 'idle' } | { phase: 'sending'; retrying: boolean } | { phase: 'placed'; placed: KioskOrderPlaced } | { phase: 'refused'; error: ApiError };

/** Network trouble and a hub without its store are retried with the same key: the order is placed once, whenever it gets through. */
const RETRY_MS = [500, 1_000, 2_000, 4_000];

/** 128 random bits. Not `crypto.randomUUID()`: it exists only in secure contexts, and a store's kiosk opens the hub over plain HTTP. */
function attemptKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The kiosk's live menu and one order attempt at a time. */
export class KioskSession {
  products: KioskProduct[] = $state.raw([]);
  /** The store as the board shows it (name, logo, theme, words); null until the hub has said. */
  display: DisplayConfig | null = $state.raw(null);
  idleSeconds = $state(60);
  confirmationSeconds = $state(20);
  /** Where customers' phones reach the hub; null: this page's own address. */
  publicUrl: string | null = $state(null);
  connected = $state(false);
  placing: Placing = $state.raw({ phase: 'idle' });
  #socket: Socket<KioskServerToClientEvents, KioskClientToServerEvents>;
  #attempt = 0;

  constructor() {
    this.#socket = io(KIOSK_NAMESPACE, { transports: ['websocket', 'polling'], reconnectionDelayMax: 5_000 });
    this.#socket.on('connect', () => (this.connected = true));
    this.#socket.on('disconnect', () => (this.connected = false));
    this.#socket.on('kiosk', (state) => {
      this.products = state.products;
      this.display = state.display;
      pageText.use(state.display.text);
      this.idleSeconds = state.idleSeconds;
      this.confirmationSeconds = state.confirmationSeconds;
      this.publicUrl = state.publicUrl;
    });
    this.#socket.on('stock', ({ sku, left, nextBatchAt }) => {
      this.products = this.products.map((p) => (p.sku === sku ? { ...p, left, nextBatchAt } : p));
    });
  }

  /**
   * Places the order; a second tap while one is under way does nothing, and
   * retries after a dropped network reuse the key, so the hub makes one order.
   */
  async place(choice: Choice): Promise<void> {
    if (this.placing.phase === 'sending') return;
    const attempt = ++this.#attempt;
    const key = attemptKey();
    this.placing = { phase: 'sending', retrying: false };
    for (let i = 0; ; i++) {
      const answer = await api<KioskOrderPlaced>('POST', '/api/kiosk/orders', { key, ...choice });
      if (attempt !== this.#attempt) return; // the customer walked away meanwhile
      if (answer.ok) {
        this.placing = { phase: 'placed', placed: answer.data };
        return;
      }
      // A 429 is this device over one of its limits (orders a minute, items, a share of a run): waiting by itself would look like a
      // dead kiosk and would place the order long after the customer left, so the refusal is shown instead (by its code).
      const transient = answer.status === 0 || answer.status === 503 || (answer.status >= 500 && answer.status !== 429);
      if (!transient) {
        if (answer.error.code === 'sold_out') {
          const left = answer.error.params.left;
          this.products = this.products.map((p) => (p.sku === choice.sku ? { ...p, left } : p));
        }
        this.placing = { phase: 'refused', error: answer.error };
        return;
      }
      // Set once, not per try: the page's idle time-out starts again on every change of `placing`, and a kiosk left
      // retrying must still go back to its start screen rather than go on trying for whoever stands there later.
      // (A try already on its way when it does may still arrive: the hub places it, with nobody shown its number.)
      if (!(this.placing.phase === 'sending' && this.placing.retrying)) this.placing = { phase: 'sending', retrying: true };
      await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(i, RETRY_MS.length - 1)]));
      if (attempt !== this.#attempt) return; // gone back to the start meanwhile: not sent again
    }
  }

  /** Back to the start: forgets the attempt (a retry still in flight is dropped). */
  reset(): void {
    this.#attempt++;
    this.placing = { phase: 'idle' };
  }

  close(): void {
    this.#socket.close();
  }
}
