import type { DisplayConfig } from '../../shared/schemas/display.js';
import { pageText, t } from '../../shared/client/page-text.svelte.js';

/**
 * The kiosk, tracker and console wear the store as the board does: its words' language and direction on
 * <html>, "Page — Store" as the tab's title, and its theme's colours in place of the built-in ones.
 */
export function wearStore(display: DisplayConfig, page: string): void {
  const root = document.documentElement;
  root.lang = pageText.locale;
  root.dir = pageText.dir;
  document.title = t('title.page', { page, store: display.storeName });
  const theme = display.theme;
  const colours: Record<string, string> = {
    '--bg': theme.background,
    '--surface': theme.surface,
    '--text': theme.text,
    '--muted': theme.muted,
    '--accent': theme.accent,
    '--ready': theme.ready,
    '--late': theme.fault,
  };
  for (const [name, value] of Object.entries(colours)) root.style.setProperty(name, value);
}
