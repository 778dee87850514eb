import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJson } from '../shared/parse-json.js';

describe('reading a stored record back', () => {
  const Point = z.object({ x: z.number(), y: z.number() });

  it('gives the value when the text is JSON of the shape', () => {
    expect(parseJson(Point, '{"x":1,"y":2}')).toEqual({ x: 1, y: 2 });
  });

  it('gives undefined, never a throw, for text that is not JSON, is torn, or has another shape', () => {
    for (const text of ['', '{"x":1,', 'undefined', '{"x":"1","y":2}', '[1,2]', 'null']) expect(parseJson(Point, text)).toBeUndefined();
  });
});
