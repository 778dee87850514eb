import { describe, expect, it } from 'vitest';
import { CARD_H, byNumber, cardWidthEm, fitCards, type Fit } from '../display/src/layout.js';

const vh1080 = { minFontPx: 0.06 * 1080, maxFontPx: 0.16 * 1080, gapPx: 13 };
const threes = (n: number) => Array.from({ length: n }, () => 3);
/** The Ready column's grid at 1920×1080 (42% of the width), without and with the production strip. */
const READY = { w: 771, h: 867 };
const READY_WITH_STRIP = { w: 771, h: 715 };

/** Every card inside the grid, none overlapping another on its page, each wide enough for its number. */
function expectSound(fit: Fit, lengths: number[], w: number, h: number): void {
  expect(fit.placement).toHaveLength(lengths.length);
  const cellW = (w - (fit.cols - 1) * vh1080.gapPx) / fit.cols;
  fit.pageStarts.forEach((start, p) => {
    const end = fit.pageStarts[p + 1] ?? lengths.length;
    const taken = new Set<string>();
    for (let i = start; i < end; i++) {
      const { col, row, span } = fit.placement[i]!;
      expect(col + span).toBeLessThanOrEqual(fit.cols);
      expect(row).toBeLessThan(fit.rows);
      for (let c = col; c < col + span; c++) {
        expect(taken.has(`${row}:${c}`)).toBe(false);
        taken.add(`${row}:${c}`);
      }
      expect(span * cellW + (span - 1) * vh1080.gapPx).toBeGreaterThanOrEqual(cardWidthEm(lengths[i]!) * fit.fontPx - 0.5);
    }
  });
  expect(fit.rows * fit.fontPx * CARD_H + (fit.rows - 1) * vh1080.gapPx).toBeLessThanOrEqual(h + 1);
}

describe('fitting order cards into a column', () => {
  it('keeps numbers at 6% of a 1080p screen with 12 orders in either landscape column', () => {
    for (const [w, h] of [
      [1060, 700],
      [770, 700],
    ] as const) {
      const fit = fitCards(threes(12), w, h, vh1080);
      expect(fit.pages).toBe(1);
      expect(fit.fontPx).toBeGreaterThanOrEqual(64.8);
      expectSound(fit, threes(12), w, h);
    }
  });

  it('grows numbers when there are few orders, and never past the maximum', () => {
    const few = fitCards(threes(2), 1060, 700, vh1080);
    const many = fitCards(threes(10), 1060, 700, vh1080);
    expect(few.fontPx).toBeGreaterThan(many.fontPx);
    expect(few.fontPx).toBeLessThanOrEqual(vh1080.maxFontPx);
  });

  it('pages instead of shrinking below the minimum, and every page fits', () => {
    const fit = fitCards(threes(60), 1060, 700, vh1080);
    expect(fit.pages).toBeGreaterThan(1);
    expect(fit.fontPx).toBeGreaterThanOrEqual(vh1080.minFontPx);
    expectSound(fit, threes(60), 1060, 700);
  });

  it('widens only the card of a long number: 22 orders, one of 8 characters, all on one page of the Ready column', () => {
    const lengths = [...threes(21), 8];
    const fit = fitCards(lengths, READY.w, READY.h, vh1080);
    expect(fit.pages).toBe(1);
    expect(fit.fontPx).toBeGreaterThanOrEqual(vh1080.minFontPx);
    expect(fit.placement.filter((p) => p.span > 1)).toHaveLength(1);
    expect(fit.placement[21]!.span).toBeGreaterThan(1);
    expect(fit.cols).toBe(fitCards(threes(22), READY.w, READY.h, vh1080).cols);
    expectSound(fit, lengths, READY.w, READY.h);
  });

  it('gives a long number more room wherever it comes in the order, first included', () => {
    const lengths = [8, ...threes(21)];
    const fit = fitCards(lengths, READY.w, READY.h, vh1080);
    expect(fit.pages).toBe(1);
    expect(fit.placement[0]!.span).toBeGreaterThan(1);
    expectSound(fit, lengths, READY.w, READY.h);
  });

  it('pages only when the cards do not fit, with balanced pages: 40 orders in two of 20, never a last page of two', () => {
    for (const { w, h } of [READY, READY_WITH_STRIP]) {
      const fit = fitCards(threes(40), w, h, vh1080);
      expect(fit.pages).toBe(2);
      expect(fit.pageStarts).toEqual([0, 20]);
      expectSound(fit, threes(40), w, h);
    }
    // One page holds 20 with the strip: 22 make two pages of 11, not 20 and 2.
    const nearly = fitCards(threes(22), READY_WITH_STRIP.w, READY_WITH_STRIP.h, vh1080);
    expect(nearly.pageStarts).toEqual([0, 11]);
    for (let n = 1; n <= 120; n++) {
      const fit = fitCards(threes(n), READY_WITH_STRIP.w, READY_WITH_STRIP.h, vh1080);
      const sizes = fit.pageStarts.map((s, p) => (fit.pageStarts[p + 1] ?? n) - s);
      expect(Math.max(...sizes) - Math.min(...sizes), `${n} orders: ${sizes.join(', ')}`).toBeLessThanOrEqual(1);
    }
  });

  it('sets a number too long for the whole column smaller, alone, and every other card keeps its size', () => {
    const fit = fitCards([8, 3, 3, 3], 300, 700, vh1080);
    const [long, ...short] = fit.placement;
    expect(long!.numberPx).toBeLessThan(fit.fontPx);
    expect(long!.numberPx * cardWidthEm(8)).toBeLessThanOrEqual(300 + 0.5);
    for (const p of short) expect(p.numberPx).toBe(fit.fontPx);
  });

  it('makes cards wider for longer order numbers', () => {
    expect(fitCards(Array(12).fill(8), 1060, 700, vh1080).fontPx).toBeLessThan(fitCards(threes(12), 1060, 700, vh1080).fontPx);
  });

  it('moves in steps, so one more order does not reflow every card by a pixel', () => {
    const sizes = new Set(Array.from({ length: 12 }, (_, i) => fitCards(threes(i + 1), 1060, 700, vh1080).fontPx));
    for (const s of sizes) expect(s % 4 === 0 || s === vh1080.minFontPx).toBe(true);
  });
});

describe('the reading order of cards', () => {
  it('sorts numbers as numbers would read, whatever their status or age', () => {
    const cards = ['100', '99', 'A7', '101', '9'].map((number, i) => ({ number, id: String(i) }));
    expect(cards.sort(byNumber).map((c) => c.number)).toEqual(['9', '99', 'A7', '100', '101']);
  });
});
