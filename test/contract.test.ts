import { describe, expect, it } from 'vitest';
import { AA, DisplayConfig, Machine, Order, contrastRatio, describeIssues } from '../shared/index.js';
import { machine, order } from './helpers/fixtures.js';

function fieldsOf(result: { success: boolean; error?: unknown }): string[] {
  if (result.success) return [];
  return describeIssues(result.error as never).map((i) => i.field);
}

describe('the Order schema', () => {
  it('accepts a full valid order', () => {
    const o = order({ station: 'counter-1', promisedAt: Date.now(), items: [{ sku: 'bun', variant: 'vegan', qty: 99 }] });
    expect(Order.parse(o)).toEqual(o);
  });

  it('strips fields that are not public (phone, e-mail, note, price)', () => {
    const parsed = Order.parse({
      ...order(),
      phone: '+49 170 000',
      email: 'a@b.c',
      note: 'gate code 1234',
      price: 12,
      items: [{ sku: 'bun', qty: 1, price: 3 }],
    });
    expect(Object.keys(parsed).sort()).toEqual(['id', 'items', 'name', 'number', 'status', 'updatedAt']);
    expect(Object.keys(parsed.items[0]!)).toEqual(['sku', 'qty']);
  });

  it.each([
    ['id', { id: '' }],
    ['id', { id: 'x'.repeat(65) }],
    ['number', { number: '123456789' }],
    ['name', { name: 'x'.repeat(25) }],
    ['name', { name: 'bell\u0007' }],
    ['items', { items: [] }],
    ['items', { items: Array.from({ length: 21 }, () => ({ sku: 'a', qty: 1 })) }],
    ['items.0.qty', { items: [{ sku: 'a', qty: 0 }] }],
    ['items.0.qty', { items: [{ sku: 'a', qty: 1.5 }] }],
    ['items.0.sku', { items: [{ sku: 7, qty: 1 }] }],
    ['status', { status: 'baking' }],
    ['updatedAt', { updatedAt: '2026-11-24' }],
    ['updatedAt', { updatedAt: -1 }],
    ['promisedAt', { promisedAt: Number.NaN }],
  ])('names %s when it is wrong', (field, patch) => {
    expect(fieldsOf(Order.safeParse({ ...order(), ...patch }))).toContain(field);
  });

  it('refuses non-objects at the root', () => {
    for (const v of [null, 42, 'order', [], true]) expect(Order.safeParse(v).success).toBe(false);
  });

  it('does not let __proto__ in the input reach the parsed value', () => {
    const raw = JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(order()).slice(1)}`) as unknown;
    const parsed = Order.parse(raw);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(parsed)).not.toContain('__proto__');
  });
});

describe('the Machine schema', () => {
  it('accepts a machine with a batch and readings', () => {
    const m = machine({ batch: { sku: 'bun', label: 'Cardamom buns', qty: 12, startedAt: 1, endsAt: 2 } });
    expect(Machine.parse(m)).toEqual(m);
  });

  it.each([
    ['kind', { kind: 'toaster' }],
    ['state', { state: 'exploded' }],
    ['readings.__proto__', { readings: JSON.parse('{"__proto__": 1}') as unknown }],
    ['readings.constructor', { readings: { constructor: 1 } }],
    ['readings.tempC', { readings: { tempC: 'hot' } }],
    ['readings.tempC', { readings: { tempC: Infinity } }],
    ['readings', { readings: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`r${i}`, i])) }],
    ['batch.endsAt', { batch: { sku: 'bun', qty: 1, startedAt: 10, endsAt: 5 } }],
  ])('names %s when it is wrong', (field, patch) => {
    expect(fieldsOf(Machine.safeParse({ ...machine(), ...patch }))).toContain(field);
  });
});

describe('the display settings', () => {
  it('fill every colour from defaults, and keep what a store sets', () => {
    const d = DisplayConfig.parse({ storeName: 'Kanelbulle', theme: { accent: '#123456' } });
    expect(d.theme.accent).toBe('#123456');
    expect(d.theme.background).toMatch(/^#/);
    expect(d.text).toEqual({ locale: 'en', dir: 'ltr', messages: {} });
  });

  it('has a default theme that meets WCAG AA for every text colour on its backgrounds', () => {
    const t = DisplayConfig.parse({}).theme;
    for (const bg of [t.background, t.surface]) {
      for (const fg of [t.text, t.muted, t.accent, t.ready, t.fault]) expect(contrastRatio(fg, bg), `${fg} on ${bg}`).toBeGreaterThanOrEqual(AA);
    }
    // The fault banner puts the background colour on the fault colour.
    expect(contrastRatio(t.background, t.fault)).toBeGreaterThanOrEqual(AA);
    expect(contrastRatio(t.background, t.ready)).toBeGreaterThanOrEqual(AA);
  });
});
