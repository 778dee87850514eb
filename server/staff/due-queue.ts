/**
 * Ids by the time each falls due, earliest first: set, delete and take-what-is-due in O(log n), so a board of
 * thousands of orders costs the same per change as a board of ten. A binary heap with lazy deletion: a
 * replaced or deleted entry stays in the heap until it reaches the top, and the heap is rebuilt when such
 * leftovers outnumber the live entries.
 */
export class DueQueue {
  #due = new Map<string, number>();
  #heap: [at: number, id: string][] = [];

  get size(): number {
    return this.#due.size;
  }

  set(id: string, at: number): void {
    if (this.#due.get(id) === at) return;
    this.#due.set(id, at);
    this.#push([at, id]);
    if (this.#heap.length > 2 * this.#due.size + 1_024) this.#rebuild();
  }

  delete(id: string): void {
    this.#due.delete(id);
  }

  clear(): void {
    this.#due.clear();
    this.#heap = [];
  }

  /** The earliest time still pending, if any. */
  next(): number | undefined {
    this.#dropDead();
    return this.#heap[0]?.[0];
  }

  /** Removes and returns, earliest first, every entry due at or before `now`. */
  takeDue(now: number): [at: number, id: string][] {
    const out: [number, string][] = [];
    for (;;) {
      this.#dropDead();
      const top = this.#heap[0];
      if (!top || top[0] > now) return out;
      this.#pop();
      this.#due.delete(top[1]);
      out.push(top);
    }
  }

  /** Pops heap tops that no longer match their id's live time. */
  #dropDead(): void {
    for (let top = this.#heap[0]; top && this.#due.get(top[1]) !== top[0]; top = this.#heap[0]) this.#pop();
  }

  #rebuild(): void {
    this.#heap = [];
    for (const [id, at] of this.#due) this.#push([at, id]);
  }

  #push(entry: [number, string]): void {
    const h = this.#heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]![0] <= entry[0]) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = entry;
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && h[r]![0] < h[l]![0] ? r : l;
      if (h[child]![0] >= last[0]) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = last;
  }
}
