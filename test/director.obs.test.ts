import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { OBSWebSocket } from 'obs-websocket-js/json';
import type { Hub } from '../server/hub.js';
import { CHANNELS } from '../shared/protocol.js';
import type { DirectorLogEntry } from '../shared/schemas/director.js';
import { launchChromium, storeUrl } from './helpers/browser.js';
import { FakeObs } from './helpers/fake-obs.js';
import { machine } from './helpers/fixtures.js';
import { TEST_PIN, TEST_TOKEN, startTestHub, tempDir } from './helpers/hub.js';
import { ObsStudio } from './helpers/obs-studio.js';
import { TestRedis } from './helpers/redis-server.js';
import { closeScreens, connectScreens, eventually, type Screen } from './helpers/screens.js';

const HOLD_S = 3;

function directorConfig(): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(
    file,
    JSON.stringify({
      director: {
        defaultScene: 'Board',
        minDwellSeconds: 0,
        holdMinutes: HOLD_S / 60,
        rules: [
          { name: 'oven-unloading', machine: 'oven-1', state: 'unloading', scene: 'Oven Cam', seconds: 2, priority: 10 },
          { name: 'finishing-running', machine: 'finishing-1', state: 'running', scene: 'Finishing Station', priority: 5 },
          { name: 'printer-ghost', machine: 'printer-1', state: 'running', scene: 'Printer Cam', priority: 1 },
        ],
      },
    }),
  );
  return file;
}

async function api(hub: Hub, method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; json: { ok: boolean; data?: Record<string, unknown>; error?: { code: string; message: string } } }> {
  const res = await fetch(`${hub.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as never };
}

describe('the director against a real OBS Studio', () => {
  let redis: TestRedis;
  let producer: Redis;
  let obs: ObsStudio;
  let watcher: OBSWebSocket;
  let hub: Hub;
  let screens: Screen[];
  let t = Date.now();

  const program = async () => (await watcher.call('GetCurrentProgramScene')).currentProgramSceneName;
  const publishMachine = async (id: string, state: 'idle' | 'running' | 'unloading') => producer.publish(CHANNELS.machines, JSON.stringify(machine({ id, state, updatedAt: ++t })));
  const log = async () => ((await api(hub, 'GET', '/api/director')).json.data!.log as DirectorLogEntry[]) ?? [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    producer = redis.client();
    obs = await ObsStudio.start();
    watcher = await obs.client();
    hub = await startTestHub({ REDIS_URL: redis.url, OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: directorConfig() });
    screens = await connectScreens(hub.url, 2);
    await eventually(() => expect(screens[0]!.feed.mirror.scene).toMatchObject({ obs: 'connected', mode: 'auto' }), 15_000);
  }, 90_000);
  afterAll(async () => {
    closeScreens(screens ?? []);
    await hub?.close();
    await watcher?.disconnect().catch(() => undefined);
    await obs?.destroy();
    producer?.disconnect();
    await redis?.destroy();
  });
  beforeEach(async () => {
    await publishMachine('oven-1', 'idle');
    await publishMachine('finishing-1', 'idle');
    await api(hub, 'POST', '/api/director/mode', { mode: 'auto' });
    await eventually(async () => expect(await program()).toBe('Board'));
    await eventually(() => expect(screens.every((s) => s.feed.mirror.scene.program === 'Board')).toBe(true));
  });

  it('reports scenes the config names that OBS does not have', async () => {
    const status = (await api(hub, 'GET', '/api/director')).json.data!;
    expect(status).toMatchObject({ enabled: true, obs: 'connected', missingScenes: ['Printer Cam'] });
    expect(status.scenes).toEqual(['Board', 'Finishing Station', 'Oven Cam']);
  });

  it('switches the program when a machine event arrives on Redis, and back to the default when the rule time is up', async () => {
    const cut = new Promise<string>((resolve) => watcher.once('CurrentProgramSceneChanged', (e) => resolve(e.sceneName)));
    await publishMachine('oven-1', 'unloading');
    expect(await cut).toBe('Oven Cam');
    expect(await program()).toBe('Oven Cam');
    await eventually(() => expect(screens.every((s) => s.feed.mirror.scene.program === 'Oven Cam')).toBe(true));
    // The rule lasts 2 s; then the default comes back by itself.
    await eventually(async () => expect(await program()).toBe('Board'), 6_000);
    await eventually(() => expect(screens.every((s) => s.feed.mirror.scene.program === 'Board')).toBe(true));
    await eventually(async () => expect((await log()).at(-1)).toMatchObject({ scene: 'Board' }));
    const entries = await log();
    expect(entries.at(-2)).toMatchObject({ scene: 'Oven Cam', cause: 'rule', rule: 'oven-unloading', machine: 'oven-1', state: 'unloading' });
    expect(entries.at(-1)).toMatchObject({ scene: 'Board', cause: 'default' });
  });

  it('ends on the right scene when events come faster than OBS answers', async () => {
    // The first cut may still be in flight when the second event wants the scene that was on air before it.
    const firstCut = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000); // both events may also be seen at once: then there is no first cut
      const on = (e: { sceneName: string }) => {
        if (e.sceneName !== 'Finishing Station') return;
        clearTimeout(timer);
        watcher.off('CurrentProgramSceneChanged', on);
        resolve();
      };
      watcher.on('CurrentProgramSceneChanged', on);
    });
    await publishMachine('finishing-1', 'running');
    await publishMachine('finishing-1', 'idle');
    await firstCut;
    await eventually(async () => expect(await program()).toBe('Board'), 5_000);
    await eventually(() => expect(screens[0]!.feed.mirror.scene.program).toBe('Board'));
  });

  it('holds a staff choice against the rules until the hold expires, then resumes by itself', async () => {
    // Taken before the request: the hold starts somewhere inside it, so the hold cannot end before heldAt + HOLD_S.
    const heldAt = Date.now();
    const picked = await api(hub, 'POST', '/api/scene', { scene: 'Oven Cam' });
    expect(picked).toMatchObject({ status: 200, json: { ok: true, data: { mode: 'hold', program: 'Oven Cam' } } });
    await publishMachine('finishing-1', 'running');
    await eventually(() => expect(screens[0]!.feed.mirror.machines.get('finishing-1')?.state).toBe('running'));
    expect(await program()).toBe('Oven Cam');
    expect(screens[0]!.feed.mirror.scene.mode).toBe('hold');
    await eventually(async () => expect(await program()).toBe('Finishing Station'), HOLD_S * 1000 + 4_000);
    expect(Date.now() - heldAt).toBeGreaterThanOrEqual(HOLD_S * 1000);
    await eventually(() => expect(screens[0]!.feed.mirror.scene).toMatchObject({ mode: 'auto', program: 'Finishing Station' }));
    await eventually(async () => expect((await log()).at(-1)).toMatchObject({ scene: 'Finishing Station', cause: 'rule', rule: 'finishing-running' }));
  });

  it('reflects a scene changed by hand in OBS on the board and in the log', async () => {
    await watcher.call('SetCurrentProgramScene', { sceneName: 'Finishing Station' });
    await eventually(() => expect(screens.every((s) => s.feed.mirror.scene.program === 'Finishing Station')).toBe(true));
    await eventually(async () => expect((await log()).at(-1)).toMatchObject({ scene: 'Finishing Station', cause: 'obs' }));
  });

  it('refuses an unknown scene and a bad body with the reason, and anonymous callers', async () => {
    expect(await api(hub, 'POST', '/api/scene', { scene: 'Nope Cam' })).toMatchObject({ status: 404, json: { error: { code: 'unknown_scene' } } });
    expect((await api(hub, 'POST', '/api/scene', { scene: '' })).status).toBe(400);
    expect((await api(hub, 'POST', '/api/director/mode', { mode: 'party' })).json.error?.message).toContain('mode');
    expect((await fetch(`${hub.url}/api/scene`, { method: 'POST', body: '{"scene":"Board"}' })).status).toBe(401);
  });

  it('serves a JPEG of the program to the console and takes a scene pick from a logged-in staff member', async () => {
    const shot = await fetch(`${hub.url}/api/director/thumbnail`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(shot.status).toBe(200);
    expect(shot.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await shot.arrayBuffer());
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    expect((await fetch(`${hub.url}/api/director/thumbnail`)).status).toBe(401);

    const login = await fetch(`${hub.url}/api/staff/login`, { method: 'POST', body: JSON.stringify({ pin: TEST_PIN, name: 'Cleo' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const pick = await fetch(`${hub.url}/api/scene`, { method: 'POST', headers: { cookie, 'x-batchboard-staff': '1' }, body: JSON.stringify({ scene: 'Finishing Station' }) });
    expect(pick.status).toBe(200);
    expect(await program()).toBe('Finishing Station');
    await eventually(async () => expect((await log()).at(-1)).toMatchObject({ scene: 'Finishing Station', cause: 'staff', by: 'Cleo' }));
  });

  it('drives OBS from the console camera panel in Chromium, with a live program thumbnail', async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1180, height: 820 } });
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      await page.goto(storeUrl(hub.url, '/staff'));
      await page.locator('input[name=pin]').fill(TEST_PIN);
      await page.getByRole('button', { name: 'Log in' }).click();
      const panel = page.getByRole('region', { name: 'Cameras' });
      await panel.getByRole('button', { name: 'Board', pressed: true }).waitFor();
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('.scenes img.thumb');
        return img !== null && img.complete && img.naturalWidth > 0;
      });
      await panel.getByRole('button', { name: 'Oven Cam' }).click();
      await panel.getByRole('button', { name: 'Oven Cam', pressed: true }).waitFor();
      expect(await program()).toBe('Oven Cam');
      await panel.getByRole('button', { name: 'hold', pressed: true }).waitFor();
      await page.screenshot({ path: path.join(import.meta.dirname, '../test-results/screenshots/staff-console-cameras.png') });
    } finally {
      await browser.close();
    }
  });

  it('exports the director log as NDJSON and CSV', async () => {
    await api(hub, 'POST', '/api/scene', { scene: 'Oven Cam' });
    const ndjson = await (await fetch(`${hub.url}/api/director/log?format=ndjson`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
    const entries = ndjson.trim().split('\n').map((l) => JSON.parse(l) as DirectorLogEntry);
    expect(entries.at(-1)).toMatchObject({ scene: 'Oven Cam', cause: 'api', by: 'api' });
    const csv = await (await fetch(`${hub.url}/api/director/log?format=csv`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe('at,time,scene,cause,rule,machine,state,by');
    expect(rows).toHaveLength(entries.length + 1);
    expect(rows.at(-1)).toContain(',Oven Cam,api,');
  });

  it('times out a staff switch with a clear message while OBS is frozen, and keeps serving the board', async () => {
    obs.freeze();
    try {
      const started = Date.now();
      const res = await api(hub, 'POST', '/api/scene', { scene: 'Oven Cam' });
      expect(res).toMatchObject({ status: 503, json: { ok: false, error: { code: 'obs_timeout' } } });
      expect(res.json.error?.message).toMatch(/did not answer SetCurrentProgramScene within \d+ ms/);
      expect(Date.now() - started).toBeLessThan(6_000);
      const board = await fetch(`${hub.url}/api/board`);
      expect(board.status).toBe(200);
    } finally {
      obs.thaw();
    }
    await eventually(async () => expect((await api(hub, 'GET', '/api/director')).json.data).toMatchObject({ obs: 'connected' }), 15_000);
  }, 30_000);

  it('survives OBS being killed, shows it disconnected, and on its return applies the scene that should be live', async () => {
    await watcher.disconnect();
    await obs.kill();
    await eventually(() => expect(screens.every((s) => s.feed.mirror.scene.obs === 'disconnected')).toBe(true), 10_000);
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
    expect(await api(hub, 'POST', '/api/scene', { scene: 'Board' })).toMatchObject({ status: 503, json: { error: { code: 'obs_unavailable' } } });
    // Production goes on while OBS is away: the finishing station starts.
    await publishMachine('finishing-1', 'running');
    await eventually(() => expect(screens[0]!.feed.mirror.machines.get('finishing-1')?.state).toBe('running'));

    await obs.restartFresh(); // comes up on Board
    watcher = await obs.client();
    await eventually(() => expect(screens.every((s) => s.feed.mirror.scene.obs === 'connected')).toBe(true), 15_000);
    await eventually(async () => expect(await program()).toBe('Finishing Station'), 10_000);
    // The log is written when OBS's answer reaches the hub, a moment after the watcher sees the cut.
    await eventually(async () => expect((await log()).at(-1)).toMatchObject({ scene: 'Finishing Station', cause: 'reconnect', rule: 'finishing-running' }));
  }, 60_000);
});

describe('the director against an OBS that misbehaves on demand', () => {
  it('keeps the program OBS shows when a change by hand lands in the same packet as the answer to its own switch', async () => {
    const fake = await FakeObs.start();
    const hub = await startTestHub({ OBS_URL: fake.url, CONFIG: directorConfig() });
    try {
      await eventually(async () => expect((await api(hub, 'GET', '/api/director')).json.data).toMatchObject({ obs: 'connected' }));
      fake.handChangeWith = 'Board';
      expect((await api(hub, 'POST', '/api/scene', { scene: 'Oven Cam' })).status).toBe(200);
      await eventually(async () => expect((await api(hub, 'GET', '/api/director')).json.data).toMatchObject({ program: 'Board' }));
      const log = (await api(hub, 'GET', '/api/director')).json.data!.log as DirectorLogEntry[];
      expect(log.slice(-2)).toMatchObject([
        { scene: 'Oven Cam', cause: 'api' },
        { scene: 'Board', cause: 'obs' },
      ]);
    } finally {
      await hub.close();
      await fake.close();
    }
  });


  it('times out a staff switch with a clear message and keeps the hub serving', async () => {
    const fake = await FakeObs.start();
    const hub = await startTestHub({ OBS_URL: fake.url, CONFIG: directorConfig() }, { obsCallTimeoutMs: 500 });
    await eventually(async () => expect((await api(hub, 'GET', '/api/director')).json.data).toMatchObject({ obs: 'connected' }));
    fake.silent.add('SetCurrentProgramScene');
    const started = Date.now();
    const res = await api(hub, 'POST', '/api/scene', { scene: 'Oven Cam' });
    expect(res).toMatchObject({ status: 503, json: { ok: false, error: { code: 'obs_timeout' } } });
    expect(res.json.error?.message).toContain('SetCurrentProgramScene');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await fetch(`${hub.url}/api/board`)).status).toBe(200);
    const broken = await fetch(`${hub.url}/api/scene`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}` }, body: '{"scene":' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ ok: false, error: { code: 'invalid_json' } });
    await hub.close();
    await fake.close();
  });
});
