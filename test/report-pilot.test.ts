import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PilotReport, ReportEstimate } from '../shared/report.js';
import type { Hub } from '../server/hub.js';
import { generatePilot, PLANTED } from './helpers/pilot-generator.js';
import { startTestHub, tempDir, TEST_TOKEN } from './helpers/hub.js';

const TZ = 'Europe/Stockholm';
/**
 * A fixed first day (a Sunday): the draws fall on the same weekdays whatever day the test runs. With the default
 * (32 days before today) the planted effects were the same but the forecast's held-back week moved day by day.
 */
const FIRST_DAY = '2026-11-01';
const hubs: Hub[] = [];
afterAll(async () => {
  await Promise.all(hubs.map((h) => h.close()));
});

/**
 * The generated pilot written to a hub's embedded event log (the store's own log API: the doors log a record at the
 * hub's clock, so they cannot put 28 days of history in the past; test/report-api.test.ts feeds the real doors), then
 * the report asked for over HTTP as a client would.
 */
async function reportOf(effects: boolean, seed: number): Promise<PilotReport> {
  const { log, pilot, catalogue } = generatePilot({ seed, effects, timeZone: TZ, firstDay: FIRST_DAY });
  const dataDir = tempDir();
  await log.writeTo(dataDir);
  const config = path.join(dataDir, 'store.json');
  // Kept whatever today is: an embedded hub deletes day files older than keepDays.
  writeFileSync(config, JSON.stringify({ timeZone: TZ, catalogue, pilot, eventLog: { keepDays: 3_650 } }));
  const hub = await startTestHub({ DATA_DIR: dataDir, CONFIG: config });
  hubs.push(hub);
  const res = await fetch(`${hub.url}/api/report?compare=baseline`, {
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    signal: AbortSignal.timeout(60_000),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as PilotReport;
}

const covers = (e: ReportEstimate, value: number) => e.low !== null && e.high !== null && e.low <= value && value <= e.high;

describe('the pilot report on a generated 28-day pilot', () => {
  it('recovers each planted effect within its interval, finds the peaks, and forecasts better than seasonal naive', { timeout: 120_000 }, async () => {
    const r = await reportOf(true, 21);
    const seen = {
      window: r.walkIns.windowUplift,
      clip: r.social.afterClipLift,
      adjacent: r.comparison?.adjacentPerWalkIn,
      forecast: r.demand.forecast.evaluation,
      peaks: r.demand.weekdayPeaks,
    };
    const said = JSON.stringify(seen);
    expect(r.range.days).toHaveLength(28);
    expect(covers(r.walkIns.windowUplift, PLANTED.windowUplift) && r.walkIns.windowUplift.low! > 0, `window uplift: ${said}`).toBe(true);
    // Covered, not asserted as told apart from zero: over 40 seeds the clip interval left out 0 in 30 (its power, 42 clips).
    expect(covers(r.social.afterClipLift, PLANTED.afterClip), `after-clip lift: ${said}`).toBe(true);
    expect(covers(r.comparison!.adjacentPerWalkIn, PLANTED.adjacentLift) && r.comparison!.adjacentPerWalkIn.low! > 0, `adjacent lift: ${said}`).toBe(true);
    expect(
      r.demand.weekdayPeaks
        .slice(0, 2)
        .map((p) => p.hour)
        .sort((a, b) => a - b),
      said,
    ).toEqual(PLANTED.weekdayPeaks);
    expect(r.demand.forecast.evaluation.heldBackDays).toHaveLength(7);
    // 25.5% here; over 40 seeds the median is 23.8% and 26 of 40 reach 20%: the bar sits close to the ~29% that
    // even the true mean reaches against "the same hour last week" on counts this noisy.
    expect(r.demand.forecast.evaluation.improvement, said).toBeGreaterThanOrEqual(0.2);
  });

  // Six 95% intervals: on a store with no effect, about one seed in four shows one that misses 0 by chance (measured
  // over 80 seeds, docs/protocol.md "Intervals"; seeds 21 and 22 are such). Seed 101 is one of the three in four.
  it('finds no effect where none was planted: every interval covers zero', { timeout: 120_000 }, async () => {
    const r = await reportOf(false, 101);
    const intervals = {
      window: r.walkIns.windowUplift,
      clip: r.social.afterClipLift,
      adjacentInWindows: r.adjacent.windowLift,
      walkInsPilotVsBaseline: r.comparison!.walkInsPerOpenHour,
      adjacentPilotVsBaseline: r.comparison!.adjacentPerWalkIn,
      conversionPilotVsBaseline: r.comparison!.conversion,
    };
    for (const [name, e] of Object.entries(intervals)) expect(covers(e, 0), `${name}: ${JSON.stringify(e)}`).toBe(true);
  });
});
