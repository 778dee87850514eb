/** How a column of order cards is laid out: a grid, maybe several pages. */
export interface Fit {
  cols: number;
  rows: number;
  /** Cards shown at once; less than the order count means paging. */
  perPage: number;
  pages: number;
  /** Font size of the order number, px. */
  fontPx: number;
}

export interface FitOptions {
  /** Smallest order-number size allowed before paging kicks in. */
  minFontPx: number;
  maxFontPx: number;
  gapPx: number;
  /** Characters in the longest order number shown (numbers are 1–8 characters). */
  chars?: number;
}

// A card is about 2 number-heights tall (number, name, padding); bold digits are about 0.66 em wide, plus padding.
const CARD_H = 2.0;
export function cardWidthEm(chars: number): number {
  return Math.max(3, chars) * 0.66 + 0.7;
}
const STEP_PX = 4;
const MAX_COLS = 6;

function fontFor(n: number, cols: number, width: number, height: number, gap: number, cardW: number): number {
  const rows = Math.ceil(n / cols);
  const w = (width - (cols - 1) * gap) / cols;
  const h = (height - (rows - 1) * gap) / rows;
  return Math.min(w / cardW, h / CARD_H);
}

/**
 * The largest order numbers that fit `n` cards in a `width`×`height` box.
 * Sizes move in 4 px steps so a board that gains one order does not reflow
 * every card by a pixel; below `minFontPx` the column pages instead of shrinking.
 */
export function fitCards(n: number, width: number, height: number, o: FitOptions): Fit {
  const CARD_W = cardWidthEm(o.chars ?? 4);
  const step = (px: number) => Math.max(STEP_PX, Math.floor(Math.min(px, o.maxFontPx) / STEP_PX) * STEP_PX);
  if (n <= 0 || width <= 0 || height <= 0) return { cols: 1, rows: 1, perPage: Math.max(n, 0), pages: n > 0 ? 1 : 0, fontPx: step(o.maxFontPx) };
  let best = { cols: 1, font: 0 };
  for (let cols = 1; cols <= Math.min(MAX_COLS, n); cols++) {
    const font = fontFor(n, cols, width, height, o.gapPx, CARD_W);
    if (font > best.font) best = { cols, font };
  }
  if (best.font >= o.minFontPx) {
    return { cols: best.cols, rows: Math.ceil(n / best.cols), perPage: n, pages: 1, fontPx: step(best.font) };
  }
  // Paging: the most cards per page that still keep numbers at minFontPx.
  let page = { cols: 1, rows: 1, capacity: 1 };
  for (let cols = 1; cols <= MAX_COLS; cols++) {
    const cardW = (width - (cols - 1) * o.gapPx) / cols;
    if (cardW / CARD_W < o.minFontPx) break;
    const rows = Math.max(1, Math.floor((height + o.gapPx) / (CARD_H * o.minFontPx + o.gapPx)));
    if (cols * rows > page.capacity) page = { cols, rows, capacity: cols * rows };
  }
  const font = fontFor(page.capacity, page.cols, width, height, o.gapPx, CARD_W);
  return { cols: page.cols, rows: page.rows, perPage: page.capacity, pages: Math.ceil(n / page.capacity), fontPx: step(Math.max(font, o.minFontPx)) };
}

/** Reading order for order numbers: shorter first ("99" before "100"), then by text, then id. */
export function byNumber(a: { number: string; id: string }, b: { number: string; id: string }): number {
  return a.number.length - b.number.length || (a.number < b.number ? -1 : a.number > b.number ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
