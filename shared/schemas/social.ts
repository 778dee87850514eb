import { z } from 'zod';
import { EpochMs, Id, label } from './common.js';

/** A count of one post, within what any platform reports for a shop's clip. */
const Count = z.number().int().min(0).max(1_000_000_000);

/**
 * What the social team's tools report for one published clip or post (`POST /api/social`, docs/protocol.md):
 * its reach so far. A later report of the same `post` supersedes an earlier one (the report takes the latest).
 */
export const SocialReport = z.object({
  /** The platform's (or the team's) id of the post. */
  post: Id,
  platform: label(32).optional(),
  /** The highlight the clip was cut from (shared/schemas/director.ts, Highlight's `id`). */
  highlight: Id.optional(),
  publishedAt: EpochMs.optional(),
  views: Count.optional(),
  likes: Count.optional(),
  shares: Count.optional(),
  linkClicks: Count.optional(),
  /** When the counts were read; default: when the hub took the report. */
  at: EpochMs.optional(),
});
export type SocialReport = z.infer<typeof SocialReport>;

/** As logged: `at` always set. */
export const SocialEntry = SocialReport.extend({ at: EpochMs });
export type SocialEntry = z.infer<typeof SocialEntry>;
