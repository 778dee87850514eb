import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what a full collection left live before the next one: 100% (twice the live
 * heap), where V8's own default reaches 300% (four times). A hub's live heap is small (about 30 MB idle) but a long
 * read of the event log (a 90-day report, an export) makes a few hundred bytes per entry that outlive a young
 * collection; with the default that garbage piled up to 150 MB of heap before it was collected, and the hub's RSS
 * passed 300 MB. The cost is more frequent full collections, each a few ms on a heap this size
 * (`npm run bench -- report`, and the fanout bench for the screens).
 */
export const HEAP_GROWING_PERCENT = 100;

/** Called once, first thing at start: V8 reads the flag each time it sets the next collection's limit. */
export function capHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
