import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Hub } from '../server/hub.js';
import type { Order } from '../shared/schemas/order.js';
import { animationsSettled, launchChromium, storeUrl } from './helpers/browser.js';
import { busyBoard } from './helpers/busy-board.js';
import { machine } from './helpers/fixtures.js';
import { post, startTestHub, tempDir } from './helpers/hub.js';

const FULL_HD = { width: 1920, height: 1080 };
const SHOTS = path.resolve(import.meta.dirname, '../test-results/screenshots');
/** The store a tester tries out first (README): Swedish, with its catalogue's own product names. */
const SAMPLE_STORE = path.resolve(import.meta.dirname, '../docs/sample-store/store.json');
const MIN_FONT = 0.06 * 1080;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A hub with this store config (`display` keys only). */
async function hubWith(display: Record<string, unknown> = {}): Promise<Hub> {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify({ display }));
  return startTestHub({ CONFIG: file });
}

function ready(i: number, over: Partial<Order> = {}): Order {
  // Ready ten minutes ago: not "just ready" on a page opened now.
  return {
    id: `r-${i}`,
    number: String(101 + i),
    ...(i % 3 ? { name: 'Guest' } : {}),
    items: [{ sku: 'bun', qty: 1 }],
    status: 'ready',
    updatedAt: Date.now() - 600_000 + i,
    ...over,
  };
}

async function openDisplay(hub: Hub, before?: (page: Page) => Promise<unknown>): Promise<Page> {
  const page = await browser.newPage({ viewport: FULL_HD });
  await before?.(page);
  await page.goto(storeUrl(hub.url, '/display'));
  await page.waitForSelector('.stage[data-connected="true"]', { timeout: 10_000 });
  return page;
}

interface CardBox {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  numberTop: number;
  font: number;
  fits: boolean;
}

/** The Ready column's cards as drawn, and its grid's box. */
async function readyCards(page: Page): Promise<{ grid: { x: number; y: number; w: number; h: number }; cards: CardBox[]; pager: string | null }> {
  return page.$eval('section.column.ready', (col) => {
    const g = col.querySelector('.grid')!.getBoundingClientRect();
    const cards = [...col.querySelectorAll<HTMLElement>('.card')].map((c) => {
      const r = c.getBoundingClientRect();
      const n = c.querySelector<HTMLElement>('.number')!;
      return {
        id: c.dataset.order!,
        x: r.x,
        y: r.y,
        w: r.width,
        h: r.height,
        numberTop: n.getBoundingClientRect().top - r.top,
        font: parseFloat(getComputedStyle(n).fontSize),
        fits: n.scrollWidth <= n.clientWidth + 1,
      };
    });
    return { grid: { x: g.x, y: g.y, w: g.width, h: g.height }, cards, pager: col.querySelector('.pager')?.textContent ?? null };
  });
}

describe('the Ready column for a crowd, at 1920×1080', () => {
  it('shows 22 ready orders at once, one with an 8-character number, whose card alone is wider; cards with and without a name line up', async () => {
    const hub = await hubWith();
    try {
      const orders = Array.from({ length: 22 }, (_, i) => ready(i, i === 5 ? { number: 'AB123456' } : {}));
      for (const o of orders) await post(`${hub.url}/api/orders`, o);
      const page = await openDisplay(hub);
      await page.locator('section.column.ready .card').nth(21).waitFor();
      await animationsSettled(page);
      const { grid, cards, pager } = await readyCards(page);
      expect(pager).toBeNull();
      expect(cards.map((c) => c.id).sort()).toEqual(orders.map((o) => o.id).sort());
      for (const c of cards) {
        expect(c.font, c.id).toBeGreaterThanOrEqual(MIN_FONT - 0.01);
        expect(c.fits, c.id).toBe(true);
        expect(c.x).toBeGreaterThanOrEqual(grid.x - 0.5);
        expect(c.x + c.w).toBeLessThanOrEqual(grid.x + grid.w + 0.5);
        expect(c.y + c.h).toBeLessThanOrEqual(grid.y + grid.h + 0.5);
      }
      const widths = cards.map((c) => Math.round(c.w));
      const long = cards.find((c) => c.id === 'r-5')!;
      expect(widths.filter((w) => w === Math.round(long.w))).toHaveLength(1);
      expect(new Set(widths.filter((w) => w !== Math.round(long.w))).size).toBe(1);
      // Every card's number sits at the same height in its card, name or no name.
      expect(new Set(cards.map((c) => Math.round(c.numberTop))).size).toBe(1);
      await page.close();
    } finally {
      await hub.close();
    }
  });

  it('pages 40 ready orders over two balanced pages of 20, every order on one of them', async () => {
    const hub = await hubWith();
    try {
      const orders = Array.from({ length: 40 }, (_, i) => ready(i));
      for (const o of orders) await post(`${hub.url}/api/orders`, o);
      const page = await openDisplay(hub, (p) => p.clock.install());
      await page.locator('section.column.ready .pager').waitFor();
      // Stopped just after a page turn (PAGE_MS in OrderColumn.svelte: every 8 s), so only runFor turns the next.
      const now = await page.evaluate(() => Date.now());
      await page.clock.pauseAt(Math.ceil((now + 1_000) / 8_000) * 8_000 + 100);
      await animationsSettled(page);
      const first = await readyCards(page);
      expect(first.pager).toMatch(/^\d \/ 2$/);
      expect(first.cards).toHaveLength(20);
      await page.clock.runFor(8_000);
      await expect.poll(async () => (await readyCards(page)).pager, { timeout: 5_000 }).not.toBe(first.pager);
      await animationsSettled(page);
      const second = await readyCards(page);
      expect(second.cards).toHaveLength(20);
      expect([...first.cards, ...second.cards].map((c) => c.id).sort()).toEqual(orders.map((o) => o.id).sort());
      await page.close();
    } finally {
      await hub.close();
    }
  });

  it('marks an order that has just turned ready for display.justReadySeconds, first in its column', async () => {
    const hub = await hubWith({ justReadySeconds: 30 });
    try {
      for (let i = 0; i < 6; i++) await post(`${hub.url}/api/orders`, ready(i));
      const late: Order = { id: 'late', number: '999', name: 'Noor', items: [{ sku: 'bun', qty: 1 }], status: 'in_production', updatedAt: Date.now() };
      await post(`${hub.url}/api/orders`, late);
      const page = await openDisplay(hub, (p) => p.clock.install());
      await page.locator('[data-order="late"]').waitFor();
      expect(await page.locator('[data-just-ready]').count()).toBe(0);

      const turned = await page.evaluate(() => Date.now());
      await post(`${hub.url}/api/orders`, { ...late, status: 'ready', updatedAt: late.updatedAt + 1 });
      const card = page.locator('section.column.ready [data-order="late"][data-just-ready]');
      await card.waitFor({ timeout: 5_000 });
      // The screen's clock stands still from here (the board applies changes on animation frames, so only
      // once the card is there): the page saw the order turn ready between `turned` and `seen`.
      const seen = await page.evaluate(() => Date.now());
      const paused = seen + 500;
      await page.clock.pauseAt(paused);
      await animationsSettled(page);
      expect(await card.locator('.tag').textContent()).toContain('Just ready');
      // Where eyes look first: the top-left card of the Ready column, though 999 sorts last by number.
      const { cards } = await readyCards(page);
      const topLeft = [...cards].sort((a, b) => a.y - b.y || a.x - b.x)[0]!;
      expect(topLeft.id).toBe('late');
      expect(await page.locator('[data-just-ready]').count()).toBe(1);

      await page.clock.runFor(turned + 29_000 - paused);
      expect(await card.count()).toBe(1);
      await page.clock.runFor(seen - turned + 2_000);
      await card.waitFor({ state: 'detached', timeout: 5_000 });
      expect(await page.locator('section.column.ready [data-order="late"] .tag').textContent()).toContain('Ready');
      await page.close();
    } finally {
      await hub.close();
    }
  });
});

describe('the ready chime on a player started as docs/screens.md says', () => {
  it('runs its AudioContext with --autoplay-policy=no-user-gesture-required, untouched, and schedules a sound when an order turns ready', async () => {
    const hub = await hubWith({ chime: true });
    try {
      const o: Order = { id: 'chime-1', number: '321', items: [{ sku: 'bun', qty: 1 }], status: 'in_production', updatedAt: Date.now() };
      await post(`${hub.url}/api/orders`, o);
      // Records every sound the page schedules, with its context's state and clock at that moment.
      const page = await openDisplay(hub, (p) =>
        p.addInitScript(() => {
          const w = window as unknown as { scheduled: { when: number; state: string; now: number }[] };
          w.scheduled = [];
          const proto = AudioScheduledSourceNode.prototype;
          const start = Object.getOwnPropertyDescriptor(proto, 'start')!.value as (this: AudioScheduledSourceNode, when?: number) => void;
          proto.start = function (this: AudioScheduledSourceNode, when?: number) {
            w.scheduled.push({ when: when ?? 0, state: this.context.state, now: this.context.currentTime });
            start.call(this, when);
          };
        }),
      );
      // Nobody touches the screen: the chime's output runs from the start.
      await page.waitForSelector('.stage[data-chime="running"]', { timeout: 5_000 });
      await page.locator('[data-order="chime-1"]').waitFor();
      expect(await page.evaluate(() => (window as unknown as { scheduled: unknown[] }).scheduled)).toEqual([]);

      await post(`${hub.url}/api/orders`, { ...o, status: 'ready', updatedAt: o.updatedAt + 1 });
      await page.waitForFunction(() => (window as unknown as { scheduled: unknown[] }).scheduled.length >= 2, undefined, { timeout: 5_000 });
      const scheduled = await page.evaluate(() => (window as unknown as { scheduled: { when: number; state: string; now: number }[] }).scheduled);
      for (const s of scheduled) {
        expect(s.state).toBe('running');
        expect(s.when).toBeGreaterThanOrEqual(s.now);
      }
      await page.close();
    } finally {
      await hub.close();
    }
  });
});

describe('machines on the public board', () => {
  it('show a fault calmly, in customer words from the config, without the alarm colour or a pulse', async () => {
    const hub = await hubWith();
    try {
      await post(`${hub.url}/api/machines`, machine({ id: 'oven-1', name: 'Stone oven', state: 'fault', updatedAt: Date.now() }));
      const page = await openDisplay(hub);
      const fault = page.locator('.machine[data-machine="oven-1"][data-state="fault"]');
      await fault.waitFor();
      expect(await fault.locator('.state').textContent()).toMatch(/^\W*Oven resting — back soon\s*$/);
      expect(await fault.textContent()).not.toMatch(/fault/i);
      const look = await fault.evaluate((el) => ({
        background: getComputedStyle(el).backgroundColor,
        animations: el.getAnimations().length,
        state: getComputedStyle(el.querySelector('.state')!).color,
      }));
      const red = 'rgb(255, 90, 79)'; // theme.fault
      expect(look.animations).toBe(0);
      expect(look.background).not.toBe(red);
      expect(look.state).not.toBe(red);
      await page.close();
    } finally {
      await hub.close();
    }
  });

  it('take their words and their detail from display.machines: calm leaves out readings, hidden leaves out the strip', async () => {
    for (const [machines, strip, readings] of [
      ['calm', 1, 0],
      ['hidden', 0, 0],
    ] as const) {
      const hub = await hubWith({ machines, labels: { machineResting: 'Ugnen vilar — strax tillbaka' } });
      try {
        await post(`${hub.url}/api/machines`, machine({ id: 'oven-1', state: 'fault', readings: { tempC: 41 }, updatedAt: Date.now() }));
        await post(`${hub.url}/api/orders`, ready(1));
        const page = await openDisplay(hub);
        await page.locator('[data-order="r-1"]').waitFor();
        expect(await page.locator('.strip').count(), machines).toBe(strip);
        expect(await page.getByText('41 °C').count(), machines).toBe(readings);
        if (strip) expect(await page.locator('.machine .state').textContent()).toContain('Ugnen vilar — strax tillbaka');
        await page.close();
      } finally {
        await hub.close();
      }
    }
  });

  it("name a machine's batch by the catalogue's product name, in the store's words, then by the machine's label, then by its SKU", async () => {
    const hub = await startTestHub({ CONFIG: SAMPLE_STORE });
    try {
      const now = Date.now();
      const batch = (sku: string, label?: string) => ({ sku, ...(label ? { label } : {}), qty: 12, startedAt: now, endsAt: now + 20 * 60_000 });
      for (const m of [
        // No label: the tester's oven, that read "cardamom-bun ×12" on a Swedish board.
        machine({ id: 'oven-1', name: 'Ugn 1', batch: batch('cardamom-bun'), updatedAt: now }),
        // The catalogue's words beat the firmware's English.
        machine({ id: 'printer-1', name: 'Skrivare', kind: 'printer', batch: batch('tote-print', 'Tote bag'), updatedAt: now }),
        machine({ id: 'oven-2', name: 'Ugn 2', batch: batch('lussekatt', 'Lussekatt'), updatedAt: now }),
        // Neither in the catalogue nor labelled; `constructor` is no product, whatever Object's prototype says.
        machine({ id: 'oven-3', name: 'Ugn 3', batch: batch('constructor'), updatedAt: now }),
      ])
        expect((await post(`${hub.url}/api/machines`, m)).status).toBe(200);
      const page = await openDisplay(hub);
      await page.locator('[data-machine="oven-3"] .batch').waitFor();
      const batches = await page.$$eval('.machine', (els) => els.map((el) => [el.getAttribute('data-machine'), el.querySelector('.batch')?.textContent]));
      expect(batches).toEqual([
        ['oven-1', 'Kardemummabulle ×12'],
        ['oven-2', 'Lussekatt ×12'],
        ['oven-3', 'constructor ×12'],
        ['printer-1', 'Tryckt tygkasse ×12'],
      ]);
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'display-strip-product-names-sv-1920.png') });
      await page.close();
    } finally {
      await hub.close();
    }
  });

  it.each([
    ['en', ['Oven resting — back soon', 'Finishing station resting — back soon', 'Printer resting — back soon', 'Machine resting — back soon']],
    [
      'sv',
      [
        'Ugnen vilar — snart igång igen',
        'Efterbehandlingen vilar — snart igång igen',
        'Skrivaren vilar — snart igång igen',
        'Maskinen vilar — snart igång igen',
      ],
    ],
    [
      'de',
      [
        'Der Ofen macht Pause — gleich geht’s weiter',
        'Die Nachbearbeitung macht Pause — gleich geht’s weiter',
        'Der Drucker macht Pause — gleich geht’s weiter',
        'Die Maschine macht Pause — gleich geht’s weiter',
      ],
    ],
  ])('say in %s which kind of machine is resting, not "oven" for every one, and keep the words inside its card', async (locale, words) => {
    const file = path.join(tempDir(), 'store.json');
    writeFileSync(file, JSON.stringify({ locale }));
    const hub = await startTestHub({ CONFIG: file });
    try {
      const kinds = ['oven', 'finishing', 'printer', 'other'] as const;
      for (const [i, kind] of kinds.entries())
        await post(`${hub.url}/api/machines`, machine({ id: `m-${i}`, name: `Station ${i + 1}`, kind, state: 'fault', updatedAt: Date.now() }));
      const page = await openDisplay(hub);
      await page.locator('.machine[data-machine="m-3"][data-state="fault"]').waitFor();
      await page.evaluate(() => document.fonts.ready);
      const shown = await page.$$eval('.machine', (els) =>
        els.map((el) => {
          const card = el.getBoundingClientRect();
          const state = el.querySelector('.state')!;
          const range = document.createRange();
          range.selectNodeContents(state);
          const text = range.getBoundingClientRect();
          return {
            words: state.textContent.replace(/^\W+/, '').trim(),
            inside: text.left >= card.left && text.right <= card.right && text.bottom <= card.bottom,
          };
        }),
      );
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, `display-strip-resting-${locale}-1920.png`) });
      expect(shown.map((s) => s.words)).toEqual(words);
      expect(shown.map((s) => s.inside)).toEqual(words.map(() => true));
      await page.close();
    } finally {
      await hub.close();
    }
  });

  it("say which machine is resting in the store's own words, by its kind or its name, as the sample store's do", async () => {
    const hub = await startTestHub({ CONFIG: SAMPLE_STORE });
    try {
      await post(`${hub.url}/api/machines`, machine({ id: 'oven-1', name: 'Ugn 1', state: 'fault', updatedAt: Date.now() }));
      await post(`${hub.url}/api/machines`, machine({ id: 'printer-1', name: 'Skrivare', kind: 'printer', state: 'fault', updatedAt: Date.now() }));
      await post(`${hub.url}/api/machines`, machine({ id: 'finishing-1', name: 'Glasyrbordet', kind: 'finishing', state: 'fault', updatedAt: Date.now() }));
      const page = await openDisplay(hub);
      await page.locator('.machine[data-machine="printer-1"][data-state="fault"]').waitFor();
      const resting = (id: string) => page.locator(`[data-machine="${id}"] .state`).textContent();
      expect(await resting('oven-1')).toMatch(/^\W*Ugnen vilar — strax tillbaka\s*$/);
      expect(await resting('printer-1')).toMatch(/^\W*Skrivaren vilar — strax tillbaka\s*$/);
      expect(await resting('finishing-1')).toMatch(/^\W*Glasyrbordet vilar — strax tillbaka\s*$/);
      await page.close();
    } finally {
      await hub.close();
    }
  });

  it('keep the "offline since" notice clear of the strip’s cards while the hub is away', async () => {
    const hub = await startTestHub({ CONFIG: SAMPLE_STORE });
    let closed = false;
    try {
      const now = Date.now();
      await post(
        `${hub.url}/api/machines`,
        machine({ id: 'oven-1', name: 'Ugn 1', batch: { sku: 'cardamom-bun', qty: 12, startedAt: now, endsAt: now + 20 * 60_000 }, updatedAt: now }),
      );
      await post(`${hub.url}/api/machines`, machine({ id: 'printer-1', name: 'Skrivare', kind: 'printer', state: 'fault', updatedAt: now }));
      // The page's clock is a fake one that runs at the real pace until paused: the 10 s to "offline" are counted on it.
      const page = await openDisplay(hub, (p) => p.clock.install());
      await page.locator('[data-machine="printer-1"]').waitFor();
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
      await hub.close();
      closed = true;
      await page.waitForSelector('.stage[data-connected="false"]', { timeout: 10_000 });
      // OFFLINE_AFTER_MS (display/src/screen.svelte.ts) and a second for the page's look at its clock.
      await page.clock.runFor(11_000);
      const marker = page.getByTestId('offline');
      await marker.waitFor({ timeout: 5_000 });
      await animationsSettled(page);
      const label = (await marker.boundingBox())!;
      const cards = await page.$$eval('.machine', (els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
      expect(cards).toHaveLength(2);
      const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(cards.map((card) => overlaps(label, card))).toEqual([false, false]);
      // And on the screen: not pushed off it.
      expect(label.x >= 0 && label.y >= 0 && label.x + label.width <= FULL_HD.width && label.y + label.height <= FULL_HD.height).toBe(true);
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'display-offline-sv-1920.png') });
      await page.close();
    } finally {
      if (!closed) await hub.close();
    }
  });
});

describe('the display with axe-core', () => {
  it('has no accessibility violations of any impact on a busy board', async () => {
    const hub = await hubWith({ chime: true });
    try {
      const { orders, machines } = busyBoard(Date.now());
      for (const o of orders) await post(`${hub.url}/api/orders`, o);
      for (const m of machines) await post(`${hub.url}/api/machines`, m);
      const page = await openDisplay(hub);
      await page
        .locator('.card')
        .nth(orders.length - 1)
        .waitFor();
      await page.locator('.bar[role="progressbar"]').first().waitFor();
      await animationsSettled(page);
      // Evaluated, not a <script> tag: the hub's CSP rightly refuses inline scripts.
      await page.evaluate(AXE);
      const violations = await page.evaluate(async () => {
        const axe = (
          window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }
        ).axe;
        const result = await axe.run(document);
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
      });
      expect(violations).toEqual([]);
      await page.close();
    } finally {
      await hub.close();
    }
  });
});
