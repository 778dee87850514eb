import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import type { Run } from '../shared/schemas/run.js';
import { launchChromium, storeUrl } from './helpers/browser.js';
import { post, startTestHub, tempDir } from './helpers/hub.js';

const MINUTE = 60_000;
/** Kiosk tablets as they hang in a store, in CSS pixels. */
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1280, height: 800 };
/** A bound on every wait for the page: a live change arrives in well under a second, a loaded machine may take seconds. */
const LIVE = 10_000;
/** Closing this far on (to the minute): 71–72 minutes fit 3 trays of 20, and go on fitting 3 for the next 11 minutes. */
const CLOSING_IN = 72 * MINUTE;

const BUN = { sku: 'bun', name: 'Bun', runSize: 12, runQuantity: 100, production: 'batch', runMinutes: 20, machineKind: 'oven' } as const;
const TRAY = BUN.runMinutes * MINUTE;

/**
 * A zone where it is now late morning (10:xx or 11:xx), so a closing CLOSING_IN on never crosses midnight whenever
 * the test runs (as in kiosk-outlook.test.ts): `Etc/GMT-N` is UTC+N.
 */
function lateMorningZone(now: number): { timeZone: string; closesAt: string; closing: number } {
  const utcHour = new Date(now).getUTCHours();
  let offset = 10 - utcHour;
  if (offset < -12) offset += 1;
  const timeZone = offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  const closing = Math.floor(now / MINUTE) * MINUTE + CLOSING_IN;
  const local = new Date(closing + offset * 60 * MINUTE);
  const closesAt = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return { timeZone, closesAt, closing };
}

/** Whole trays of buns the oven can still bake between `from` and closing, as the hub counts them. */
const traysUntil = (closing: number, from: number): number => Math.max(0, Math.floor((closing - from) / TRAY));

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Exactly this text: Playwright's `hasText` with a string is a substring, and "36 left today" is in "136 left today". */
const exactly = (text: string): RegExp => new RegExp(`^${escape(text)}$`);

describe("the kiosk's 'Next batch at' line in Chromium, at kiosk tablet sizes", () => {
  const zone = lateMorningZone(Date.now());
  let hub: Hub;
  let browser: Browser;
  const pages: Page[] = [];

  beforeAll(async () => {
    const config = path.join(tempDir(), 'store.json');
    writeFileSync(
      config,
      JSON.stringify({
        catalogue: [BUN],
        planner: { enabled: true, closesAt: zone.closesAt, profileDays: 0 },
        timeZone: zone.timeZone,
        // The detail screen stays up while the test works on the hub: no idle return to the menu mid-test.
        kiosk: { maxShareOfRun: 1, idleSeconds: 600 },
      }),
    );
    hub = await startTestHub({ CONFIG: config });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  const open = async (viewport: { width: number; height: number }): Promise<Page> => {
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(LIVE);
    pages.push(page);
    await page.goto(storeUrl(hub.url, '/kiosk'));
    await page.locator('main.kiosk[data-connected="true"]').waitFor();
    return page;
  };
  const card = (page: Page): Locator => page.locator('button.product[data-sku="bun"]');
  /** Waits, bounded, until `locator` reads exactly `text`, then says so in the test's own words. */
  const reads = async (locator: Locator, text: string): Promise<void> => {
    await locator.filter({ hasText: exactly(text) }).waitFor({ timeout: LIVE });
    expect((await locator.textContent())?.trim()).toBe(text);
  };
  const shoot = (page: Page, name: string) => page.screenshot({ path: `/tmp/kiosk-next-batch-${name}.png` });
  /** The card's text sizes, in CSS pixels, as a customer a step away reads them. */
  const fontSize = (locator: Locator): Promise<number> => locator.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  /** The line sits right under the count it explains: below it, no more than 24 px between them. */
  const underCount = async (within: Locator): Promise<void> => {
    const left = (await within.locator('.left').boundingBox())!;
    const next = (await within.locator('.next-batch').boundingBox())!;
    expect(next.y - (left.y + left.height)).toBeGreaterThanOrEqual(-1);
    expect(next.y - (left.y + left.height)).toBeLessThanOrEqual(24);
  };
  /** How many lines an element's text takes. */
  const lines = (locator: Locator): Promise<number> =>
    locator.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });

  it('says how many buns production can still make today, and when the next tray comes out, live', { timeout: 120_000 }, async () => {
    // The oven reports idle, no runs: 3 trays fit until closing.
    expect((await post(`${hub.url}/api/machines`, { id: 'oven-1', kind: 'oven', state: 'idle', updatedAt: Date.now() })).status).toBe(200);
    const before = BUN.runSize * traysUntil(zone.closing, Date.now());
    expect(before).toBe(36);

    const portrait = await open(PORTRAIT);
    const landscape = await open(LANDSCAPE);
    for (const page of [portrait, landscape]) {
      await reads(card(page).locator('.left'), `${before} left today`);
      expect(await card(page).locator('.next-batch').count()).toBe(0);
      expect(await card(page).textContent()).not.toContain('Next batch');
    }
    await shoot(portrait, 'portrait-before');
    await shoot(landscape, 'landscape-before');

    // Staff put a tray of 12 in. Nothing is on the shelf, so the kiosks say when it comes out, on the store's clock.
    const made = await post(`${hub.url}/api/runs`, { sku: 'bun', qty: BUN.runSize });
    expect(made.status).toBe(201);
    const run = (made.json as { data: { run: Run } }).data.run;
    const started = await post(`${hub.url}/api/runs/${run.id}/start`, { machine: 'oven-1' });
    expect(started.status).toBe(200);
    const endsAt = (started.json as { data: { run: Run } }).data.run.endsAt!;
    expect(endsAt).toBeGreaterThan(Date.now());
    // What storeClock(endsAt, 'en', timeZone) gives: "10:48 AM" (12-hour in English, two-digit hour).
    const time = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', timeZone: zone.timeZone }).format(endsAt);
    const line = `Next batch at ${time}`;
    // 12 in the oven and the trays that fit after it: still 36.
    const during = BUN.runSize + BUN.runSize * traysUntil(zone.closing, endsAt);
    expect(during).toBe(36);

    // No reload: the socket brings it.
    const loads = pages.map((page) => {
      let n = 0;
      page.on('load', () => n++);
      return () => n;
    });
    for (const page of [portrait, landscape]) {
      await reads(card(page).locator('.next-batch'), line);
      await reads(card(page).locator('.left'), `${during} left today`);
      // Read from a step away: no smaller than 20 px, and right under "N left today", not beside it.
      expect(await fontSize(card(page).locator('.next-batch'))).toBeGreaterThanOrEqual(20);
      await underCount(card(page));
      // One line: the time never wraps away from "Next batch at".
      expect(await lines(card(page).locator('.next-batch'))).toBe(1);
    }
    await shoot(portrait, 'portrait-next');
    await shoot(landscape, 'landscape-next');

    // The product's own screen says it too.
    await card(portrait).click();
    await portrait.getByRole('heading', { name: 'Bun', exact: true }).waitFor();
    const detail = portrait.locator('section.choose');
    await reads(detail.locator('.next-batch'), line);
    await reads(detail.locator('.left'), `${during} left today`);
    expect(await fontSize(detail.locator('.next-batch'))).toBeGreaterThanOrEqual(20);
    await underCount(detail);
    await shoot(portrait, 'portrait-detail');
    expect(loads.map((n) => n())).toEqual([0, 0]);

    // Out of the oven: 12 on the shelf, nothing to wait for; 12 made and the oven free for the trays until closing.
    expect((await post(`${hub.url}/api/runs/${run.id}/finish`, { produced: BUN.runSize, wasted: 0 })).status).toBe(200);
    const after = BUN.runSize + BUN.runSize * traysUntil(zone.closing, Date.now());
    expect(after).toBe(48);
    await reads(detail.locator('.left'), `${after} left today`);
    await detail.locator('.next-batch').waitFor({ state: 'detached', timeout: LIVE });
    await reads(card(landscape).locator('.left'), `${after} left today`);
    await card(landscape).locator('.next-batch').waitFor({ state: 'detached', timeout: LIVE });
    await shoot(landscape, 'landscape-after');
    await portrait.getByRole('button', { name: 'Back to the menu' }).click();
    await reads(card(portrait).locator('.left'), `${after} left today`);
    expect(await card(portrait).locator('.next-batch').count()).toBe(0);
    await shoot(portrait, 'portrait-after');
    expect(loads.map((n) => n())).toEqual([0, 0]);
  });
});
