import { z } from 'zod';

/** Milliseconds since the Unix epoch; bounded so arithmetic on it stays exact. */
export const EpochMs = z.number().int().min(0).max(8_640_000_000_000);

// Control characters (and bidi overrides) in text that a public screen shows
// could garble the layout or spoof neighbouring text, so they are refused.
const PRINTABLE = /^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u;

export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.:~-]+$/, 'use letters, digits and . _ : ~ - only');

// A lone surrogate half is not text: a JSON decoder (Redis's Lua cjson among them) cannot read it
// back, so an order holding one could never be written again.
const LONE_SURROGATE = /\p{Cs}/u;

export function text(max: number) {
  return z
    .string()
    .max(max)
    .regex(PRINTABLE, 'must not contain control characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode (it holds half of a surrogate pair)');
}

export function label(max: number) {
  return text(max).min(1);
}
