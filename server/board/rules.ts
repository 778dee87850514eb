/**
 * Last-write-wins by `updatedAt`. On a tie the larger serialisation wins, so
 * every hub and every delivery order converges on the same record; an exact
 * repeat is a duplicate. The Redis store runs the same rule in Lua
 * (store-redis-scripts.ts); the store contract tests hold both to it.
 */
export type Verdict = 'apply' | 'stale' | 'duplicate';

export interface Versioned {
  updatedAt: number;
  json: string;
}

export function decide(current: Versioned | undefined, next: Versioned): Verdict {
  if (!current) return 'apply';
  if (next.updatedAt !== current.updatedAt) return next.updatedAt > current.updatedAt ? 'apply' : 'stale';
  if (next.json === current.json) return 'duplicate';
  return next.json > current.json ? 'apply' : 'stale';
}
