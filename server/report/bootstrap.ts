/** Resamples a report draws for each interval: enough for stable 2.5% and 97.5% points, cheap over 400 days. */
export const RESAMPLES = 1_000;
/** The seed every report starts from: the same log gives the same intervals. */
export const REPORT_SEED = 20_261_203;

/** An estimate with its 95% interval (percentile bootstrap over days), null where the data cannot say. */
export interface Estimate {
  estimate: number | null;
  low: number | null;
  high: number | null;
}

/** mulberry32: a small, well-known 32-bit PRNG; seeded, so a report is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The statistic on the days as they are, and its 95% percentile-bootstrap interval: each group of days (one for a
 * comparison within a range; pilot and baseline for a comparison between periods) is resampled with replacement,
 * on its own, RESAMPLES times from REPORT_SEED. Resampling whole days keeps the hours of a day together, so a
 * busy day counts as one piece of evidence, not twelve.
 */
export function bootstrap<T>(groups: readonly (readonly T[])[], statistic: (groups: readonly (readonly T[])[]) => number | null, seed = REPORT_SEED): Estimate {
  const estimate = statistic(groups);
  if (estimate === null || groups.some((g) => g.length < 2)) return { estimate, low: null, high: null };
  const random = seededRandom(seed);
  const draws: number[] = [];
  for (let i = 0; i < RESAMPLES; i++) {
    const sample = groups.map((g) => Array.from({ length: g.length }, () => g[Math.floor(random() * g.length)]!));
    const s = statistic(sample);
    if (s !== null && Number.isFinite(s)) draws.push(s);
  }
  // Too many resamples without an answer (no treated hours drawn): no interval rather than a narrow, wrong one.
  if (draws.length < RESAMPLES * 0.9) return { estimate, low: null, high: null };
  draws.sort((a, b) => a - b);
  return { estimate, low: draws[Math.floor(0.025 * (draws.length - 1))]!, high: draws[Math.ceil(0.975 * (draws.length - 1))]! };
}
