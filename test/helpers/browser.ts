import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { isLoopbackHost } from '../../server/ordering/public-address.js';
import { TEST_PIN } from './hub.js';

/** Debian's Chromium (installed by the test setup), never a downloaded build. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The name store devices reach the hub by. A browser treats `localhost` and `127.0.0.1` as a secure
 * context and forgives what a store's TVs and tablets do not (upgrade-insecure-requests, secure-only
 * APIs): every browser test opens the hub by this ordinary network name instead, which Chromium
 * resolves to loopback, so traffic never leaves the machine.
 */
export const STORE_HOST = 'store.test';

/** `http://127.0.0.1:PORT/route` as a store device sees it: `http://store.test:PORT/route`. */
export function storeUrl(hubUrl: string, route = ''): string {
  const url = new URL(hubUrl);
  url.hostname = STORE_HOST;
  return `${url.origin}${route}`;
}

/** True for a page request to a loopback origin, which no store device ever makes. */
export function isLoopbackRequest(url: string): boolean {
  if (!/^(https?|wss?):/.test(url)) return false;
  return isLoopbackHost(new URL(url).hostname);
}

/**
 * Every context this browser makes closes itself, loudly, when a page asks a loopback origin for
 * anything: a new test that opens `hub.url` instead of `storeUrl(hub.url)` fails at once instead of
 * passing on the forgiving origin.
 */
function guardAgainstLoopback(context: BrowserContext): BrowserContext {
  context.on('request', (request) => {
    const url = request.url();
    if (!isLoopbackRequest(url)) return;
    process.stderr.write(`\nbrowser test asked a loopback origin (${url}): open the hub by storeUrl(hub.url), as a store device would\n`);
    void context.close({ reason: `loopback origin requested: ${url}; use storeUrl()` }).catch(() => undefined);
  });
  return context;
}

export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      `--host-resolver-rules=MAP ${STORE_HOST} 127.0.0.1`,
    ],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => guardAgainstLoopback(await newContext(options));
  browser.newPage = async (options) => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    // As Playwright's own newPage does: the page owns its context, so closing it closes both.
    // (When the browser itself is closing, the context is already on its way out: nothing to do.)
    page.once('close', () => void context.close().catch(() => undefined));
    return page;
  };
  return browser;
}

/**
 * Resolves when every animation that ends has ended. Left out: the fault pulse (it runs forever) and
 * the production strip's progress bars, whose width glides for 1 s after each 1 s tick: one is always
 * running, so waiting for "none" would only pass in the instant between two ticks, and never on a
 * loaded machine.
 */
export async function animationsSettled(page: import('playwright-core').Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.getAnimations().every((a) => {
        if (a.playState !== 'running') return true;
        if (a.effect?.getTiming().iterations === Infinity) return true;
        const target = (a.effect as KeyframeEffect | null)?.target;
        return target instanceof Element && target.matches('.bar .fill');
      }),
    undefined,
    // A bound, not a pace: on a loaded machine a page's frames come slowly.
    { timeout: 15_000 },
  );
}

/**
 * Stops a page's installed clock from here on. The installed clock also runs in real time, so it has
 * moved on by the time a `pauseAt(Date.now())` read in the page arrives (Playwright then refuses to
 * "fast-forward to the past"): the pause lands a few seconds ahead, which only fires timers due by then.
 */
export async function pauseClock(page: Page, aheadMs = 5_000): Promise<number> {
  const at = (await page.evaluate(() => Date.now())) + aheadMs;
  await page.clock.pauseAt(at);
  return at;
}

/**
 * A staff tablet of its own (its own cookies) on the console, logged in as "Ana" with the test PIN, once the console
 * is connected. Waits on the page default to 8 s.
 */
export async function openConsole(browser: Browser, hubUrl: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport, hasTouch: true });
  page.setDefaultTimeout(8_000);
  await page.goto(storeUrl(hubUrl, '/staff'));
  await page.getByPlaceholder('e.g. Ana').fill('Ana');
  for (const digit of TEST_PIN) await page.getByRole('button', { name: digit, exact: true }).click();
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.console[data-connected="true"]').waitFor();
  return page;
}

/** How far apart a hurried double tap's two taps land. */
export const DOUBLE_TAP_MS = 120;

/** Two taps 120 ms apart at the centre of where `target` was at the first: a finger does not follow a moving button. */
export async function doubleTap(page: Page, target: Locator): Promise<{ x: number; y: number }> {
  await target.scrollIntoViewIfNeeded();
  const box = (await target.boundingBox())!;
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.touchscreen.tap(at.x, at.y);
  // The gap between the taps is the stimulus itself, not a wait for something.
  await new Promise((resolve) => setTimeout(resolve, DOUBLE_TAP_MS));
  await page.touchscreen.tap(at.x, at.y);
  return at;
}
