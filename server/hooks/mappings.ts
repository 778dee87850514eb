import jsonata from 'jsonata';

/**
 * Bounds on one evaluation, enforced by the jsonata package itself (its `timeout`, `stack` and `sequence`
 * options, checked at every step): an expression comes from the store owner's config, never from a request,
 * but a payload can still make a careless one loop or build a huge list. One built-in call (a regex on a long
 * string) is not interrupted mid-call; the 1 MB body limit bounds what it can be given. The time limit is wall
 * time: 2 s leaves room for a large order (a 200-line Shopify order takes the preset ~70 ms) and a GC pause; going
 * over it (JSONata's `D1012`) is answered as transient (503, the sender retries), not as the mapping failing.
 */
export const MAPPING_LIMITS = Object.freeze({ timeout: 2_000, stack: 500, sequence: 10_000 });

/** JSONata's code for an evaluation over `MAPPING_LIMITS.timeout`: load or a pause, not the payload, so worth a retry. */
export const MAPPING_TIMEOUT = 'D1012';

/** Orders one delivery may yield: a POS sends one order, or a few. */
export const MAX_ORDERS_PER_DELIVERY = 50;

/** Values an expression can use besides the payload (`$`): `$topic` (Shopify's topic header) and `$headers`. */
export interface MappingContext {
  topic: string | undefined;
  headers: Readonly<Record<string, string>>;
}

export type MapOutcome = { ok: true; orders: unknown[] } | { ok: false; problem: string; message: string };

/** Compiles an expression: `problem` says why it does not (the config refuses it at start). */
export function compileMapping(expression: string): { compiled?: jsonata.Expression; problem?: string } {
  try {
    return { compiled: jsonata(expression, MAPPING_LIMITS) };
  } catch (err) {
    return { problem: describe(err) };
  }
}

/** A compiled mapping from a payload to zero or more orders (each still to be validated against the Order schema). */
export class Mapping {
  readonly #compiled: jsonata.Expression;

  constructor(expression: string) {
    const { compiled, problem } = compileMapping(expression);
    if (!compiled) throw new Error(`mapping does not compile: ${problem ?? '?'}`);
    this.#compiled = compiled;
  }

  async apply(payload: unknown, context: MappingContext): Promise<MapOutcome> {
    let result: unknown;
    try {
      result = await this.#compiled.evaluate(payload, { topic: context.topic, headers: context.headers });
    } catch (err) {
      // A payload nested deeper than the runtime's stack (JSONata flattens nested lists by recursion): refused, not a crash.
      if (err instanceof RangeError) return { ok: false, problem: 'too_deep', message: describe(err) };
      const code = (err as { code?: unknown } | null)?.code;
      return { ok: false, problem: typeof code === 'string' ? code : 'error', message: describe(err) };
    }
    return asOrders(result);
  }
}

/** Nothing, one object or a list of objects; anything else is a mapping that went wrong. */
function asOrders(result: unknown): MapOutcome {
  if (result === undefined || result === null) return { ok: true, orders: [] };
  const list: unknown[] = Array.isArray(result) ? Array.from(result as unknown[]) : [result];
  if (list.length > MAX_ORDERS_PER_DELIVERY) {
    return { ok: false, problem: 'too_many', message: `the mapping gave ${list.length} orders; at most ${MAX_ORDERS_PER_DELIVERY} a delivery` };
  }
  if (!list.every((o) => typeof o === 'object' && o !== null && !Array.isArray(o))) {
    return { ok: false, problem: 'not_orders', message: 'the mapping must give an object, a list of objects, or nothing' };
  }
  // Plain JSON from here on: JSONata's sequences carry extra properties, and its functions are not data.
  return { ok: true, orders: JSON.parse(JSON.stringify(list)) as unknown[] };
}

function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; position?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const at = typeof e?.position === 'number' ? ` (at character ${e.position})` : '';
  return `${typeof e?.code === 'string' ? `${e.code}: ` : ''}${message}${at}`.slice(0, 300);
}
