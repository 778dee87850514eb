import type { z } from 'zod';

export interface FieldIssue {
  field: string;
  message: string;
}

/** Flattens zod issues into `field: reason` pairs that a producer can act on. */
export function describeIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

export function summariseIssues(issues: readonly FieldIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.field}: ${i.message}`);
  const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
  return shown.join('; ') + more;
}

export interface InvalidInput {
  code: 'invalid_input';
  message: string;
  issues: FieldIssue[];
}

/** The API's one shape for refused input: a summary that names the fields, and each field with its reason. */
export function invalidInput(error: z.ZodError, prefix = ''): InvalidInput {
  const issues = describeIssues(error);
  return { code: 'invalid_input', message: prefix + summariseIssues(issues), issues };
}
