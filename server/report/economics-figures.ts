import type { PilotReport, ReportSpread } from '../../shared/report.js';
import { nearestRank } from '../insight/figures.js';
import type { PostSeen, ReportScan } from './report-scan.js';

const DAY_S = 86_400;

/** Count, mean and nearest-rank 10th, 50th and 90th percentiles (as the console's figures take them). */
export function spreadOf(values: readonly number[]): ReportSpread {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length > 0 ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null;
  return { count: sorted.length, mean, p10: nearestRank(sorted, 0.1), p50: nearestRank(sorted, 0.5), p90: nearestRank(sorted, 0.9) };
}

/** Unit economics of the runs done in the range (server/insight/run-economics.ts), fulfilment, shelf time and waste. */
export function economicsFigures(scan: ReportScan): PilotReport['economics'] {
  const margins = scan.runs.flatMap((r) => (r.grossMargin === null ? [] : [r.grossMargin]));
  const made = scan.runs.reduce((n, r) => n + r.produced, 0);
  const wasted = scan.runs.reduce((n, r) => n + r.wasted, 0);
  const shelf = scan.shelf.units > 0 ? scan.shelf.seconds / scan.shelf.units : null;
  return {
    runs: scan.runs.length,
    grossMargin: { ...spreadOf(margins), total: margins.length > 0 ? Math.round(margins.reduce((a, b) => a + b, 0) * 100) / 100 : null },
    toReadySeconds: spreadOf(scan.fulfilment.toReadySeconds),
    toPickupSeconds: spreadOf(scan.fulfilment.toPickupSeconds),
    inventory: { units: scan.shelf.units, meanShelfSeconds: shelf, daysInInventory: shelf === null ? null : shelf / DAY_S },
    // Wasted units are those thrown away on top of the good ones (a run's `produced` counts the good ones).
    waste: { made, wasted, share: made + wasted > 0 ? wasted / (made + wasted) : null },
  };
}

type Reach = PilotReport['social']['reach'];

function reachOf(posts: readonly PostSeen[]): Reach {
  const reach = { views: 0, likes: 0, shares: 0, linkClicks: 0 };
  for (const p of posts) {
    reach.views += p.views ?? 0;
    reach.likes += p.likes ?? 0;
    reach.shares += p.shares ?? 0;
    reach.linkClicks += p.linkClicks ?? 0;
  }
  return reach;
}

/**
 * Social engagement: highlights, clips (posts reported, by when they were published, else first reported), their
 * reach (latest report per post), and the clips cut from a highlight (naming one) with theirs: the reach tied to
 * the floor's production.
 */
export function socialReach(scan: ReportScan, inRange: (at: number) => boolean): Omit<PilotReport['social'], 'afterClipLift'> {
  // A post none of whose reports says when it was published is not counted: the report reads only a day before its
  // range, so a post re-read daily would be "first reported" in every range, counted again each time.
  const posts = [...scan.posts.values()].filter((p) => p.publishedAt !== undefined && inRange(p.publishedAt));
  const reach = reachOf(posts);
  const fromHighlights = posts.filter((p) => p.highlight !== undefined);
  const per = (n: number) => (posts.length > 0 ? n / posts.length : null);
  return {
    highlights: scan.highlights,
    clips: posts.length,
    reach,
    perClip: { views: per(reach.views), likes: per(reach.likes), shares: per(reach.shares), linkClicks: per(reach.linkClicks) },
    fromHighlights: { clips: fromHighlights.length, reach: reachOf(fromHighlights) },
  };
}
