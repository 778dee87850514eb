/** When each ready order turned ready, as this screen saw it (its own clock: a POS clock may be off). */
export class ReadyWatch {
  #since = new Map<string, number>();
  #primed = false;

  /**
   * Takes the orders ready now; those that turn ready after the first snapshot count from `now`. Orders
   * already ready in the first snapshot are not marked: marking them re-sorted the whole column right
   * after the first render (a second full pass, +50 ms for 200 orders), and their `updatedAt` is the
   * sender's clock, not this screen's. Returns whether any order turned ready since the last call (the chime's cue).
   */
  update(ready: readonly { id: string; updatedAt: number }[], now: number, snapshotTaken: boolean): { fresh: boolean; changed: boolean } {
    const next = new Map<string, number>();
    let fresh = false;
    for (const o of ready) {
      const known = this.#since.get(o.id);
      if (known !== undefined) next.set(o.id, known);
      else {
        next.set(o.id, this.#primed ? now : -Infinity);
        if (this.#primed) fresh = true;
      }
    }
    const changed = next.size !== this.#since.size || fresh || [...next.keys()].some((id) => !this.#since.has(id));
    this.#since = next;
    if (snapshotTaken) this.#primed = true;
    return { fresh, changed };
  }

  /** Ready orders that turned ready less than `windowMs` before `now`, with when. */
  justReady(now: number, windowMs: number): Map<string, number> {
    const out = new Map<string, number>();
    if (windowMs <= 0) return out;
    for (const [id, at] of this.#since) if (now - at < windowMs) out.set(id, at);
    return out;
  }
}
