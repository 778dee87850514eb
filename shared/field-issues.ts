import { z } from 'zod';

/**
 * What is wrong with one field of refused input, as a short code with its values, so a page can say it
 * in the store's language. The hub's English summary (`message`) is for developers only.
 */
export const FieldIssue = z.discriminatedUnion('problem', [
  /** Missing. `options`: what may be chosen (a product's variants). */
  z.object({ field: z.string(), problem: z.literal('required'), options: z.array(z.string()).optional() }).strict(),
  /** A string where a number belongs, and the like: `expected` is zod's name of the type. */
  z.object({ field: z.string(), problem: z.literal('wrong_type'), expected: z.string() }).strict(),
  /** Text longer than `max` characters, or shorter than `min`. */
  z.object({ field: z.string(), problem: z.literal('too_long'), max: z.number() }).strict(),
  z.object({ field: z.string(), problem: z.literal('too_short'), min: z.number() }).strict(),
  /** A number above `max` or below `min` (`exclusive`: `min` itself is refused too). */
  z.object({ field: z.string(), problem: z.literal('too_large'), max: z.number(), exclusive: z.boolean().optional() }).strict(),
  z.object({ field: z.string(), problem: z.literal('too_small'), min: z.number(), exclusive: z.boolean().optional() }).strict(),
  /** A list with more than `max` entries, or fewer than `min`. */
  z.object({ field: z.string(), problem: z.literal('too_many'), max: z.number() }).strict(),
  z.object({ field: z.string(), problem: z.literal('too_few'), min: z.number() }).strict(),
  /** Text of the wrong form (characters not allowed, a malformed id or date). */
  z.object({ field: z.string(), problem: z.literal('bad_format') }).strict(),
  /** Not one of `options` (a status, a format). */
  z.object({ field: z.string(), problem: z.literal('not_one_of'), options: z.array(z.string()) }).strict(),
  /** A field the request must not carry. */
  z.object({ field: z.string(), problem: z.literal('unknown_field') }).strict(),
  /** The kiosk: `value` is not a variant of the product; `options` are. */
  z.object({ field: z.string(), problem: z.literal('not_a_variant'), value: z.string(), options: z.array(z.string()) }).strict(),
  /** The kiosk: no product `value` on today's menu. */
  z.object({ field: z.string(), problem: z.literal('unknown_product'), value: z.string() }).strict(),
  /** A timestamp more than `maxHours` ahead of the hub's clock (a producer's clock is off). */
  z.object({ field: z.string(), problem: z.literal('too_far_ahead'), maxHours: z.number() }).strict(),
  /** A timestamp more than `maxHours` behind the hub's clock (a footfall count that came too late to be told from a repeat). */
  z.object({ field: z.string(), problem: z.literal('too_old'), maxHours: z.number() }).strict(),
  /** The end of a range before its start (`to` before `from`). */
  z.object({ field: z.string(), problem: z.literal('before_from') }).strict(),
  /** Anything else wrong with the value. */
  z.object({ field: z.string(), problem: z.literal('invalid') }).strict(),
]);
export type FieldIssue = z.infer<typeof FieldIssue>;
export type FieldProblem = FieldIssue['problem'];

/** At most this many issues are sent: a body with thousands of bad entries must not get a megabyte answer. */
export const MAX_ISSUES = 20;

type ZodIssue = z.core.$ZodIssue;

/** The dotted path of a field, `(root)` for the value itself (as the English summary names it). */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join('.') : '(root)';
}

/** Whether `path` leads to nothing in `input`: zod 4 does not say whether a wrong type was a missing field. */
function missing(input: unknown, path: readonly PropertyKey[]): boolean {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, key)) return true;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined;
}

/** Only a number can be said as a number: zod also reports bigint and date bounds. */
const num = (n: unknown): number => (typeof n === 'number' ? n : Number(n));

function one(issue: ZodIssue, input: unknown): FieldIssue[] {
  const field = fieldName(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return [missing(input, issue.path) ? { field, problem: 'required' } : { field, problem: 'wrong_type', expected: issue.expected }];
    case 'too_big': {
      const max = num(issue.maximum);
      const exclusive = issue.inclusive === false ? { exclusive: true } : {};
      if (issue.origin === 'string') return [{ field, problem: 'too_long', max }];
      if (issue.origin === 'array' || issue.origin === 'set') return [{ field, problem: 'too_many', max }];
      return [{ field, problem: 'too_large', max, ...exclusive }];
    }
    case 'too_small': {
      const min = num(issue.minimum);
      const exclusive = issue.inclusive === false ? { exclusive: true } : {};
      if (issue.origin === 'string') return [min <= 1 && missing(input, issue.path) ? { field, problem: 'required' } : { field, problem: 'too_short', min }];
      if (issue.origin === 'array' || issue.origin === 'set') return [{ field, problem: 'too_few', min }];
      return [{ field, problem: 'too_small', min, ...exclusive }];
    }
    case 'invalid_format':
      return [{ field, problem: 'bad_format' }];
    case 'invalid_value': {
      // Missing is missing, whatever the field takes: said with what may be chosen.
      const options = issue.values.map(String);
      return [missing(input, issue.path) ? { field, problem: 'required', options } : { field, problem: 'not_one_of', options }];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ field: fieldName([...issue.path, key]), problem: 'unknown_field' as const }));
    default:
      return [{ field, problem: 'invalid' }];
  }
}

/** Each of zod's issues as a field and a problem code; `input` is what was parsed (to tell a missing field from a wrong one). */
export function fieldIssues(error: z.ZodError, input: unknown): FieldIssue[] {
  return error.issues.flatMap((issue) => one(issue, input)).slice(0, MAX_ISSUES);
}
