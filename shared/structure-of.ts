import type { z } from 'zod';

type AnySchema = z.ZodType;

const stripped = new WeakMap<object, unknown>();

function isSchema(value: unknown): value is AnySchema {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function strip(value: unknown): unknown {
  if (isSchema(value)) return structureOf(value);
  if (Array.isArray(value)) return value.map(strip);
  return value;
}

/**
 * `schema` with the same structure (object keys, types, enums, literals, unions, optionals) and none of its checks
 * (lengths, ranges, patterns, refinements). For reading back what a door already checked: the event log holds only
 * lines that passed the full schema when they were written, so a reader needs to know a line is whole and of the
 * right shape (a torn write, a foreign entry, an older version), not to run every text rule again; those rules
 * (Unicode-property patterns above all) cost about ten times the structure (`npm run bench -- report`).
 */
export function structureOf<T extends AnySchema>(schema: T): T {
  const known = stripped.get(schema);
  if (known) return known as T;
  const def = schema._zod.def as unknown as Record<string, unknown>;
  // Copied as descriptors: a getter stays a getter (a default's value is made afresh at each parse, never shared).
  const descriptors = Object.getOwnPropertyDescriptors(def);
  const next = Object.defineProperties({}, descriptors) as Record<string, unknown>;
  next.checks = [];
  for (const [key, d] of Object.entries(descriptors)) {
    if (key === 'shape') {
      // An object's shape is a getter too (zod builds it lazily): read once, its schemas stripped.
      const shape = def.shape as Record<string, unknown>;
      Object.defineProperty(next, 'shape', { value: Object.fromEntries(Object.keys(shape).map((k) => [k, strip(shape[k])])), enumerable: true });
    } else if (key !== 'checks' && 'value' in d) next[key] = strip(d.value);
  }
  const copy = schema.clone(next as unknown as T['_zod']['def']);
  stripped.set(schema, copy);
  return copy;
}
