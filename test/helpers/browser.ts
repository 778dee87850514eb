import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (installed by the test setup), never a downloaded build. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** Resolves when every finite animation on the page has finished (the fault pulse runs forever and is left out). */
export async function animationsSettled(page: import('playwright-core').Page): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.effect?.getTiming().iterations === Infinity || a.playState !== 'running'), undefined, {
    timeout: 5_000,
  });
}
