/**
 * The report charts' colours, each in two inks: bright ones that read on the console's dark page, and darker ones
 * for white paper (the bright ones are under 3.5:1 against white and wash out in print). uPlot draws on a canvas,
 * which a print stylesheet cannot recolour, so the chart picks the ink in script when the page prints (Chart.svelte).
 */
export const TONES = {
  amber: { screen: '#e08a1e', paper: '#8f4700' },
  green: { screen: '#2f9e63', paper: '#1b6b40' },
  blue: { screen: '#5b8def', paper: '#1f4fb8' },
} as const;
export type Tone = keyof typeof TONES;

/** Axes and grid: a light grey on the dark page, near-black ink on paper. */
export const AXIS_INK = {
  screen: { axis: '#8a96a3', grid: 'rgba(138, 150, 163, 0.25)' },
  paper: { axis: '#2a3a4a', grid: 'rgba(0, 0, 0, 0.2)' },
} as const;

export type Ink = 'screen' | 'paper';
