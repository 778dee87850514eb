import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { launchChromium, storeUrl } from './helpers/browser.js';
import { order } from './helpers/fixtures.js';
import { post, startTestHub } from './helpers/hub.js';

// The tracker on the phones customers have: the longest number an order may have (shared/schemas/order.ts,
// `number: label(8)`) and the longest name, both of the widest letters, fit the screen whole, with no
// sideways scroll.

const SHOTS = path.resolve(import.meta.dirname, '../test-results/screenshots');
const PHONES = [
  { width: 360, height: 800 },
  { width: 390, height: 844 },
];
const WIDE_NUMBER = 'WWWWWWWW';
const WIDE_NAME = 'W'.repeat(24);

interface Fit {
  scrollWidth: number;
  innerWidth: number;
  number: { left: number; right: number; lines: number; font: number };
  name: { left: number; right: number };
}

/** How the tracker's number and name sit on the page, measured in the page's own font. */
function measure(page: Page): Promise<Fit> {
  return page.evaluate(async () => {
    await document.fonts.ready;
    const text = (el: Element) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return { box: range.getBoundingClientRect(), lines: range.getClientRects().length };
    };
    const h1 = document.querySelector('main.track h1')!;
    const number = text(h1);
    const name = text(document.querySelector('main.track .name')!);
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      number: { left: number.box.left, right: number.box.right, lines: number.lines, font: parseFloat(getComputedStyle(h1).fontSize) },
      name: { left: name.box.left, right: name.box.right },
    };
  });
}

describe('the tracker on a narrow phone', () => {
  let hub: Hub;
  let browser: Browser;
  beforeAll(async () => {
    hub = await startTestHub();
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it.each(PHONES)('shows an 8-character number and a 24-character name of wide letters whole at $width px, with no sideways scroll', async (viewport) => {
    const placed = order({ number: WIDE_NUMBER, name: WIDE_NAME, updatedAt: Date.now() });
    expect((await post(`${hub.url}/api/orders`, placed)).status).toBe(200);
    const page = await browser.newPage({ viewport });
    try {
      await page.goto(storeUrl(hub.url, `/track/${WIDE_NUMBER}`));
      await page.locator('main.track[data-status="queued"] .name').waitFor({ timeout: 10_000 });
      const fit = await measure(page);
      await page.screenshot({ path: path.join(SHOTS, `track-wide-number-${viewport.width}.png`) });
      expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
      // The whole number, on one line, inside the screen: not clipped, not broken in two.
      expect(fit.number.left).toBeGreaterThanOrEqual(0);
      expect(fit.number.right).toBeLessThanOrEqual(fit.innerWidth);
      expect(fit.number.lines).toBe(1);
      // Still the largest thing on the page.
      expect(fit.number.font).toBeGreaterThanOrEqual(32);
      expect(fit.name.left).toBeGreaterThanOrEqual(0);
      expect(fit.name.right).toBeLessThanOrEqual(fit.innerWidth);
    } finally {
      await page.close();
    }
  });

  it('keeps a short number at its full 72 px', async () => {
    const placed = order({ number: '101', name: 'Ana', updatedAt: Date.now() });
    expect((await post(`${hub.url}/api/orders`, placed)).status).toBe(200);
    const page = await browser.newPage({ viewport: PHONES[1] });
    try {
      await page.goto(storeUrl(hub.url, '/track/101'));
      await page.locator('main.track[data-status="queued"] .name').waitFor({ timeout: 10_000 });
      const fit = await measure(page);
      expect(fit.number.font).toBe(72);
      expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
    } finally {
      await page.close();
    }
  });
});
