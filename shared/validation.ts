import type { z } from 'zod';
import { apiError, type ApiError } from './errors.js';
import { fieldIssues, fieldName } from './field-issues.js';

/** A field and zod's English reason: for logs and developers' hints, never for a page. */
export interface FieldMessage {
  field: string;
  message: string;
}

/** Flattens zod issues into `field: reason` pairs that an operator can act on. */
export function describeIssues(error: z.ZodError): FieldMessage[] {
  return error.issues.flatMap((issue) => unionIssues(issue)).map((issue) => ({ field: fieldName(issue.path), message: issue.message }));
}

/**
 * A value that matches no shape of a union (a director rule, machine or run) is told by the shape it came
 * closest to, field by field (`rules.0.clip.afterSeconds`), rather than as "Invalid input" on the whole.
 */
function unionIssues(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string }[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
  if (closest.length === 0) return [issue];
  return closest.flatMap((inner) => unionIssues({ ...inner, path: [...issue.path, ...inner.path] }));
}

export function summariseIssues(issues: readonly FieldMessage[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.field}: ${i.message}`);
  const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
  return shown.join('; ') + more;
}

/**
 * The API's one answer for refused input: each field with a problem code a page can word (`params.issues`),
 * and an English summary naming the fields for a developer. `input` is what was parsed.
 */
export function invalidInput(error: z.ZodError, input: unknown, prefix = ''): ApiError<'invalid_input'> {
  return apiError('invalid_input', { issues: fieldIssues(error, input) }, prefix + summariseIssues(describeIssues(error)));
}
