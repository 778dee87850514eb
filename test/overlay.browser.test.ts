import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { STORE_HOST, animationsSettled, launchChromium, storeUrl } from './helpers/browser.js';
import { order } from './helpers/fixtures.js';
import { post, startTestHub } from './helpers/hub.js';

const FULL_HD = { width: 1920, height: 1080 };

interface Point {
  x: number;
  y: number;
}

let browser: Browser;
let hub: Hub;

beforeAll(async () => {
  browser = await launchChromium();
  hub = await startTestHub();
  await post(`${hub.url}/api/orders`, order({ number: '512', name: 'Noor', updatedAt: Date.now() }));
});
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

async function openBoard(query: string): Promise<Page> {
  const page = await browser.newPage({ viewport: FULL_HD });
  await page.goto(storeUrl(hub.url, `/display${query}`));
  await page.waitForSelector('.stage[data-connected="true"] [data-order]', { timeout: 10_000 });
  await animationsSettled(page);
  return page;
}

/**
 * The alpha of each point as a compositor like OBS sees it: the page drawn over no backdrop at all
 * (`omitBackground` clears Chromium's default white), so only what the page itself paints counts.
 */
async function alphaAt(page: Page, points: Point[]): Promise<number[]> {
  const png = PNG.sync.read(await page.screenshot({ omitBackground: true }));
  return points.map(({ x, y }) => png.data[(Math.round(y) * png.width + Math.round(x)) * 4 + 3]!);
}

/** Points where the board draws nothing (corners, the empty grid under the one card) and one inside the card. */
async function landmarks(page: Page): Promise<{ empty: Point[]; card: Point }> {
  const card = await page.locator('[data-order]').first().boundingBox();
  if (!card) throw new Error('the order card has no box');
  return {
    empty: [
      { x: 3, y: 3 },
      { x: FULL_HD.width - 3, y: FULL_HD.height - 3 },
      { x: card.x + card.width / 2, y: card.y + card.height + 120 },
    ],
    // Just inside the card's right edge: its surface, clear of the text.
    card: { x: card.x + card.width - 12, y: card.y + card.height / 2 },
  };
}

describe('the display as an OBS browser source (?overlay=1)', () => {
  it('is transparent wherever nothing is drawn, and opaque on the cards', async () => {
    const page = await openBoard('?overlay=1');
    const { empty, card } = await landmarks(page);
    const [cardAlpha, ...emptyAlpha] = await alphaAt(page, [card, ...empty]);
    expect(emptyAlpha).toEqual(empty.map(() => 0));
    expect(cardAlpha).toBe(255);
    await page.close();
  });

  it('is transparent from the first frame, before the hub has said hello', async () => {
    const page = await browser.newPage({ viewport: FULL_HD });
    // No connection at all: the page stays on its empty boot state, which OBS composites at scene start.
    await page.routeWebSocket(/\/socket\.io\//, (ws) => ws.close());
    await page.route(/\/socket\.io\//, (route) => route.abort());
    await page.goto(storeUrl(hub.url, '/display?overlay=1'));
    await page.waitForLoadState('load');
    const corners = [
      { x: 3, y: 3 },
      { x: FULL_HD.width / 2, y: FULL_HD.height / 2 },
      { x: FULL_HD.width - 3, y: FULL_HD.height - 3 },
    ];
    expect(await alphaAt(page, corners)).toEqual([0, 0, 0]);
    await page.close();
  });

  it('leaves the normal board (no ?overlay) opaque everywhere', async () => {
    const page = await openBoard('');
    const { empty, card } = await landmarks(page);
    expect(await alphaAt(page, [card, ...empty])).toEqual([card, ...empty].map(() => 255));
    await page.close();
  });
});

/** The fonts Chromium actually drew `selector`'s text with: the font file's own family name, and whether it came from a web font. */
async function renderedFonts(page: Page, selector: string): Promise<{ family: string; webFont: boolean }[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts.map((f) => ({ family: f.familyName, webFont: f.isCustomFont }));
}

describe('the shipped Inter font', () => {
  for (const { route, ready, text } of [
    { route: '/display', ready: '.stage[data-connected="true"]', text: 'h1' },
    { route: '/kiosk', ready: 'h1', text: 'h1' },
  ]) {
    it(`${route} draws its text in Inter Variable, served by the hub itself`, async () => {
      const page = await browser.newPage({ viewport: FULL_HD });
      const woff2: string[] = [];
      page.on('response', (res) => {
        if (res.url().endsWith('.woff2') && res.ok()) woff2.push(res.url());
      });
      await page.goto(storeUrl(hub.url, route));
      await page.waitForSelector(ready, { timeout: 10_000 });
      const loaded = await page.evaluate(async () => {
        await document.fonts.ready;
        return document.fonts.check('700 40px "Inter Variable"');
      });
      expect(loaded).toBe(true);
      // check() is also true for a family nobody declared, so the proof is the file and the glyphs drawn.
      expect(woff2.length).toBeGreaterThan(0);
      for (const url of woff2) expect(new URL(url).hostname).toBe(STORE_HOST);
      expect(await renderedFonts(page, text)).toEqual([{ family: 'Inter', webFont: true }]);
      await page.close();
    });
  }
});
