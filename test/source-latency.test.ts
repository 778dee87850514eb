import { describe, expect, it } from 'vitest';
import { SourceLatency } from '../server/insight/source-latency.js';
import { Metrics } from '../server/metrics.js';

async function histogram(metrics: Metrics): Promise<Record<string, { count: number; sum: number }>> {
  const out: Record<string, { count: number; sum: number }> = {};
  for (const v of (await metrics.sourceToPainted.get()).values) {
    const door = String(v.labels.door);
    out[door] ??= { count: 0, sum: 0 };
    if (v.metricName?.endsWith('_count')) out[door].count = v.value;
    if (v.metricName?.endsWith('_sum')) out[door].sum = v.value;
  }
  return out;
}

describe('end-to-end latency: source stamp to painted screen', () => {
  it('times a paint from the change’s stamp by the hub’s clock, under the door that took it in', async () => {
    let now = Date.UTC(2026, 11, 3, 12);
    const metrics = new Metrics();
    const latency = new SourceLatency(metrics, { now: () => now, timeZone: 'UTC' });
    latency.accepted(7, 'rest');
    latency.changed(7, now - 400);
    // Another hub took seq 8 in: this hub knows only its stamp.
    latency.changed(8, now - 100);
    now += 600;
    latency.painted(7); // 1 s after the stamp
    latency.painted(8); // 0.7 s
    latency.painted(99); // never seen: nothing
    expect(await histogram(metrics)).toEqual({ rest: { count: 1, sum: 1 }, other_hub: { count: 1, sum: 0.7 } });
    expect(latency.today()).toEqual({ count: 2, p50: 0.7, p90: 1, implausible: 0 });
  });

  it('does not count a stamp from a clock ahead of the hub, or one more than ten minutes old', () => {
    const now = Date.UTC(2026, 11, 3, 12);
    const latency = new SourceLatency(new Metrics(), { now: () => now, timeZone: 'UTC' });
    latency.changed(1, now + 5_000);
    latency.changed(2, now - 11 * 60_000);
    latency.painted(1);
    latency.painted(2);
    expect(latency.today()).toEqual({ count: 0, p50: null, p90: null, implausible: 2 });
  });

  it('holds a bounded number of changes: the oldest are let go', () => {
    const now = Date.UTC(2026, 11, 3, 12);
    const latency = new SourceLatency(new Metrics(), { now: () => now, timeZone: 'UTC' });
    for (let seq = 1; seq <= 6_000; seq++) {
      latency.accepted(seq, 'kiosk');
      latency.changed(seq, now - 1_000);
    }
    latency.painted(1);
    expect(latency.today().count).toBe(0);
    latency.painted(6_000);
    expect(latency.today().count).toBe(1);
  });

  it('starts the console’s figures again each store day', () => {
    let now = Date.UTC(2026, 11, 3, 23, 59, 59);
    const latency = new SourceLatency(new Metrics(), { now: () => now, timeZone: 'UTC' });
    latency.changed(1, now - 500);
    latency.painted(1);
    expect(latency.today().count).toBe(1);
    now += 2_000;
    expect(latency.today()).toMatchObject({ count: 0, p50: null });
  });
});
