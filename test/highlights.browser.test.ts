import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Hub } from '../server/hub.js';
import { axeViolations, describeViolations } from './helpers/axe.js';
import { doubleTap, launchChromium, openConsole } from './helpers/browser.js';
import { machine } from './helpers/fixtures.js';
import { TEST_TOKEN, post, startTestHub, tempDir } from './helpers/hub.js';
import { ObsStudio } from './helpers/obs-studio.js';

/** Matroska's EBML magic, as the first bytes of a clip. */
const EBML = [0x1a, 0x45, 0xdf, 0xa3];
/** Saved 1 s after the rule fires; the list shows it within that plus OBS's save and the console's 2 s poll. */
const AFTER_SECONDS = 1;
const SHOWN_WITHIN_MS = (AFTER_SECONDS + 3) * 1000 + 2_000;

function config(): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(
    file,
    JSON.stringify({
      director: {
        defaultScene: 'Board',
        minDwellSeconds: 0,
        replayBuffer: 'always',
        rules: [{ name: 'oven-unloading', machine: 'oven-1', state: 'unloading', scene: 'Oven Cam', priority: 10, clip: { afterSeconds: AFTER_SECONDS } }],
      },
    }),
  );
  return file;
}

/** The first bytes of a clip as the console's download link serves it, fetched in the page with its session. */
async function downloadHead(page: Page, href: string): Promise<{ status: number; head: number[] }> {
  return page.evaluate(async (url) => {
    const res = await fetch(url);
    return { status: res.status, head: [...new Uint8Array(await res.arrayBuffer()).slice(0, 4)] };
  }, href);
}

describe('the console’s Highlights panel, with a real OBS', () => {
  let obs: ObsStudio;
  let hub: Hub;
  let browser: Browser;

  beforeAll(async () => {
    obs = await ObsStudio.start();
    hub = await startTestHub({ CONFIG: config(), OBS_URL: obs.url, OBS_PASSWORD: obs.password });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await obs?.destroy();
  });

  it('shows a clip the oven unloading made, with its still, and Clip that saves one more for one double tap', { timeout: 90_000 }, async () => {
    const page = await openConsole(browser, hub.url);
    const panel = page.getByTestId('highlights');
    await panel.getByTestId('replay-buffer').getByText('Replay buffer on').waitFor({ timeout: 20_000 });

    await post(`${hub.url}/api/machines`, machine({ id: 'oven-1', state: 'unloading', updatedAt: Date.now() }));
    const first = panel.getByTestId('highlight').first();
    await first.waitFor({ timeout: SHOWN_WITHIN_MS });
    await expect.poll(() => first.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 5_000 }).toBe(true);
    // The rule, and the machine by the name the floor knows it by.
    expect(await first.textContent()).toContain('oven-unloading: Oven 1 · Unloading');
    const href = await first.getByRole('link').getAttribute('href');
    const clip = await downloadHead(page, href!);
    expect(clip).toEqual({ status: 200, head: EBML });

    // A hurried double tap on Clip that: one clip, by the person logged in.
    const button = panel.getByRole('button', { name: 'Clip that' });
    await doubleTap(page, button);
    await expect.poll(() => panel.getByTestId('highlight').count(), { timeout: SHOWN_WITHIN_MS }).toBe(2);
    expect(await panel.getByTestId('highlight').first().textContent()).toContain('Clipped by Ana');
    // Nothing more arrives from the second tap.
    await button.getByText('Clip that').waitFor({ timeout: 20_000 });
    const res = await fetch(`${hub.url}/api/director/highlights`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(2);

    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.screenshot({ path: path.join(tempDir(), 'highlights.png'), fullPage: true });
    await page.close();
  });
});
