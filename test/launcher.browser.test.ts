import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { STORE_HOST, launchChromium } from './helpers/browser.js';
import { TEST_TOKEN, post, startTestHub } from './helpers/hub.js';
import { freePort } from './helpers/ports.js';

const LAUNCHER = pathToFileURL(path.resolve(import.meta.dirname, '../screens/launcher.html')).href;
const SHOTS = path.resolve(import.meta.dirname, '../test-results/screenshots');
const FULL_HD = { width: 1920, height: 1080 };

let browser: Browser;
let hub: Hub | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

/** Every request the page makes beyond its own file. */
function requestsOffDisk(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith('file:')) seen.push(req.url());
  });
  return seen;
}

describe('the screen launcher (screens/launcher.html)', () => {
  it('waits calmly for a hub that is not up yet, then opens the board once it answers', async () => {
    const port = await freePort();
    const board = `http://${STORE_HOST}:${port}/display?screen=front-window`;
    const page = await browser.newPage({ viewport: FULL_HD });
    await page.goto(`${LAUNCHER}#${board}`);

    const launcher = page.locator('#launcher');
    await expect.poll(() => launcher.getAttribute('data-state')).toBe('waiting');
    expect(await page.locator('h1').textContent()).toBe(`Waiting for the board at ${STORE_HOST}:${port}…`);
    // At least one try has failed and says when; the page is still the launcher.
    await expect.poll(() => page.locator('#detail').textContent(), { timeout: 10_000 }).toMatch(/^Last try \d\d:\d\d:\d\d: no answer yet/);
    expect(page.url().startsWith('file:')).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'launcher-waiting.png') });

    // A reverse proxy in front of a hub still starting answers 502: that is not the board.
    let proxied = 0;
    const proxy = createServer((_req, res) => {
      proxied++;
      res.writeHead(502, { 'content-type': 'text/html', 'access-control-allow-origin': '*' }).end('<h1>502 Bad Gateway</h1>');
    });
    await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', r));
    await expect.poll(() => proxied, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(page.url().startsWith('file:')).toBe(true);
    expect(await launcher.getAttribute('data-state')).toBe('waiting');
    await new Promise<void>((r) => proxy.close(() => r()));
    proxy.closeAllConnections();

    hub = await startTestHub({ PORT: String(port) });
    await page.waitForSelector('.stage[data-connected="true"]', { timeout: 15_000 });
    expect(page.url()).toBe(board);
    // The board's own query came through untouched: the hub knows the screen by its name once staff add it.
    expect((await post(`${hub.url}/api/screens`, { name: 'front-window' })).status).toBe(201);
    const screens = (await (await fetch(`${hub.url}/api/screens`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).json()) as {
      data: { name: string; online: boolean }[];
    };
    expect(screens.data).toContainEqual(expect.objectContaining({ name: 'front-window', online: true }));
    await page.close();
  });

  it('shows a clear error for an address that is not http(s), and goes nowhere', async () => {
    const bad = ['', 'javascript:alert(1)', 'ftp://store.test/display', 'hub.local:8080/display', 'not an address'];
    const pages = await Promise.all(
      bad.map(async (address) => {
        const page = await browser.newPage({ viewport: FULL_HD });
        await page.clock.install(); // the page's timers are the test's: no waiting on the wall clock
        const requests = requestsOffDisk(page);
        const dialogs: string[] = [];
        page.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        await page.goto(`${LAUNCHER}#${address}`);
        return { address, page, requests, dialogs };
      }),
    );
    for (const { address, page, requests, dialogs } of pages) {
      // Longer than two try intervals: a launcher that meant to poll or navigate would have by now.
      await page.clock.runFor(5_000);
      expect(await page.locator('#launcher').getAttribute('data-state'), address).toBe('error');
      expect(await page.locator('h1').textContent(), address).toBe('This screen has no valid board address');
      expect(await page.locator('#detail').textContent(), address).toContain('launcher.html#http://');
      expect(page.url().startsWith(LAUNCHER), address).toBe(true);
      expect(requests, address).toEqual([]);
      expect(dialogs, address).toEqual([]);
      await page.close();
    }
  });
});
