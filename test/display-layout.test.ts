import { describe, expect, it } from 'vitest';
import { byNumber, cardWidthEm, fitCards } from '../display/src/layout.js';

const vh1080 = { minFontPx: 0.06 * 1080, maxFontPx: 0.16 * 1080, gapPx: 16 };

describe('fitting order cards into a column', () => {
  it('keeps numbers at 6% of a 1080p screen with 12 orders in either landscape column', () => {
    for (const [w, h] of [
      [1060, 700],
      [770, 700],
    ] as const) {
      const fit = fitCards(12, w, h, vh1080);
      expect(fit.pages).toBe(1);
      expect(fit.fontPx).toBeGreaterThanOrEqual(64.8);
      expect(fit.cols * fit.rows).toBeGreaterThanOrEqual(12);
    }
  });

  it('grows numbers when there are few orders, and never past the maximum', () => {
    const few = fitCards(2, 1060, 700, vh1080);
    const many = fitCards(10, 1060, 700, vh1080);
    expect(few.fontPx).toBeGreaterThan(many.fontPx);
    expect(few.fontPx).toBeLessThanOrEqual(vh1080.maxFontPx);
  });

  it('pages instead of shrinking below the minimum, and every page fits', () => {
    const fit = fitCards(60, 1060, 700, vh1080);
    expect(fit.pages).toBeGreaterThan(1);
    expect(fit.fontPx).toBeGreaterThanOrEqual(vh1080.minFontPx);
    expect(fit.perPage).toBeLessThanOrEqual(fit.cols * fit.rows);
    expect(fit.cols * fit.fontPx * cardWidthEm(4) + (fit.cols - 1) * 16).toBeLessThanOrEqual(1060 + 1);
    expect(fit.rows * fit.fontPx * 2 + (fit.rows - 1) * 16).toBeLessThanOrEqual(700 + 1);
  });

  it('makes cards wider for longer order numbers', () => {
    expect(fitCards(12, 1060, 700, { ...vh1080, chars: 8 }).fontPx).toBeLessThan(fitCards(12, 1060, 700, { ...vh1080, chars: 3 }).fontPx);
  });

  it('moves in steps, so one more order does not reflow every card by a pixel', () => {
    const sizes = new Set(Array.from({ length: 12 }, (_, i) => fitCards(i + 1, 1060, 700, vh1080).fontPx));
    for (const s of sizes) expect(s % 4).toBe(0);
  });
});

describe('the reading order of cards', () => {
  it('sorts numbers as numbers would read, whatever their status or age', () => {
    const cards = ['100', '99', 'A7', '101', '9'].map((number, i) => ({ number, id: String(i) }));
    expect(cards.sort(byNumber).map((c) => c.number)).toEqual(['9', '99', 'A7', '100', '101']);
  });
});
