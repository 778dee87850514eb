import type { ReadingsUpdate } from '../../shared/schemas/board.js';

/**
 * Telemetry, latest-wins per machine: whatever rate machines report at, the
 * screens get at most one frame per `intervalMs`, holding the newest readings
 * of each machine that reported since the last frame. The first update after
 * a quiet spell goes out at once, so a lone reading is not held back.
 */
export class TelemetryCoalescer {
  #intervalMs: number;
  #send: (updates: ReadingsUpdate[]) => void;
  #pending = new Map<string, ReadingsUpdate>();
  #timer: NodeJS.Timeout | undefined;

  constructor(intervalMs: number, send: (updates: ReadingsUpdate[]) => void) {
    this.#intervalMs = intervalMs;
    this.#send = send;
  }

  push(update: ReadingsUpdate): void {
    const held = this.#pending.get(update.id);
    if (!held || held.updatedAt < update.updatedAt) this.#pending.set(update.id, update);
    if (!this.#timer) this.#flush();
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#pending.size === 0) return; // quiet again: the next reading goes at once
    const updates = [...this.#pending.values()];
    this.#pending.clear();
    this.#send(updates);
    this.#timer = setTimeout(() => this.#flush(), this.#intervalMs).unref();
  }
}
