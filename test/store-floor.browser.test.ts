import type { Browser, BrowserContext, Page } from 'playwright-core';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { KIOSK_NAMESPACE } from '../shared/protocol.js';
import { launchChromium, storeUrl } from './helpers/browser.js';
import { order } from './helpers/fixtures.js';
import { TEST_PIN, post, startTestHub } from './helpers/hub.js';

const PUBLIC_URL = 'http://bun-and-thread.example:8080';
const TV = { width: 1920, height: 1080 };
const TABLET = { width: 1180, height: 820 };
const PHONE = { width: 390, height: 844 };

// jsqr is CommonJS with `exports.default`: how a default import sees it depends on the loader.
const jsQR = (jsQRModule as unknown as { default?: typeof jsQRModule.default }).default ?? (jsQRModule as unknown as typeof jsQRModule.default);

/** What a phone's camera reads: the QR code as drawn on the kiosk's screen, decoded from its pixels. */
async function readQr(page: Page): Promise<string | undefined> {
  const shot = PNG.sync.read(await page.locator('.qr svg').screenshot());
  return jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data;
}

async function orderOnKiosk(kiosk: Page): Promise<string> {
  await kiosk.locator('main.kiosk[data-connected="true"]').waitFor();
  await kiosk.locator('button.product[data-sku="cardamom-bun"]').click();
  await kiosk.getByRole('button', { name: 'Classic' }).click();
  await kiosk.getByRole('button', { name: /^Order 1 × Cardamom bun \(Classic\)$/ }).click();
  await kiosk.locator('.qr svg').waitFor();
  return (await kiosk.getByTestId('order-number').textContent())!.trim();
}

async function logIn(staff: Page): Promise<void> {
  await staff.getByPlaceholder('e.g. Ana').fill('Ana');
  for (const digit of TEST_PIN) await staff.getByRole('button', { name: digit, exact: true }).click();
  await staff.getByRole('button', { name: 'Log in' }).click();
  await staff.locator('.console').waitFor();
}

// The store floor: every device reaches the hub by its network name over plain HTTP, never as
// localhost, which a browser would treat as a secure context and forgive.
describe('every page on the store network', () => {
  let hub: Hub;
  let browser: Browser;
  let context: BrowserContext;
  const open = async (route: string, viewport: { width: number; height: number }, h: Hub = hub): Promise<Page> => {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(storeUrl(h.url, route));
    return page;
  };

  beforeAll(async () => {
    hub = await startTestHub({ PUBLIC_URL });
    browser = await launchChromium();
    context = await browser.newContext();
    context.setDefaultTimeout(8_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('renders /display in every mode, /kiosk, /track/NUMBER and /staff, and each follows a change live', async () => {
    const display = await open('/display', TV);
    const overlay = await open('/display?overlay=1', TV);
    const counter = await open('/display?station=counter-2', TV);
    const kiosk = await open('/kiosk', TABLET);
    const staff = await open('/staff', TABLET);
    await logIn(staff);
    for (const page of [display, overlay, counter]) await page.locator('.stage[data-connected="true"]').waitFor();
    await kiosk.locator('main.kiosk[data-connected="true"]').waitFor();
    const left = await kiosk.locator('button.product[data-sku="cardamom-bun"] .left').textContent();

    const o = order({ number: '731', station: 'counter-2', updatedAt: Date.now() });
    expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);
    for (const page of [display, overlay, counter]) await page.locator(`section.column.preparing [data-order="${o.id}"]`).waitFor();
    await staff.locator(`article.order[data-order="${o.id}"]`).waitFor();
    const phone = await open('/track/731', PHONE);
    await phone.locator('main.track[data-status="queued"]').waitFor();

    expect((await post(`${hub.url}/api/orders`, { ...o, status: 'ready', updatedAt: o.updatedAt + 1 })).status).toBe(200);
    for (const page of [display, overlay, counter]) await page.locator(`section.column.ready [data-order="${o.id}"]`).waitFor();
    await phone.locator('main.track[data-status="ready"]').waitFor();
    await staff.locator(`article.order[data-order="${o.id}"][data-status="ready"]`).waitFor();

    // A sale on another kiosk shows on this one: the kiosk's live feed works by network name too.
    const other = await open('/kiosk', TABLET);
    await orderOnKiosk(other);
    await kiosk.locator('button.product[data-sku="cardamom-bun"] .left', { hasNotText: left! }).waitFor();
    await Promise.all([display, overlay, counter, kiosk, staff, phone, other].map((p) => p.close()));
  });

  it("puts PUBLIC_URL in the kiosk's QR code and the link under it", async () => {
    const kiosk = await open('/kiosk', TABLET);
    const number = await orderOnKiosk(kiosk);
    expect(await readQr(kiosk)).toBe(`${PUBLIC_URL}/track/${number}`);
    expect(await kiosk.locator('.done .link').textContent()).toBe(`bun-and-thread.example:8080/track/${number}`);
    await kiosk.close();
  });

  it('without PUBLIC_URL, the QR code holds the address the kiosk was opened with; a kiosk on a loopback name is flagged on the console', async () => {
    const plain = await startTestHub();
    try {
      const kiosk = await open('/kiosk', TABLET, plain);
      const number = await orderOnKiosk(kiosk);
      expect(await readQr(kiosk)).toBe(storeUrl(plain.url, `/track/${number}`));
      const staff = await open('/staff', TABLET, plain);
      await logIn(staff);
      expect(await staff.locator('.setup-warning').count()).toBe(0);

      // A kiosk opened on the hub machine itself as localhost (a socket.io client sends that Host).
      const local = io(`${plain.url}${KIOSK_NAMESPACE}`, { transports: ['websocket'], reconnection: false });
      await new Promise<void>((resolve, reject) => local.on('connect', resolve).on('connect_error', reject));
      local.close();
      await staff.locator('.setup-warning[data-code="kiosk_on_loopback"]').waitFor();
      expect(await staff.locator('.setup-warning').textContent()).toContain('127.0.0.1');
      await Promise.all([kiosk.close(), staff.close()]);
    } finally {
      await plain.close();
    }
  });

  it('the browser helper closes any page that opens the hub as localhost, so no test can pass on the forgiving origin', async () => {
    const guarded = await browser.newContext();
    const page = await guarded.newPage();
    await expect(page.goto(`${hub.url}/display`)).rejects.toThrow();
    await expect.poll(() => page.isClosed(), { timeout: 5_000 }).toBe(true);
  });
});
