import { AA, contrastRatio } from '../../shared/contrast.js';
import type { DisplayConfig } from '../../shared/schemas/display.js';
import { resolveStoreText } from '../../shared/text/catalogue.js';
import { storeLocale, type FileConfig } from '../config.js';

export const LOGO_PATH = '/branding/logo';

/** What screens are told about the store, built once from the config file. */
export function displayConfigOf(store: FileConfig): DisplayConfig {
  const { logo, labels, locale: _older, ...rest } = store.display;
  const locale = storeLocale(store);
  const text = resolveStoreText({ locale, own: store.locales[locale], legacy: labels });
  const productNames = Object.fromEntries(store.catalogue.map((p) => [p.sku, p.name]));
  return { storeName: store.storeName, timeZone: store.timeZone, logoUrl: logo ? LOGO_PATH : null, ...rest, locale, text, productNames };
}

/** Text/background pairs of a theme that miss WCAG AA, so the operator hears of it at start. */
export function contrastProblems(display: DisplayConfig): string[] {
  const t = display.theme;
  const problems: string[] = [];
  for (const [bgName, bg] of [
    ['background', t.background],
    ['surface', t.surface],
  ] as const) {
    for (const [fgName, fg] of [
      ['text', t.text],
      ['muted', t.muted],
      ['accent', t.accent],
      ['ready', t.ready],
      ['fault', t.fault],
    ] as const) {
      const ratio = contrastRatio(fg, bg);
      if (ratio < AA) problems.push(`theme.${fgName} on theme.${bgName}: ${ratio.toFixed(2)}:1 (AA needs ${AA}:1)`);
    }
  }
  return problems;
}
