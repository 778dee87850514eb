import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { TONES } from '../kiosk/src/report/chart-tones.js';
import type { PilotReport } from '../shared/report.js';
import { dayStartOf, storeDay } from '../shared/store-time.js';
import { axeViolations, describeViolations } from './helpers/axe.js';
import { launchChromium, openConsole, storeUrl } from './helpers/browser.js';
import { post, startTestHub, tempDir, TEST_PIN, TEST_TOKEN } from './helpers/hub.js';
import { generatePilot } from './helpers/pilot-generator.js';

const SHOTS = path.resolve(import.meta.dirname, '../test-results/screenshots');
const SECRET = 'till-secret-0123456789';
const HOUR = 3_600_000;

/** A staff tablet of its own on /report, logged in through the shared staff login, once the first report is drawn. */
async function openReport(browser: Browser, hubUrl: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, hasTouch: true });
  page.setDefaultTimeout(30_000);
  await page.goto(storeUrl(hubUrl, '/report'));
  await page.getByPlaceholder('e.g. Ana').fill('Ana');
  for (const digit of TEST_PIN) await page.getByRole('button', { name: digit, exact: true }).click();
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('[data-says="conversion"]').waitFor();
  return page;
}

/** Pixels of the report's charts drawn in one of the screen inks, and in one of the paper inks (kiosk/src/report/chart-tones.ts). */
async function chartInks(page: Page): Promise<{ screen: number; paper: number }> {
  const inks = Object.values(TONES);
  return page.evaluate(
    ({ screen, paper }) => {
      const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const near = (data: Uint8ClampedArray, i: number, c: number[]) => c.every((v, k) => Math.abs(data[i + k]! - v) <= 6);
      const count = { screen: 0, paper: 0 };
      for (const canvas of document.querySelectorAll<HTMLCanvasElement>('[data-figure] canvas')) {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! < 200) continue;
          if (screen.some((c) => near(data, i, rgb(c)))) count.screen++;
          else if (paper.some((c) => near(data, i, rgb(c)))) count.paper++;
        }
      }
      return count;
    },
    { screen: inks.map((t) => t.screen), paper: inks.map((t) => t.paper) },
  );
}

const says = (page: Page, figure: string) => page.locator(`[data-says="${figure}"]`).innerText();

/** Chooses a range and waits for its report: the range's button pressed and the page no longer busy. */
async function choose(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await page.getByRole('button', { name, exact: true, pressed: true }).waitFor();
  await page.locator('main.report[aria-busy="false"]').waitFor();
}

/**
 * A small day fed through the real doors (REST footfall, orders, social; a signed webhook sale), and the evening
 * before as the pilot's baseline. The store's zone is picked so that the hour of the day's events and the evening
 * before both lie within the day a record may arrive late (docs/protocol.md, "How it reads the log").
 */
describe('/report on a small log fed through the doors', () => {
  let hub: Hub;
  let browser: Browser;
  let page: Page;
  /** The hour of the day's events. */
  let t0: number;

  beforeAll(async () => {
    const utcHour = new Date().getUTCHours();
    const timeZone = utcHour >= 2 && utcHour < 20 ? 'UTC' : 'Etc/GMT+6';
    // The hour of the day's events: the one 20 minutes ago began, so every event is in the past and in one hour.
    t0 = Math.floor((Date.now() - 20 * 60_000) / HOUR) * HOUR;
    const today = storeDay(t0, timeZone);
    const eve = dayStartOf(today, timeZone) - 30 * 60_000;
    const yesterday = storeDay(eve, timeZone);
    const file = path.join(tempDir(), 'store.json');
    const catalogue = [{ sku: 'bun', name: 'Cardamom bun', runSize: 12, runQuantity: 120 }];
    const till = { scheme: 'hmac-sha256', secret: SECRET, header: 'X-Sig', mapping: "{ 'sale': { 'id': id, 'items': items, 'placedAt': placedAt } }" };
    const pilot = { name: 'Spring pop-up', from: today, to: today, baseline: { from: yesterday, to: yesterday }, floorAreaM2: 40 };
    writeFileSync(file, JSON.stringify({ timeZone, storeName: 'Kanelbulle Pop-Up', catalogue, webhooks: { till }, pilot }));
    hub = await startTestHub({ CONFIG: file });
    const api = (route: string, body: unknown) => post(`${hub.url}/api/${route}`, body).then((r) => expect(r.status, route).toBe(200));
    const sale = async (id: string, items: { sku: string; qty: number }[], placedAt: number) => {
      const body = JSON.stringify({ id, items, placedAt });
      const signature = createHmac('sha256', SECRET).update(body).digest('hex');
      const res = await fetch(`${hub.url}/api/hooks/till`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Sig': signature }, body });
      expect(res.status).toBe(200);
    };
    // Baseline evening: 2 walk-ins, 1 order, 2 mugs (not made here).
    await api('footfall', { sensor: 'door', in: 2, out: 2, at: eve });
    await api('orders', { id: 'b1', number: 'B1', items: [{ sku: 'bun', qty: 1 }], status: 'queued', updatedAt: eve + 60_000 });
    await sale('till-0', [{ sku: 'mug', qty: 2 }], eve + 120_000);
    // Pilot day, one hour: 7 walk-ins, 2 orders (both ready, one picked up), 1 clip with 120 views, 2 mugs sold.
    await api('footfall', { sensor: 'door', in: 4, out: 1, at: t0 + 60_000 });
    await api('footfall', { sensor: 'door', in: 3, out: 2, at: t0 + 120_000 });
    for (const [id, status, minute] of [
      ['o1', 'queued', 1],
      ['o2', 'queued', 2],
      ['o1', 'ready', 5],
      ['o2', 'ready', 6],
      ['o1', 'picked_up', 8],
    ] as const) {
      await api('orders', { id, number: id, items: [{ sku: 'bun', qty: 2 }], status, updatedAt: t0 + minute * 60_000 });
    }
    // Cut from one of the store's highlights: the post names it.
    await api('social', { post: 'p1', platform: 'instagram', highlight: 'hl-1', publishedAt: t0 + 3 * 60_000, views: 120, likes: 9 });
    await sale(
      'till-1',
      [
        { sku: 'bun', qty: 2 },
        { sku: 'mug', qty: 2 },
      ],
      t0 + 4 * 60_000,
    );
    browser = await launchChromium();
    page = await openReport(browser, hub.url);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it("says today's figures in words, with the right numbers", async () => {
    await expect.poll(() => page.getByRole('button', { name: 'Today', pressed: true }).count()).toBe(1);
    expect(await page.getByTestId('range').innerText()).toContain('Spring pop-up');
    expect(await says(page, 'conversion')).toBe('2 orders from 7 walk-ins: 29% of the people who came in ordered.');
    expect(await says(page, 'social')).toBe('0 highlights saved and 1 clip published, 120 views per clip.');
    expect(await says(page, 'fromHighlights')).toBe('1 of them names the highlight it was cut from: 120 views.');
    // One day: no interval, so the page claims nothing about the clip's effect.
    expect(await says(page, 'afterClip')).toMatch(
      /^(There are not enough clips yet|In the hour after a clip went out, walk-ins were .* but the data cannot tell)/,
    );
    expect(await says(page, 'throughput')).toBe(
      '0 units made: 0 per square metre in each open hour. 50% of the orders that were ready were picked up the same day.',
    );
    expect(await page.locator('[data-figure="economics"]').innerText()).toContain('An order was usually ready 4 min after it came in');
    // Both orders were ready 4 min after they came in; the one picked up, 7 min after.
    expect(await says(page, 'fulfilment')).toBe('9 orders in 10 were ready within 4 min of coming in, and picked up within 7 min.');
    expect(await page.locator('[data-figure="economics"] canvas').count()).toBe(1);
  });

  it('keeps keyboard focus on the range button pressed, while its report loads and after', async () => {
    const week = page.getByRole('button', { name: 'This week', exact: true });
    await week.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'This week', exact: true, pressed: true }).waitFor();
    await page.locator('main.report[aria-busy="false"]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('This week');
    // Tabbing on goes to the next range, not back to the top of the page.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('The pilot');
  });

  it('compares the pilot with its baseline, and says the data cannot tell with one day each', async () => {
    await choose(page, 'Pilot vs baseline');
    // Walk-ins per open hour 7 against 2 (+250%); adjacent units per walk-in 2/7 against 2/2 (−71%); conversion 2/7 against 1/2 (−43%).
    expect(await says(page, 'vsWalkIns')).toBe(
      'Walk-ins per open hour were 250% higher in the pilot than in the baseline, but the data cannot tell that from chance (too few days to say how sure).',
    );
    expect(await says(page, 'vsAdjacent')).toBe(
      'Sales of products not made here, per walk-in, were 71% lower in the pilot than in the baseline, but the data cannot tell that from chance (too few days to say how sure).',
    );
    expect(await says(page, 'vsConversion')).toBe(
      'Conversion was 43% lower in the pilot than in the baseline, but the data cannot tell that from chance (too few days to say how sure).',
    );
    expect(await says(page, 'conversion')).toBe('3 orders from 9 walk-ins: 33% of the people who came in ordered.');
  });

  it('has no accessibility violations', async () => {
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    // Every control is a finger's size.
    for (const box of await page.locator('nav.controls > *').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) {
      expect(box).toBeGreaterThanOrEqual(48);
    }
  });

  it('is a tap away from the console, on the same login', async () => {
    const console = await openConsole(browser, hub.url);
    await console.getByRole('link', { name: 'Pilot report' }).click();
    await console.locator('[data-says="conversion"]').waitFor();
    expect(new URL(console.url()).pathname).toBe('/report');
    await console.close();
  });

  // Last: it adds orders to the day the tests above read.
  it('does not claim that more than everyone who came in ordered when orders outnumber walk-ins', async () => {
    const at = t0 + 10 * 60_000;
    for (let i = 0; i < 8; i++) {
      const res = await post(`${hub.url}/api/orders`, {
        id: `till-${i}`,
        number: `T${i}`,
        items: [{ sku: 'bun', qty: 1 }],
        status: 'queued',
        updatedAt: at + i,
      });
      expect(res.status).toBe(200);
    }
    await choose(page, 'This week');
    await choose(page, 'Today');
    expect(await says(page, 'conversion')).toBe(
      '10 orders from 7 walk-ins: more orders than people counted at the door (143%), so some orders did not come from walk-ins (the till, phone or online) or the counter missed people.',
    );
  });
});

/** A generated 28-day pilot (14 baseline, 14 pilot days, the planted effects) in the hub's log: the report as a person reads and prints it. */
describe('/report on a generated pilot', () => {
  let hub: Hub;
  let browser: Browser;
  let page: Page;
  let report: PilotReport;
  let pilotDays: { from: string; to: string };
  const timeZone = 'Europe/Stockholm';

  beforeAll(async () => {
    // A fixed first day, as test/report-pilot.test.ts has: the same pilot whatever day the suite runs.
    const { log, pilot, catalogue } = generatePilot({ seed: 21, effects: true, timeZone, firstDay: '2026-11-01' });
    pilotDays = { from: pilot.from, to: pilot.to };
    const dataDir = tempDir();
    await log.writeTo(dataDir);
    const config = path.join(dataDir, 'store.json');
    writeFileSync(config, JSON.stringify({ timeZone, storeName: 'Kanelbulle Pop-Up', catalogue, pilot, eventLog: { keepDays: 3_650 } }));
    hub = await startTestHub({ DATA_DIR: dataDir, CONFIG: config });
    const res = await fetch(`${hub.url}/api/report?compare=baseline`, {
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      signal: AbortSignal.timeout(60_000),
    });
    report = (await res.json()) as PilotReport;
    browser = await launchChromium();
    page = await openReport(browser, hub.url);
    await choose(page, 'Pilot vs baseline');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('says a lift whose interval leaves out zero plainly, with its interval', async () => {
    const uplift = report.walkIns.windowUplift;
    const pct = (r: number, sign = false) =>
      new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0, ...(sign ? { signDisplay: 'exceptZero' as const } : {}) }).format(r);
    expect(uplift.low!).toBeGreaterThan(0);
    expect(await says(page, 'walkIns')).toBe(
      `Walk-ins were ${pct(uplift.estimate!)} higher during live production (95% interval ${pct(uplift.low!, true)} to ${pct(uplift.high!, true)}).`,
    );
    expect(await page.locator('[data-figure] canvas').count()).toBeGreaterThanOrEqual(8);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'report-1280x800.png') });
  });

  it('prints to a clean A4 PDF: no controls, ink on white, the store and the range on top', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav.controls').isVisible()).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
    // A dark colour scheme left on would paint the page's margins dark around the white content.
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('light');
    expect(await page.locator('.head').innerText()).toMatch(/Kanelbulle Pop-Up[\s\S]*Generated pilot · \w+ \d+, \d{4} to \w+ \d+, \d{4}/);
    // The charts are drawn again in the dark inks (a canvas keeps its colours whatever the stylesheet says).
    await expect.poll(() => chartInks(page), { timeout: 10_000 }).toMatchObject({ screen: 0 });
    expect((await chartInks(page)).paper).toBeGreaterThan(1_000);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    await expect.poll(() => chartInks(page), { timeout: 10_000 }).toMatchObject({ paper: 0 });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(1);
    mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, 'report-print.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', file, path.join(SHOTS, 'report-print-page1')], { timeout: 30_000 });
    expect(readFileSync(path.join(SHOTS, 'report-print-page1.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it("shows the pilot's own days, without the comparison", async () => {
    await choose(page, 'The pilot');
    const day = (d: string) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone }).format(dayStartOf(d, timeZone));
    expect(await page.getByTestId('range').innerText()).toBe(`Generated pilot · ${day(pilotDays.from)} to ${day(pilotDays.to)}`);
    expect(await page.locator('[data-figure="comparison"]').count()).toBe(0);
  });
});
