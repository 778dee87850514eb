import { setFlagsFromString } from 'node:v8';

/**
 * While a long read of the event log runs (a report, an export), V8's heap grows to at most twice what a full
 * collection left live, where V8's own factor reaches four times. The hub's live heap is small (about 30 MB idle), but
 * such a read makes a few hundred bytes per entry that outlive a young collection: with the default, a 90-day report
 * piled that garbage up to 150 MB of heap and the hub's RSS passed 300 MB (`npm run bench -- report`). Only while
 * one runs: held for the hub's whole life, the tighter factor made a hub with 10,000 screens (a heap of hundreds of MB)
 * collect so often that its fan-out latency rose by half (`npm run bench -- fanout`, 2026-12-04).
 */
export const HEAP_GROWING_PERCENT = 100;

let reads = 0;

/** Runs `read` with the heap's growth capped; the cap is lifted when the last such read ends. */
export async function withHeapGrowthCapped<T>(read: () => Promise<T>): Promise<T> {
  // V8 reads the flag each time it sets the next collection's limit, so setting it now takes effect at once; 0 is
  // V8's own (a factor it computes).
  if (reads++ === 0) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  try {
    return await read();
  } finally {
    if (--reads === 0) setFlagsFromString('--heap-growing-percent=0');
  }
}
