import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { en } from '../shared/text/locales/en.js';
import { launchChromium, storeUrl } from './helpers/browser.js';
import { FakeObs } from './helpers/fake-obs.js';
import { machine, order } from './helpers/fixtures.js';
import { TEST_PIN, TEST_TOKEN, post, startTestHub, tempDir } from './helpers/hub.js';

/**
 * The pages speak only the store's catalogue: with a pseudo-locale that wraps every message in ⟦…⟧, no
 * visible text is left unwrapped but the store's own data; with Swedish they speak Swedish; with a
 * right-to-left locale they mirror. Each hub here has the config a store would write.
 */

const TABLET = { width: 1180, height: 820 };
const PHONE = { width: 390, height: 844 };
const TV = { width: 1920, height: 1080 };
const STORE = 'Pop Shop';
const MENU = [
  {
    sku: 'bun',
    name: 'Cardamom bun',
    description: 'Baked here',
    runSize: 12,
    runQuantity: 120,
    variants: [
      { id: 'vegan', name: 'Vegan' },
      { id: 'classic', name: 'Classic' },
    ],
  },
  { sku: 'tote', name: 'Printed tote', runSize: 6, runQuantity: 30 },
];
/** The store's own words on every page: never wrapped, never translated. */
const STORE_DATA = [STORE, 'Cardamom bun', 'Baked here', 'Vegan', 'Classic', 'Printed tote', 'Oven Two', 'Oven One', 'Board', 'Oven Cam', 'Sam', 'Ana'];

/** The pseudo-locale: every catalogue message as English wrapped in ⟦…⟧, so any unwrapped word was not from the catalogue. */
const PSEUDO = Object.fromEntries(Object.entries(en).map(([key, message]) => [key, `⟦${message}⟧`]));

function hubWith(store: Record<string, unknown>, env: Record<string, string> = {}): Promise<Hub> {
  const config = path.join(tempDir(), 'store.json');
  writeFileSync(config, JSON.stringify({ storeName: STORE, catalogue: MENU, ...store }));
  return startTestHub({ CONFIG: config, ...env });
}

/**
 * Every visible text node, placeholder, aria-label and alt of the page, and its title, that still has a
 * letter once the wrapped messages and the store's data are taken out.
 */
function unwrapped(page: Page, data: string[]): Promise<string[]> {
  return page.evaluate((data) => {
    const longestFirst = [...data].sort((a, b) => b.length - a.length);
    const strip = (text: string): string => {
      let s = text;
      for (let before = ''; before !== s;) {
        before = s;
        s = s.replace(/⟦[^⟦⟧]*⟧/g, '');
      }
      for (const d of longestFirst) s = s.split(d).join('');
      return s;
    };
    const out: string[] = [];
    const check = (text: string, where: string) => {
      if (/\p{L}/u.test(strip(text))) out.push(`${where}: ${text.trim()}`);
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !node.textContent?.trim() || !el.checkVisibility({ visibilityProperty: true })) continue;
      check(node.textContent, el.tagName.toLowerCase());
    }
    for (const el of document.querySelectorAll('[placeholder], [aria-label], [alt]')) {
      for (const name of ['placeholder', 'aria-label', 'alt']) {
        const value = el.getAttribute(name);
        if (value) check(value, `${el.tagName.toLowerCase()}[${name}]`);
      }
    }
    check(document.title, 'title');
    return out;
  }, data);
}

async function logIn(page: Page, pin: string): Promise<void> {
  for (const digit of pin) await page.getByRole('button', { name: digit, exact: true }).click();
  await page.locator('form.login button[type="submit"].wide').click();
}

describe('the pages in the store’s words, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(hub: Hub, route: string, viewport = TABLET): Promise<Page> {
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(10_000);
    await page.goto(storeUrl(hub.url, route));
    return page;
  }

  it(
    'leaves no word outside the catalogue on any page: board, kiosk through an order, tracker, login, wrong PIN, console with figures, an alert and a 409',
    { timeout: 90_000 },
    async () => {
      const obs = await FakeObs.start();
      const hub = await hubWith(
        { locale: 'en-GB-x-pseudo', locales: { 'en-GB-x-pseudo': { messages: PSEUDO } }, staff: { maxFailures: 5 } },
        { OBS_URL: obs.url },
      );
      const director = (await (await fetch(`${hub.url}/api/director`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).json()) as {
        data: { scenes: string[]; missingScenes: string[] };
      };
      const data = [...STORE_DATA, ...director.data.scenes, ...director.data.missingScenes];
      const now = Date.now();
      await post(`${hub.url}/api/machines`, machine({ id: 'oven-2', name: 'Oven Two', state: 'running', readings: { tempC: 210, rpm: 30 }, updatedAt: now }));
      await post(`${hub.url}/api/machines`, machine({ id: 'oven-1', name: 'Oven One', state: 'fault', updatedAt: now }));
      const pages: Page[] = [];
      try {
        // The customer's kiosk, through a whole order.
        const kiosk = await open(hub, '/kiosk');
        pages.push(kiosk);
        await kiosk.locator('button.product[data-sku="bun"]').waitFor();
        expect(await unwrapped(kiosk, data), 'kiosk menu').toEqual([]);
        await kiosk.locator('button.product[data-sku="bun"]').click();
        await kiosk.locator('.confirm .why').waitFor();
        expect(await unwrapped(kiosk, data), 'kiosk, choosing').toEqual([]);
        await kiosk.getByRole('button', { name: 'Vegan' }).click();
        await kiosk.locator('.your-name input').fill('Sam');
        await kiosk.locator('button.confirm').click();
        const number = (await kiosk.getByTestId('order-number').textContent())!.trim();
        const link = (await kiosk.locator('.link').textContent())!.trim();
        const withOrder = [...data, number, link];
        expect(await unwrapped(kiosk, withOrder), 'kiosk, order placed').toEqual([]);

        // The board, with the order, a machine running and one resting.
        const board = await open(hub, '/display', TV);
        pages.push(board);
        await board.locator(`.card .number`, { hasText: number }).waitFor();
        await board.locator('[data-machine="oven-1"]').waitFor();
        expect(await unwrapped(board, withOrder), 'board').toEqual([]);

        // The tracker on the customer's phone.
        const phone = await open(hub, `/track/${number}`, PHONE);
        pages.push(phone);
        await phone.locator('main.track[data-status="queued"]').waitFor();
        expect(await unwrapped(phone, withOrder), 'tracker').toEqual([]);

        // The staff login, a wrong PIN, then the console.
        const staff = await open(hub, '/staff');
        pages.push(staff);
        await staff.locator('form.login').waitFor();
        expect(await unwrapped(staff, withOrder), 'login').toEqual([]);
        await staff.locator('form.login input').first().fill('Ana');
        await logIn(staff, '999999');
        await staff.getByRole('alert').waitFor();
        expect(await staff.getByRole('alert').textContent()).toContain('⟦Wrong PIN. 4 tries left.⟧');
        expect(await unwrapped(staff, withOrder), 'wrong PIN').toEqual([]);
        await logIn(staff, TEST_PIN);
        await staff.locator('.console[data-connected="true"]').waitFor();
        await staff.locator('#today .tiles').waitFor();
        await staff.locator('#today .alert').first().waitFor({ timeout: 15_000 });
        await staff.locator('.scenes .modes').waitFor();

        // A 409: another console moves the order while this tap is on its way.
        const placed = [...hub.board.orders()].find((o) => o.number === number)!;
        await staff.route(`**/api/staff/orders/${placed.id}/advance`, async (route) => {
          await fetch(`${hub.url}/api/staff/orders/${placed.id}/advance`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
            body: JSON.stringify({ from: 'queued' }),
          });
          await route.continue();
        });
        const row = staff.locator(`article.order[data-order="${placed.id}"]`);
        await row.locator('button.advance').click();
        await staff.locator('.tray .toast').first().waitFor();
        await row.locator('.status.answer').waitFor();
        expect(await unwrapped(staff, withOrder), 'console with a 409').toEqual([]);
        expect(await staff.locator('#today .alert').count()).toBeGreaterThan(0);
      } finally {
        for (const page of pages) await page.close();
        await hub.close();
        await obs.close();
      }
    },
  );

  it.each([
    ['en', 'Wrong PIN. 2 tries left.', 'Wrong PIN. 1 try left.'],
    ['sv', 'Fel PIN-kod. 2 försök kvar.', 'Fel PIN-kod. 1 försök kvar.'],
    ['de', 'Falsche PIN. Noch 2 Versuche.', 'Falsche PIN. Noch 1 Versuch.'],
  ])('words a wrong PIN in %s with the tries left in the right plural', { timeout: 30_000 }, async (locale, two, one) => {
    const hub = await hubWith({ locale, staff: { maxFailures: 3 } });
    const page = await open(hub, '/staff');
    try {
      await page.locator('form.login').waitFor();
      await logIn(page, '999999');
      await page.getByRole('alert').filter({ hasText: two }).waitFor();
      await logIn(page, '999998');
      await page.getByRole('alert').filter({ hasText: one }).waitFor();
    } finally {
      await page.close();
      await hub.close();
    }
  });

  it('speaks Swedish on the kiosk, the tracker and the console with locale "sv", and lang and title follow', { timeout: 60_000 }, async () => {
    const hub = await hubWith({ locale: 'sv' });
    const pages: Page[] = [];
    try {
      const kiosk = await open(hub, '/kiosk');
      pages.push(kiosk);
      await kiosk.getByRole('heading', { name: 'Vad får det lov att vara?' }).waitFor();
      expect(await kiosk.locator('button.product[data-sku="tote"] .left').textContent()).toBe('30 kvar i dag');
      expect(await kiosk.evaluate(() => [document.documentElement.lang, document.documentElement.dir, document.title])).toEqual([
        'sv',
        'ltr',
        `Beställ här — ${STORE}`,
      ]);
      await kiosk.locator('button.product[data-sku="tote"]').click();
      await kiosk.getByRole('button', { name: 'Beställ 1 × Printed tote' }).click();
      const number = (await kiosk.getByTestId('order-number').textContent())!.trim();
      await kiosk.getByText('Ditt ordernummer').waitFor();

      const phone = await open(hub, `/track/${number}`, PHONE);
      pages.push(phone);
      await phone.getByText('Mottagen').waitFor();
      await phone.getByText('Beställning', { exact: true }).waitFor();
      expect(await phone.evaluate(() => [document.documentElement.lang, document.title])).toEqual(['sv', `Beställning ${number} · Mottagen`]);

      const staff = await open(hub, '/staff');
      pages.push(staff);
      await staff.getByRole('heading', { name: 'Personal' }).waitFor();
      expect(await staff.evaluate(() => [document.documentElement.lang, document.title])).toEqual(['sv', `Personal — ${STORE}`]);
      await logIn(staff, TEST_PIN);
      await staff.getByRole('heading', { name: /^Väntar/ }).waitFor();
      await staff.getByRole('button', { name: 'Logga ut' }).waitFor();
      await staff.locator(`article.order[data-number="${number}"] .status`, { hasText: 'I kö' }).waitFor();

      const board = await open(hub, '/display', TV);
      pages.push(board);
      await board.getByRole('heading', { name: /Klart att hämta/ }).waitFor();
      expect(await board.evaluate(() => [document.documentElement.lang, document.title])).toEqual(['sv', `Klart att hämta — ${STORE}`]);
    } finally {
      for (const page of pages) await page.close();
      await hub.close();
    }
  });

  it(
    'lays every page out right to left for a locale with dir "rtl": the board’s Ready column on the left, text aligned right, nothing overlapping',
    { timeout: 60_000 },
    async () => {
      const hub = await hubWith({
        locale: 'he',
        locales: { he: { dir: 'rtl', messages: { 'board.preparing': 'בהכנה', 'board.ready': 'מוכן לאיסוף', 'kiosk.menuTitle': 'מה תרצו?' } } },
      });
      const pages: Page[] = [];
      try {
        const now = Date.now();
        for (let i = 0; i < 8; i++)
          await post(
            `${hub.url}/api/orders`,
            order({ id: `o-${i}`, number: String(100 + i), name: `Guest ${i}`, status: i % 2 ? 'ready' : 'queued', updatedAt: now + i }),
          );

        const board = await open(hub, '/display', TV);
        pages.push(board);
        await board.locator('section.column.ready .card').nth(3).waitFor();
        const layout = await board.evaluate(async () => {
          await document.fonts.ready;
          const box = (el: Element) => el.getBoundingClientRect();
          const textBox = (el: Element) => {
            const range = document.createRange();
            range.selectNodeContents(el);
            return range.getBoundingClientRect();
          };
          const heading = document.querySelector('section.column.ready h2')!;
          return {
            dir: document.documentElement.dir,
            lang: document.documentElement.lang,
            ready: box(document.querySelector('section.column.ready')!).toJSON() as DOMRect,
            preparing: box(document.querySelector('section.column.preparing')!).toJSON() as DOMRect,
            headingText: textBox(heading).toJSON() as DOMRect,
            cards: [...document.querySelectorAll('.card')].map((c) => box(c).toJSON() as DOMRect),
            brand: box(document.querySelector('.brand h1')!).toJSON() as DOMRect,
            clock: box(document.querySelector('.clock')!).toJSON() as DOMRect,
          };
        });
        expect([layout.dir, layout.lang]).toEqual(['rtl', 'he']);
        // Mirrored: Ready on the left, Preparing on the right; the store's name on the right, the clock on the left.
        expect(layout.ready.right).toBeLessThanOrEqual(layout.preparing.left);
        expect(layout.clock.right).toBeLessThanOrEqual(layout.brand.left);
        // The column's heading sits at its right edge.
        expect(layout.ready.right - layout.headingText.right).toBeLessThan(layout.headingText.left - layout.ready.left);
        for (const [i, a] of layout.cards.entries()) {
          for (const b of layout.cards.slice(i + 1)) {
            expect(a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height, 'cards overlap').toBe(false);
          }
        }

        const kiosk = await open(hub, '/kiosk');
        pages.push(kiosk);
        await kiosk.getByRole('heading', { name: 'מה תרצו?' }).waitFor();
        const kioskLayout = await kiosk.evaluate(async () => {
          // Measured in the page's own font: a wider fallback face may wrap a name to the card's full width.
          await document.fonts.ready;
          const product = document.querySelector('button.product')!;
          const name = document.createRange();
          name.selectNodeContents(product.querySelector('.pname')!);
          return {
            dir: document.documentElement.dir,
            product: product.getBoundingClientRect().toJSON() as DOMRect,
            name: name.getBoundingClientRect().toJSON() as DOMRect,
            heading: (() => {
              const range = document.createRange();
              range.selectNodeContents(document.querySelector('.menu h2')!);
              return range.getBoundingClientRect().toJSON() as DOMRect;
            })(),
            main: document.querySelector('main')!.getBoundingClientRect().toJSON() as DOMRect,
          };
        });
        expect(kioskLayout.dir).toBe('rtl');
        // A product's name starts at the card's right edge; the menu's heading at the page's right.
        expect(kioskLayout.product.right - kioskLayout.name.right).toBeLessThan(kioskLayout.name.left - kioskLayout.product.left);
        expect(kioskLayout.main.right - kioskLayout.heading.right).toBeLessThan(kioskLayout.heading.left - kioskLayout.main.left);

        const phone = await open(hub, '/track/101', PHONE);
        pages.push(phone);
        await phone.locator('main.track[data-status="ready"]').waitFor();
        expect(await phone.evaluate(() => document.documentElement.dir)).toBe('rtl');

        const staff = await open(hub, '/staff');
        pages.push(staff);
        await staff.locator('form.login').waitFor();
        await logIn(staff, TEST_PIN);
        await staff.locator('.console[data-connected="true"]').waitFor();
        await staff.locator('article.order').first().waitFor();
        const consoleLayout = await staff.evaluate(() => ({
          dir: document.documentElement.dir,
          queue: document.querySelector('section.queue')!.getBoundingClientRect().toJSON() as DOMRect,
          aside: document.querySelector('.body > aside')!.getBoundingClientRect().toJSON() as DOMRect,
          rows: [...document.querySelectorAll('article.order')].map((r) => r.getBoundingClientRect().toJSON() as DOMRect),
        }));
        expect(consoleLayout.dir).toBe('rtl');
        // The queue, first in reading order, is on the right.
        expect(consoleLayout.aside.right).toBeLessThanOrEqual(consoleLayout.queue.left);
        for (const [i, a] of consoleLayout.rows.entries()) {
          for (const b of consoleLayout.rows.slice(i + 1)) {
            expect(a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height, 'rows overlap').toBe(false);
          }
        }
      } finally {
        for (const page of pages) await page.close();
        await hub.close();
      }
    },
  );
});
