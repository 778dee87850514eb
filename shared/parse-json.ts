import type { z } from 'zod';

/**
 * `text` read as JSON and checked against `schema`: the value, or undefined for text that is not JSON
 * or not of that shape. What the hub reads back from disk or Redis may be torn, foreign or old: the
 * caller decides what a bad record costs (skip it, start afresh), never a throw from deep inside.
 */
export function parseJson<T>(schema: z.ZodType<T>, text: string): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
