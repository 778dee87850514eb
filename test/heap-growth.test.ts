import { afterEach, describe, expect, it, vi } from 'vitest';

// What the hub asks of V8 is the behaviour here: the flag itself cannot be read back (its effect is measured by
// `npm run bench -- report`), so the call is recorded.
const flags: string[] = [];
vi.mock('node:v8', async (real) => ({ ...(await real<typeof import('node:v8')>()), setFlagsFromString: (f: string) => flags.push(f) }));
const { withHeapGrowthCapped } = await import('../server/heap-growth.js');

afterEach(() => void flags.splice(0));

describe('the heap growth cap while the log is read', () => {
  it('caps while reads overlap and lifts it when the last one ends, even if it failed', async () => {
    let endFirst: () => void = () => undefined;
    const first = withHeapGrowthCapped(() => new Promise<void>((r) => (endFirst = r)));
    const second = withHeapGrowthCapped(() => Promise.reject(new Error('the log went away')));
    await expect(second).rejects.toThrow('the log went away');
    expect(flags).toEqual(['--heap-growing-percent=100']);
    endFirst();
    await first;
    expect(flags).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=0']);
  });
});
