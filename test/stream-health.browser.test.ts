import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OBSWebSocket } from 'obs-websocket-js/json';
import type { Hub } from '../server/hub.js';
import { launchChromium, openConsole } from './helpers/browser.js';
import { machine } from './helpers/fixtures.js';
import { post, startTestHub } from './helpers/hub.js';
import { ObsStudio } from './helpers/obs-studio.js';

const SHOTS = path.resolve(import.meta.dirname, '../test-results/screenshots');

/** "4:05" or "1:02:09" in seconds. */
const seconds = (clock: string) => clock.split(':').reduce((s, part) => s * 60 + Number(part), 0);

describe('stream health on the staff console, with a real OBS, in Chromium', () => {
  let obs: ObsStudio;
  let client: OBSWebSocket;
  let hub: Hub;
  let browser: Browser;

  beforeAll(async () => {
    obs = await ObsStudio.start();
    client = await obs.client();
    hub = await startTestHub({ OBS_URL: obs.url, OBS_PASSWORD: obs.password });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await client?.disconnect().catch(() => undefined);
    await obs?.destroy();
  });

  it('shows the recording’s duration rising in the camera panel while OBS records', async () => {
    const page = await openConsole(browser, hub.url);
    const tile = page.getByRole('region', { name: 'Cameras' }).getByRole('group', { name: 'Stream health' });
    await tile.getByText('Not streaming or recording').waitFor({ timeout: 15_000 });
    await client.call('StartRecord');
    const duration = tile.getByTestId('record-duration');
    await duration.waitFor({ timeout: 15_000 });
    await tile.getByText('Recording').waitFor();
    const first = seconds(await duration.innerText());
    await expect.poll(async () => seconds(await duration.innerText()), { timeout: 15_000 }).toBeGreaterThanOrEqual(first + 2);
    expect(parseFloat(await duration.evaluate((el) => getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);
    await tile.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'staff-console-stream-health.png') });
    await client.call('StopRecord');
    await tile.getByText('Not streaming or recording').waitFor({ timeout: 15_000 });
    await page.close();
  }, 60_000);

  it('tells staff when the recording is lost with OBS while a machine runs, and hides the tile while OBS is away', async () => {
    const page = await openConsole(browser, hub.url);
    const cameras = page.getByRole('region', { name: 'Cameras' });
    await post(`${hub.url}/api/machines`, machine({ id: 'press-1', state: 'running', updatedAt: Date.now() }));
    await client.call('StartRecord');
    await cameras.getByRole('group', { name: 'Stream health' }).getByTestId('record-duration').waitFor({ timeout: 15_000 });
    await obs.kill();
    await page.getByText('The recording stopped while production is running').first().waitFor({ timeout: 15_000 });
    await cameras.getByText('OBS disconnected').waitFor();
    await cameras.getByRole('group', { name: 'Stream health' }).waitFor({ state: 'detached' });
    await page.close();
  }, 60_000);
});
