/** Where one card sits on its page: 0-based grid column and row, and how many columns it spans. */
export interface Placement {
  col: number;
  row: number;
  span: number;
  /** Its number's size, px: the column's, or less for a number too long even for every column. */
  numberPx: number;
}

/** How a column of order cards is laid out: a grid, maybe several pages. */
export interface Fit {
  cols: number;
  rows: number;
  /** The most cards any page shows; less than the order count means paging. */
  perPage: number;
  pages: number;
  /** Font size of the order number, px. */
  fontPx: number;
  /** Index of the first card of each page, in the order the cards were given; pages hold balanced counts. */
  pageStarts: number[];
  /** One per card, in the order given: its cell on its own page. */
  placement: Placement[];
}

export interface FitOptions {
  /** Smallest order-number size allowed before paging kicks in. */
  minFontPx: number;
  maxFontPx: number;
  gapPx: number;
}

// A card is about 2 number-heights tall (number, name, tag, padding); bold digits are about 0.66 em wide, plus padding.
export const CARD_H = 2.0;
export const DIGIT_EM = 0.66;
const PAD_EM = 0.7;
export function cardWidthEm(chars: number): number {
  return Math.max(3, chars) * DIGIT_EM + PAD_EM;
}
const STEP_PX = 4;
const MAX_COLS = 8;

interface Grid {
  cols: number;
  cellW: number;
  /** Number size the cell width allows for the base card. */
  fontW: number;
}

/** Columns a card of `chars` characters needs at `font` px: a long number widens only its own card. */
function spanOf(chars: number, font: number, g: Grid, gap: number): number {
  const need = cardWidthEm(chars) * font;
  return Math.min(g.cols, Math.max(1, Math.ceil((need + gap) / (g.cellW + gap) - 1e-9)));
}

/**
 * Places cards in reading order, each in the first free run of cells wide enough for it (a long
 * card that does not fit at the end of a row leaves a gap the next short card fills). Returns the rows used.
 */
function pack(spans: readonly number[], cols: number, out?: Omit<Placement, 'numberPx'>[]): number {
  // The common case, every card one column wide: a plain grid, no search.
  if (spans.every((s) => s === 1)) {
    if (out) for (let i = 0; i < spans.length; i++) out.push({ col: i % cols, row: Math.floor(i / cols), span: 1 });
    return Math.ceil(spans.length / cols);
  }
  const taken: number[] = []; // row * cols + col -> 1
  const free = (row: number, col: number, span: number) => {
    for (let c = col; c < col + span; c++) if (taken[row * cols + c]) return false;
    return true;
  };
  const full = (row: number) => {
    for (let c = 0; c < cols; c++) if (!taken[row * cols + c]) return false;
    return true;
  };
  let rows = 0;
  let firstOpen = 0;
  for (const span of spans) {
    let row = firstOpen;
    let col = -1;
    while (col < 0) {
      for (let c = 0; c + span <= cols && col < 0; c++) if (free(row, c, span)) col = c;
      if (col < 0) row++;
    }
    for (let c = col; c < col + span; c++) taken[row * cols + c] = 1;
    while (full(firstOpen)) firstOpen++;
    rows = Math.max(rows, row + 1);
    out?.push({ col, row, span });
  }
  return rows;
}

/** Each card's number size: the column's, unless its number is too long even for the columns it spans (it then sets itself smaller, alone). */
function sized(placed: Omit<Placement, 'numberPx'>[], lengths: readonly number[], fontPx: number, g: Grid, gap: number): Placement[] {
  return placed.map((p, i) => ({ ...p, numberPx: Math.min(fontPx, (p.span * g.cellW + (p.span - 1) * gap) / cardWidthEm(lengths[i]!)) }));
}

/** Contiguous page starts with counts as even as they can be (never a page of two after pages of twenty). */
function balancedStarts(n: number, pages: number): number[] {
  return Array.from({ length: pages }, (_, p) => Math.floor((p * n) / pages));
}

function gridsFor(width: number, gap: number, baseChars: number): Grid[] {
  return Array.from({ length: MAX_COLS }, (_, i) => {
    const cols = i + 1;
    const cellW = (width - (cols - 1) * gap) / cols;
    return { cols, cellW, fontW: cellW / cardWidthEm(baseChars) };
  }).filter((g) => g.cellW > 0);
}

/**
 * The largest order numbers that fit cards of these number lengths (in the order given) in a
 * `width`×`height` box. Cards are sized for a base length; a longer number spans more columns, so one
 * long number costs one card its room, not every card. Sizes move in 4 px steps so a board that gains
 * one order does not reflow every card by a pixel; below `minFontPx` the column pages instead of
 * shrinking, over as few pages as hold every card, with balanced counts.
 */
export function fitCards(lengths: readonly number[], width: number, height: number, o: FitOptions): Fit {
  const n = lengths.length;
  const gap = o.gapPx;
  const step = (px: number) => Math.max(o.minFontPx, STEP_PX, Math.floor(Math.min(px, o.maxFontPx) / STEP_PX) * STEP_PX);
  if (n === 0 || width <= 0 || height <= 0) {
    return {
      cols: 1,
      rows: 1,
      perPage: n,
      pages: n > 0 ? 1 : 0,
      fontPx: step(o.maxFontPx),
      pageStarts: n > 0 ? [0] : [],
      placement: lengths.map(() => ({ col: 0, row: 0, span: 1, numberPx: step(o.maxFontPx) })),
    };
  }
  // Widest base first: it lays out without a search, and sets the bar that lets narrower bases be skipped unpacked.
  const bases = [...new Set([3, ...lengths.filter((l) => l > 3)])].sort((a, b) => b - a);

  // One page: the base length and column count that give the largest numbers.
  let best: { grid: Grid; font: number; spans: number[] } | null = null;
  for (const base of bases) {
    for (const grid of gridsFor(width, gap, base)) {
      const spans = lengths.map((l) => spanOf(l, grid.fontW, grid, gap));
      // No better than the best so far even on the fewest rows possible: not worth packing.
      const fewest = Math.ceil(spans.reduce((a, b) => a + b, 0) / grid.cols);
      if (best && Math.min(grid.fontW, (height - (fewest - 1) * gap) / fewest / CARD_H) <= best.font) continue;
      const rows = pack(spans, grid.cols);
      const font = Math.min(grid.fontW, (height - (rows - 1) * gap) / rows / CARD_H);
      if (!best || font > best.font) best = { grid, font, spans };
    }
  }
  if (best && best.font >= o.minFontPx) {
    const placed: Omit<Placement, 'numberPx'>[] = [];
    const rows = pack(best.spans, best.grid.cols, placed);
    const fontPx = step(best.font);
    return { cols: best.grid.cols, rows, perPage: n, pages: 1, fontPx, pageStarts: [0], placement: sized(placed, lengths, fontPx, best.grid, gap) };
  }

  // Paging: numbers at minFontPx, the layout that needs the fewest pages (then the largest numbers).
  const rows = Math.max(1, Math.floor((height + gap) / (CARD_H * o.minFontPx + gap)));
  let paged: { grid: Grid; starts: number[]; spans: number[] } | null = null;
  for (const base of bases) {
    for (const grid of gridsFor(width, gap, base)) {
      if (grid.fontW < o.minFontPx && grid.cols > 1) continue;
      const spans = lengths.map((l) => spanOf(l, o.minFontPx, grid, gap));
      const cells = spans.reduce((a, b) => a + b, 0);
      const fewest = Math.max(1, Math.ceil(cells / (grid.cols * rows)));
      if (paged && fewest > paged.starts.length) continue;
      for (let pages = fewest; pages <= n; pages++) {
        const starts = balancedStarts(n, pages);
        const fits = starts.every((s, p) => pack(spans.slice(s, starts[p + 1] ?? n), grid.cols) <= rows);
        if (!fits) continue;
        if (!paged || pages < paged.starts.length || (pages === paged.starts.length && grid.fontW > paged.grid.fontW)) paged = { grid, starts, spans };
        break;
      }
    }
  }
  const { grid, starts, spans } = paged!;
  const placed: Omit<Placement, 'numberPx'>[] = [];
  let perPage = 0;
  starts.forEach((s, p) => {
    const end = starts[p + 1] ?? n;
    pack(spans.slice(s, end), grid.cols, placed);
    perPage = Math.max(perPage, end - s);
  });
  const font = Math.min(grid.fontW, (height - (rows - 1) * gap) / rows / CARD_H);
  const fontPx = step(Math.max(font, o.minFontPx));
  return { cols: grid.cols, rows, perPage, pages: starts.length, fontPx, pageStarts: starts, placement: sized(placed, lengths, fontPx, grid, gap) };
}

/** Reading order for order numbers: shorter first ("99" before "100"), then by text, then id. */
export function byNumber(a: { number: string; id: string }, b: { number: string; id: string }): number {
  return a.number.length - b.number.length || (a.number < b.number ? -1 : a.number > b.number ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
