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

/** Most tests: a hold that outlasts any test, ended on purpose (`POST /api/director/mode`), so no check races its end. */
const LONG_HOLD_MINUTES = 10;
/** The one test of a hold ending by itself. */
const SHORT_HOLD_S = 3;
/** An answer that times out comes after the call timeout, and within this of it on a loaded machine: not a hang. */
const TIMEOUT_SLACK_MS = 5_000;

function directorConfig(holdMinutes = LONG_HOLD_MINUTES): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(
    file,
    JSON.stringify({
      director: {
        defaultScene: 'Board',
        minDwellSeconds: 0,
        holdMinutes,
        rules: [
          { name: 'oven-unloading', machine: 'oven-1', state: 'unloading', scene: 'Oven Cam', seconds: 2, priority: 10 },
          { name: 'finishing-running', machine: 'finishing-1', state: 'running', scene: 'Finishing Station', priority: 5 },
          { name: 'printer-ghost', machine: 'printer-1', state: 'running', scene: 'Printer Cam', priority: 1 },
          { name: 'tote-out', run: 'run_done', sku: 'tote-print', scene: 'Finishing Station', seconds: 2, priority: 8 },
        ],
      },
    }),
  );
  return file;
}

async function api(
  hub: Hub,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
): Promise<{ status: number; json: { ok: boolean; data?: Record<string, unknown>; error?: { code: string; message: string } } }> {
  const res = await fetch(`${hub.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as never };
}

/** The programs that followed `start`, without repeats in a row: a late report of the program already on air is no change. */
function changes(programs: readonly (string | null)[], start: string | null | undefined): (string | null)[] {
  const shown: (string | null)[] = [];
  let last = start;
  for (const program of programs) if (program !== last) shown.push((last = program));
  return shown;
}

/** The programs a screen showed from its scene history's index `from` on. */
function programsSince(screen: Screen, from: number): (string | null)[] {
  return changes(
    screen.scenes.slice(from).map((s) => s.program),
    screen.scenes[from - 1]?.program,
  );
}

/** How long a timed-out call waited, as the hub's message states it. */
function timeoutOf(message: string | undefined): number {
  return Number(/within (\d+) ms/.exec(message ?? '')?.[1] ?? NaN);
}

describe('the director against a real OBS Studio', () => {
  let redis: TestRedis;
  let producer: Redis;
  let obs: ObsStudio;
  let watcher: OBSWebSocket;
  let hub: Hub;
  let screens: Screen[];
  let t = Date.now();
  /** Every program change OBS announced to the watcher, in order. Its events may come after its answers: see cutsSince. */
  const cuts: string[] = [];
  const onCut = (e: { sceneName: string }) => cuts.push(e.sceneName);
  /** The cuts OBS announced from index `mark` on, when `start` was on air at the mark. */
  const cutsSince = (mark: number, start = 'Board') => changes(cuts.slice(mark), start);

  const program = async () => (await watcher.call('GetCurrentProgramScene')).currentProgramSceneName;
  const publishMachine = async (id: string, state: 'idle' | 'running' | 'unloading') =>
    producer.publish(CHANNELS.machines, JSON.stringify(machine({ id, state, updatedAt: ++t })));
  const log = async () => ((await api(hub, 'GET', '/api/director')).json.data!.log as DirectorLogEntry[]) ?? [];
  const openHub = async (holdMinutes: number, mode: 'auto' | 'manual' | 'hold' = 'auto') => {
    hub = await startTestHub({ REDIS_URL: redis.url, OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: directorConfig(holdMinutes) });
    screens = await connectScreens(hub.url, 2);
    await eventually(() => expect(screens[0]!.feed.mirror.scene).toMatchObject({ obs: 'connected', mode }), 15_000);
  };
  const closeHub = async () => {
    closeScreens(screens);
    await hub.close();
  };

  beforeAll(async () => {
    redis = await TestRedis.start();
    producer = redis.client();
    obs = await ObsStudio.start();
    watcher = await obs.client();
    watcher.on('CurrentProgramSceneChanged', onCut);
    await openHub(LONG_HOLD_MINUTES);
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
    // And in /readyz's details: OBS is outside the hub, so a missing scene does not make the hub unready.
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, director: { obs: 'connected', missingScenes: ['Printer Cam'] } });
  });

  it('cuts by itself on the sample store’s rules: the oven unloading goes to the oven cam', async () => {
    await closeHub();
    // The sample config as written, on its own embedded store; the machine comes through the REST door.
    const sample = await startTestHub({
      OBS_URL: obs.url,
      OBS_PASSWORD: obs.password,
      CONFIG: path.resolve(import.meta.dirname, '../docs/sample-store/store.json'),
    });
    try {
      await eventually(
        async () => expect((await api(sample, 'GET', '/api/director')).json.data).toMatchObject({ obs: 'connected', missingScenes: [] }),
        15_000,
      );
      expect(await (await fetch(`${sample.url}/readyz`)).json()).toMatchObject({ director: { obs: 'connected', missingScenes: [] } });
      expect(await program()).toBe('Board');
      const mark = cuts.length;
      const sent = await api(sample, 'POST', '/api/machines', machine({ id: 'oven-1', kind: 'oven', state: 'unloading', updatedAt: ++t }));
      expect(sent.status).toBeLessThan(300);
      await eventually(() => expect(cutsSince(mark)).toEqual(['Oven Cam']), 10_000);
      await eventually(async () =>
        expect(((await api(sample, 'GET', '/api/director')).json.data!.log as DirectorLogEntry[]).at(-1)).toMatchObject({
          scene: 'Oven Cam',
          cause: 'rule',
          rule: 'oven-unloading',
          machine: 'oven-1',
          state: 'unloading',
        }),
      );
    } finally {
      await sample.close();
      await openHub(LONG_HOLD_MINUTES);
    }
  });

  it('switches the program when a machine event arrives on Redis, and back to the default when the rule time is up', async () => {
    const mark = cuts.length;
    const from = screens.map((s) => s.scenes.length);
    await publishMachine('oven-1', 'unloading');
    // The rule lasts 2 s; then the default comes back by itself. Histories, not a look at one moment: the oven may be gone by then.
    await eventually(() => expect(cutsSince(mark)).toEqual(['Oven Cam', 'Board']), 10_000);
    expect(await program()).toBe('Board');
    await eventually(() => expect(screens.map((s, i) => programsSince(s, from[i]!))).toEqual(screens.map(() => ['Oven Cam', 'Board'])));
    await eventually(async () => expect((await log()).at(-1)).toMatchObject({ scene: 'Board' }));
    const entries = await log();
    expect(entries.at(-2)).toMatchObject({ scene: 'Oven Cam', cause: 'rule', rule: 'oven-unloading', machine: 'oven-1', state: 'unloading' });
    expect(entries.at(-1)).toMatchObject({ scene: 'Board', cause: 'default' });
  });

  it('cuts on a production run’s moment: a tote run done shows the finishing station for its seconds, then the default', async () => {
    const id = `run-obs-${++t}`;
    expect((await api(hub, 'POST', '/api/runs', { id, sku: 'tote-print', qty: 4 })).status).toBe(201);
    expect((await api(hub, 'POST', `/api/runs/${id}/start`, { machine: 'printer-1' })).status).toBe(200);
    const mark = cuts.length;
    expect((await api(hub, 'POST', `/api/runs/${id}/finish`, { produced: 4 })).status).toBe(200);
    await eventually(() => expect(cutsSince(mark)).toEqual(['Finishing Station', 'Board']), 10_000);
    await eventually(async () => expect((await log()).at(-1)).toMatchObject({ scene: 'Board' }));
    expect((await log()).at(-2)).toMatchObject({ scene: 'Finishing Station', cause: 'rule', rule: 'tote-out', run: id, event: 'run_done' });
  });

  it('ends on the right scene when events come faster than OBS answers', async () => {
    // The first cut may still be in flight when the second event wants the scene that was on air before it.
    const mark = cuts.length;
    await publishMachine('finishing-1', 'running');
    await publishMachine('finishing-1', 'idle');
    const idleAt = t;
    // The board told the director before it told the screens: once a screen has the second event, both decisions are queued.
    await eventually(() => expect(screens[0]!.feed.mirror.machines.get('finishing-1')).toMatchObject({ state: 'idle', updatedAt: idleAt }));
    // The director takes requests in turn with its switches: this one answers once OBS has answered every cut queued before it.
    // Manual, not auto: auto would run the rules once more and could mend a wrong decision.
    expect(await api(hub, 'POST', '/api/director/mode', { mode: 'manual' })).toMatchObject({ status: 200, json: { data: { mode: 'manual' } } });
    // Both events may be seen at once (no cut at all), or the first goes on air and the second takes it off.
    await eventually(async () => {
      expect(await program()).toBe('Board');
      expect([[], ['Finishing Station', 'Board']]).toContainEqual(cutsSince(mark));
    });
    await eventually(() => expect(screens[0]!.feed.mirror.scene.program).toBe('Board'));
  });

  it('holds a staff choice against the rules for holdMinutes, and the rules take over when staff end the hold', async () => {
    const holdMs = LONG_HOLD_MINUTES * 60_000;
    // Taken around the request: the hold starts somewhere inside it.
    const mark = cuts.length;
    const before = Date.now();
    const picked = await api(hub, 'POST', '/api/scene', { scene: 'Oven Cam' });
    const after = Date.now();
    expect(picked).toMatchObject({ status: 200, json: { ok: true, data: { mode: 'hold', program: 'Oven Cam' } } });
    const holdUntil = picked.json.data!.holdUntil as number;
    expect(holdUntil).toBeGreaterThanOrEqual(before + holdMs);
    expect(holdUntil).toBeLessThanOrEqual(after + holdMs);
    await publishMachine('finishing-1', 'running');
    await eventually(() => expect(screens[0]!.feed.mirror.machines.get('finishing-1')?.state).toBe('running'));
    expect(await program()).toBe('Oven Cam');
    expect(screens[0]!.feed.mirror.scene.mode).toBe('hold');
    expect((await log()).at(-1)).toMatchObject({ scene: 'Oven Cam', cause: 'api' });

    const endedAt = Date.now();
    expect(await api(hub, 'POST', '/api/director/mode', { mode: 'auto' })).toMatchObject({ status: 200, json: { data: { mode: 'auto', holdUntil: null } } });
    await eventually(async () => expect(await program()).toBe('Finishing Station'));
    await eventually(() => expect(cutsSince(mark)).toEqual(['Oven Cam', 'Finishing Station']));
    await eventually(() => expect(screens[0]!.feed.mirror.scene).toMatchObject({ mode: 'auto', program: 'Finishing Station' }));
    await eventually(async () => expect((await log()).at(-1)).toMatchObject({ scene: 'Finishing Station', cause: 'rule', rule: 'finishing-running' }));
    // The rule went on air because the hold ended, not when its machine started.
    expect((await log()).at(-1)!.at).toBeGreaterThanOrEqual(endedAt);
  });

  it.each(['manual', 'hold'] as const)('keeps %s mode and its scene on air through a restart of the hub, whatever the rules want', async (mode) => {
    if (mode === 'manual') expect((await api(hub, 'POST', '/api/director/mode', { mode: 'manual' })).status).toBe(200);
    const picked = cuts.length;
    expect((await api(hub, 'POST', '/api/scene', { scene: 'Oven Cam' })).json).toMatchObject({ ok: true, data: { mode, program: 'Oven Cam' } });
    // OBS answers the switch before it tells its watchers: its own report of this cut must not be taken for one after the restart.
    await eventually(() => expect(cuts.slice(picked).at(-1)).toBe('Oven Cam'));
    // What the rules would put on air in auto mode.
    await publishMachine('finishing-1', 'running');
    await eventually(() => expect(screens[0]!.feed.mirror.machines.get('finishing-1')?.state).toBe('running'));
    const mark = cuts.length;
    await closeHub();
    await openHub(LONG_HOLD_MINUTES, mode);
    expect(screens[0]!.feed.mirror.scene.program).toBe('Oven Cam');
    // A cut goes out at once when the director connects (the reconnect rule): none may come. Watched for a while.
    const cut = await eventually(() => expect(cuts.length).toBeGreaterThan(mark), 2_000).then(
      () => cuts.slice(mark),
      () => [],
    );
    expect(cut).toEqual([]);
    expect(await program()).toBe('Oven Cam');
  });

  it('ends a hold by itself when holdMinutes are up, and the rules take over again', async () => {
    await closeHub();
    await openHub(SHORT_HOLD_S / 60);
    try {
      await publishMachine('finishing-1', 'running');
      await eventually(async () => expect(await program()).toBe('Finishing Station'));
      const mark = cuts.length;
      const from = screens[0]!.scenes.length;
      // Taken before the request: the hold starts somewhere inside it, so it cannot end before heldAt + SHORT_HOLD_S.
      const heldAt = Date.now();
      const picked = await api(hub, 'POST', '/api/scene', { scene: 'Oven Cam' });
      expect(picked).toMatchObject({ status: 200, json: { ok: true, data: { program: 'Oven Cam' } } });
      // The rule has wanted Finishing Station all along; nothing but the end of the hold runs the rules again.
      await eventually(() => expect(cutsSince(mark, 'Finishing Station')).toEqual(['Oven Cam', 'Finishing Station']), SHORT_HOLD_S * 1000 + 10_000);
      expect(Date.now() - heldAt).toBeGreaterThanOrEqual(SHORT_HOLD_S * 1000);
      expect(await program()).toBe('Finishing Station');
      await eventually(() => expect(screens[0]!.feed.mirror.scene).toMatchObject({ mode: 'auto', program: 'Finishing Station' }));
      expect(screens[0]!.scenes.slice(from).some((s) => s.mode === 'hold')).toBe(true);
      await eventually(async () =>
        expect((await log()).slice(-2)).toMatchObject([
          { scene: 'Oven Cam', cause: 'api' },
          { scene: 'Finishing Station', cause: 'rule', rule: 'finishing-running' },
        ]),
      );
    } finally {
      await closeHub();
      await openHub(LONG_HOLD_MINUTES);
    }
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

    const login = await fetch(`${hub.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: TEST_PIN, name: 'Cleo' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const pick = await fetch(`${hub.url}/api/scene`, {
      method: 'POST',
      headers: { cookie, 'x-batchboard-staff': '1', 'content-type': 'application/json' },
      body: JSON.stringify({ scene: 'Finishing Station' }),
    });
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

  it('exports the director log as NDJSON and CSV, as director entries of the one event log', async () => {
    const asked = Date.now();
    await api(hub, 'POST', '/api/scene', { scene: 'Oven Cam' });
    const read = async (route: string) => (await fetch(`${hub.url}${route}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
    const lines = (text: string) => text.trim().split('\n').filter(Boolean);
    // The switch is logged as the answer goes out (an XADD on Redis): the export has it a moment later.
    await expect
      .poll(async () =>
        lines(await read('/api/director/log?format=ndjson'))
          .map((l) => JSON.parse(l) as DirectorLogEntry)
          .at(-1),
      )
      .toMatchObject({ scene: 'Oven Cam', cause: 'api', by: 'api' });
    const entries = lines(await read('/api/director/log?format=ndjson')).map((l) => JSON.parse(l) as DirectorLogEntry);
    // The same switch in the event log's own export, beside the board's changes.
    const logged = lines(await read(`/api/export?format=ndjson&from=${asked - 1_000}`)).map(
      (l) => JSON.parse(l) as { type: string; director?: DirectorLogEntry },
    );
    expect(logged.filter((e) => e.type === 'director').at(-1)?.director).toMatchObject({ scene: 'Oven Cam', cause: 'api' });
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
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(timeoutOf(res.json.error?.message));
      expect(elapsed).toBeLessThan(timeoutOf(res.json.error?.message) + TIMEOUT_SLACK_MS);
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
    watcher.on('CurrentProgramSceneChanged', onCut);
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
    try {
      await eventually(async () => expect((await api(hub, 'GET', '/api/director')).json.data).toMatchObject({ obs: 'connected' }));
      fake.silent.add('SetCurrentProgramScene');
      const started = Date.now();
      const res = await api(hub, 'POST', '/api/scene', { scene: 'Oven Cam' });
      expect(res).toMatchObject({ status: 503, json: { ok: false, error: { code: 'obs_timeout' } } });
      expect(res.json.error?.message).toContain('SetCurrentProgramScene within 500 ms');
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(500);
      expect(elapsed).toBeLessThan(500 + TIMEOUT_SLACK_MS);
      expect((await fetch(`${hub.url}/api/board`)).status).toBe(200);
      const broken = await fetch(`${hub.url}/api/scene`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
        body: '{"scene":',
      });
      expect(broken.status).toBe(400);
      expect(await broken.json()).toMatchObject({ ok: false, error: { code: 'invalid_json' } });
    } finally {
      await hub.close();
      await fake.close();
    }
  });
});
