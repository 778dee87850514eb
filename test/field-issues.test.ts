import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FieldIssue, MAX_ISSUES, fieldIssues } from '../shared/field-issues.js';

const Shape = z
  .object({
    name: z.string().min(2).max(5),
    qty: z.number().int().min(1).max(9),
    items: z.array(z.number()).max(2),
    status: z.enum(['queued', 'ready']),
    code: z.string().regex(/^\d+$/),
  })
  .strict();

function issuesOf(input: unknown) {
  const parsed = Shape.safeParse(input);
  if (parsed.success) throw new Error('parsed');
  return fieldIssues(parsed.error, input);
}

describe('field issues: what is wrong with each field, as a code a page can word', () => {
  it('tells a missing field from one of the wrong type', () => {
    expect(issuesOf({ qty: 'two', items: [], status: 'queued', code: '1' })).toEqual([
      { field: 'name', problem: 'required' },
      { field: 'qty', problem: 'wrong_type', expected: 'number' },
    ]);
    // A missing choice too, with what may be chosen.
    expect(issuesOf({ name: 'Ana', qty: 1, items: [], code: '1' })).toEqual([{ field: 'status', problem: 'required', options: ['queued', 'ready'] }]);
  });

  it('names each bound with its value, by what is bounded', () => {
    const issues = issuesOf({ name: 'toolong', qty: 0, items: [1, 2, 3], status: 'lost', code: 'x', extra: 1 });
    expect(issues).toEqual([
      { field: 'name', problem: 'too_long', max: 5 },
      { field: 'qty', problem: 'too_small', min: 1 },
      { field: 'items', problem: 'too_many', max: 2 },
      { field: 'status', problem: 'not_one_of', options: ['queued', 'ready'] },
      { field: 'code', problem: 'bad_format' },
      { field: 'extra', problem: 'unknown_field' },
    ]);
    for (const issue of issues) expect(FieldIssue.safeParse(issue).success).toBe(true);
  });

  it('says the value itself when it is not an object, and sends at most a bounded number of issues', () => {
    expect(issuesOf(null)).toEqual([{ field: '(root)', problem: 'wrong_type', expected: 'object' }]);
    const numbers = Array.from({ length: 100 }, () => 1);
    const many = z.array(z.string()).safeParse(numbers);
    expect(fieldIssues(many.error!, numbers)).toHaveLength(MAX_ISSUES);
  });
});
