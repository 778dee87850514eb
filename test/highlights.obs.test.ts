import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OBSWebSocket } from 'obs-websocket-js/json';
import type { Hub } from '../server/hub.js';
import type { DirectorStatus, Highlight, ReplayBufferMode } from '../shared/schemas/director.js';
import { machine, order } from './helpers/fixtures.js';
import { TEST_PIN, TEST_TOKEN, startTestHub, tempDir } from './helpers/hub.js';
import { ObsStudio, TEST_SCENES } from './helpers/obs-studio.js';
import { eventually } from './helpers/screens.js';
import { receiver } from './helpers/webhook-receiver.js';

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };
const JSON_TYPE = { 'content-type': 'application/json' };
/** The rule's clip: saved this long after the oven starts unloading. */
const AFTER_S = 2;
/** The issue's bound: a highlight is there within afterSeconds + 3 s. */
const WITHIN_MS = (AFTER_S + 3) * 1000;
/** The highlights webhook's budget in the main hub: the test makes more highlights than this. */
const PER_HOUR = 3;
/** Matroska's first bytes (EBML). */
const EBML = [0x1a, 0x45, 0xdf, 0xa3];

function storeConfig(replayBuffer: ReplayBufferMode, webhookUrl?: string): string {
  const file = path.join(tempDir(), 'store.json');
  const rules = [{ name: 'oven-clip', machine: 'oven-1', state: 'unloading', scene: 'Oven Cam', seconds: 2, priority: 10, clip: { afterSeconds: AFTER_S } }];
  const highlights = webhookUrl ? { webhook: { url: webhookUrl, perHour: PER_HOUR, retries: 0 } } : {};
  writeFileSync(file, JSON.stringify({ director: { defaultScene: 'Board', minDwellSeconds: 0, replayBuffer, rules, highlights } }));
  return file;
}

type Answer = { status: number; json: { ok: boolean; data?: unknown; error?: { code: string; message: string; params: Record<string, unknown> } } };

async function api(hub: Hub, method: 'GET' | 'POST', route: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<Answer> {
  const res = await fetch(`${hub.url}${route}`, {
    method,
    headers: { ...headers, ...JSON_TYPE },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Answer['json'] };
}

const status = async (hub: Hub) => (await api(hub, 'GET', '/api/director')).json.data as DirectorStatus;
const listed = async (hub: Hub) => (await api(hub, 'GET', '/api/director/highlights')).json.data as Highlight[];

async function staffCookie(hub: Hub): Promise<string> {
  const login = await fetch(`${hub.url}/api/staff/login`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ pin: TEST_PIN, name: 'Cleo' }) });
  return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** A GET with the path sent as written: fetch would resolve `../` before it leaves. */
function rawGet(hub: Hub, route: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: hub.port, path: route, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Waits for a highlight that `before` did not have; returns it and how long it took from `since`. */
async function nextHighlight(hub: Hub, before: number, since: number, timeout = WITHIN_MS + 5_000): Promise<{ highlight: Highlight; tookMs: number }> {
  let found: Highlight | undefined;
  await eventually(async () => {
    const list = await listed(hub);
    expect(list.length).toBeGreaterThan(before);
    found = list[0];
  }, timeout);
  return { highlight: found!, tookMs: Date.now() - since };
}

describe('highlights against a real OBS Studio', () => {
  let obs: ObsStudio;
  let watcher: OBSWebSocket;
  const bufferActive = async () => (await watcher.call('GetReplayBufferStatus')).outputActive;
  const clipFile = (h: Highlight) => path.join(obs.dir, 'recordings', h.file);

  beforeAll(async () => {
    obs = await ObsStudio.start();
    watcher = await obs.client();
  }, 90_000);
  afterAll(async () => {
    await watcher?.disconnect().catch(() => undefined);
    await obs?.destroy();
  });

  describe('with the replay buffer always on', () => {
    let hub: Hub;
    let hook: Awaited<ReturnType<typeof receiver>>;

    beforeAll(async () => {
      hook = await receiver();
      hub = await startTestHub({ OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: storeConfig('always', hook.url) });
      await eventually(async () => expect((await status(hub)).replayBuffer).toEqual({ mode: 'always', active: true, available: true }), 20_000);
      expect(await bufferActive()).toBe(true);
    }, 60_000);
    afterAll(async () => {
      await hub?.close();
      await hook?.close();
    });

    it('saves a highlight when a rule with clip fires: a Matroska file, the cause with its orders, a JPEG thumbnail, in the export', async () => {
      const o = order({ status: 'in_production', updatedAt: Date.now() });
      expect((await api(hub, 'POST', '/api/orders', o)).status).toBe(200);
      const run = `run-hl-${Date.now()}`;
      expect((await api(hub, 'POST', '/api/runs', { id: run, sku: 'cardamom-bun', qty: 4, allocations: [{ orderId: o.id, qty: 2 }] })).status).toBe(201);
      expect((await api(hub, 'POST', `/api/runs/${run}/start`, { machine: 'oven-1' })).status).toBe(200);
      const before = (await listed(hub)).length;
      const sentAt = Date.now();
      expect((await api(hub, 'POST', '/api/machines', machine({ id: 'oven-1', state: 'unloading', updatedAt: Date.now() }))).status).toBeLessThan(300);
      const { highlight, tookMs } = await nextHighlight(hub, before, sentAt);
      expect(tookMs).toBeLessThanOrEqual(WITHIN_MS);
      // A machine rule's clip names the run in the machine, as well as its orders.
      expect(highlight).toMatchObject({ cause: 'rule', rule: 'oven-clip', machine: 'oven-1', state: 'unloading', run, orders: [o.number], thumbnail: true });
      expect(highlight.at - highlight.firedAt).toBeGreaterThanOrEqual(AFTER_S * 1000);
      expect(TEST_SCENES).toContain(highlight.scene);
      expect(highlight.durationSeconds).toBeGreaterThan(0);
      expect(highlight.durationSeconds).toBeLessThanOrEqual(20);
      expect(highlight.file).not.toContain('/');
      const bytes = readFileSync(clipFile(highlight));
      expect(bytes.length).toBeGreaterThan(0);
      expect([...bytes.subarray(0, 4)]).toEqual(EBML);

      const shot = await fetch(`${hub.url}/api/director/highlights/${highlight.id}/thumbnail`, { headers: AUTH });
      expect(shot.status).toBe(200);
      expect(shot.headers.get('content-type')).toBe('image/jpeg');
      const jpeg = Buffer.from(await shot.arrayBuffer());
      expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
      expect(await api(hub, 'GET', '/api/director/highlights/nope/thumbnail')).toMatchObject({ status: 404, json: { error: { code: 'unknown_highlight' } } });
      expect((await status(hub)).highlightsToday).toBe(before + 1);

      const exported = await (await fetch(`${hub.url}/api/export?format=ndjson&from=${sentAt - 1_000}`, { headers: AUTH })).text();
      const entries = exported
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; highlight?: Highlight });
      expect(entries.find((e) => e.type === 'highlight')?.highlight).toMatchObject({ id: highlight.id, file: highlight.file, cause: 'rule' });
      const csv = await (await fetch(`${hub.url}/api/export?format=csv&from=${sentAt - 1_000}`, { headers: AUTH })).text();
      expect(csv.split('\n').find((row) => row.includes(highlight.id))).toContain(',highlight_rule,');
    }, 30_000);

    it('saves a highlight when the API asks (POST /api/director/clip), with cause api', async () => {
      const before = (await listed(hub)).length;
      const askedAt = Date.now();
      const asked = await api(hub, 'POST', '/api/director/clip', { afterSeconds: 1 });
      expect(asked.status).toBe(202);
      const saveAt = (asked.json.data as { saveAt: number }).saveAt;
      expect(saveAt).toBeGreaterThanOrEqual(askedAt + 1_000);
      const { highlight, tookMs } = await nextHighlight(hub, before, askedAt);
      expect(tookMs).toBeLessThanOrEqual(1_000 + 3_000);
      expect(highlight).toMatchObject({ cause: 'api', by: 'api', orders: [], thumbnail: true });
      expect(highlight.at).toBeGreaterThanOrEqual(saveAt);
      expect([...readFileSync(clipFile(highlight)).subarray(0, 4)]).toEqual(EBML);
      expect(await api(hub, 'POST', '/api/director/clip', { afterSeconds: 61 })).toMatchObject({ status: 400, json: { error: { code: 'invalid_input' } } });
      expect((await api(hub, 'POST', '/api/director/clip', { afterSeconds: 61 })).json.error?.message).toContain('afterSeconds');
    }, 30_000);

    it('serves a clip to a staff session only, by a file name of a highlight, never by a path', async () => {
      const [latest] = await listed(hub);
      expect(latest).toBeDefined();
      const cookie = await staffCookie(hub);
      const route = `/api/director/clips/${encodeURIComponent(latest!.file)}`;
      const got = await fetch(`${hub.url}${route}`, { headers: { cookie } });
      expect(got.status).toBe(200);
      expect(got.headers.get('content-disposition')).toBe(`attachment; filename="${latest!.file}"`);
      expect(Buffer.from(await got.arrayBuffer()).equals(readFileSync(clipFile(latest!)))).toBe(true);

      expect((await fetch(`${hub.url}${route}`)).status).toBe(401);
      const tokenOnly = await fetch(`${hub.url}${route}`, { headers: AUTH });
      expect(tokenOnly.status).toBe(401);
      expect(await tokenOnly.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });

      for (const name of ['../x.mkv', '..%2Fx.mkv', 'a/b.mkv', '.hidden.mkv', '..%2F..%2Fetc%2Fpasswd', 'clip.txt']) {
        const refused = await rawGet(hub, `/api/director/clips/${name}`, { cookie });
        expect(refused.status, name).toBe(400);
        const body = JSON.parse(refused.body.toString()) as Answer['json'];
        expect(body.error, name).toMatchObject({ code: 'invalid_input', params: { issues: [{ field: 'name', problem: 'bad_format' }] } });
      }
      expect(await api(hub, 'GET', '/api/director/clips/Replay%20nope.mkv', undefined, { cookie })).toMatchObject({
        status: 404,
        json: { error: { code: 'unknown_clip', params: { name: 'Replay nope.mkv' } } },
      });
    }, 30_000);

    it('posts each highlight to the webhook with a sentence, within its hourly budget, and counts the ones dropped', async () => {
      // Three clips 4 s apart (further apart than a merge): the day's highlights go past the budget of 3.
      const before = (await listed(hub)).length;
      const asked = await Promise.all([0, 4, 8].map((afterSeconds) => api(hub, 'POST', '/api/director/clip', { afterSeconds })));
      expect(asked.map((a) => a.status)).toEqual([202, 202, 202]);
      await eventually(async () => expect((await listed(hub)).length).toBe(before + 3), 20_000);
      const made = (await listed(hub)).length;
      expect(made).toBeGreaterThan(PER_HOUR);
      await eventually(() => expect(hook.got).toHaveLength(PER_HOUR), 10_000);
      const posts = hook.got as unknown as { type: string; highlight: Highlight; message: string }[];
      expect(posts.every((p) => p.type === 'highlight')).toBe(true);
      expect(posts[0]!.message).toMatch(/^New clip: Oven 1 is Unloading\. Orders: \d+\.$/);
      expect(posts[1]!.message).toBe('New clip, saved by api.');
      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      expect(metrics).toContain(`batchboard_highlights_dropped_total ${made - PER_HOUR}`);
      expect(hook.requests()).toBe(PER_HOUR);
    }, 40_000);

    it('reads today’s highlights back after a restart, without the thumbnails of the process before', async () => {
      const before = await listed(hub);
      expect(before.length).toBeGreaterThan(0);
      const dataDir = tempDir();
      // A hub on its own data folder: its event log is the one it reads back.
      await hub.close();
      hub = await startTestHub({ OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: storeConfig('always'), DATA_DIR: dataDir });
      await eventually(async () => expect((await status(hub)).replayBuffer.active).toBe(true), 20_000);
      const askedAt = Date.now();
      expect((await api(hub, 'POST', '/api/director/clip', {})).status).toBe(202);
      const { highlight } = await nextHighlight(hub, 0, askedAt);
      await hub.close();
      hub = await startTestHub({ OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: storeConfig('always'), DATA_DIR: dataDir });
      const again = await listed(hub);
      expect(again).toEqual([{ ...highlight, thumbnail: false }]);
      expect(statSync(clipFile(highlight)).size).toBeGreaterThan(0);
      // Its clip is still served: from the path OBS reported, kept in the log.
      const got = await fetch(`${hub.url}/api/director/clips/${encodeURIComponent(highlight.file)}`, { headers: { cookie: await staffCookie(hub) } });
      expect(got.status).toBe(200);
    }, 60_000);
  });

  describe('with the replay buffer on auto or off', () => {
    it('auto: starts the buffer when OBS starts recording and stops it when recording stops; no clip without it', async () => {
      const hub = await startTestHub({ OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: storeConfig('auto') });
      try {
        // Nothing goes out: a buffer left running (by the hub before) is stopped.
        expect(await bufferActive()).toBe(true);
        await eventually(async () => expect(await bufferActive()).toBe(false), 20_000);
        await eventually(async () => expect((await status(hub)).replayBuffer).toEqual({ mode: 'auto', active: false, available: true }));
        expect(await api(hub, 'POST', '/api/director/clip', {})).toMatchObject({ status: 503, json: { error: { code: 'replay_buffer_off' } } });
        await watcher.call('StartRecord');
        await eventually(async () => expect(await bufferActive()).toBe(true), 15_000);
        await eventually(async () => expect((await status(hub)).replayBuffer.active).toBe(true));
        await watcher.call('StopRecord');
        await eventually(async () => expect(await bufferActive()).toBe(false), 15_000);
        await eventually(async () => expect((await status(hub)).replayBuffer.active).toBe(false));
      } finally {
        await watcher.call('StopRecord').catch(() => undefined);
        await hub.close();
      }
    }, 60_000);

    it('auto: a clip still due when the recording stops is saved all the same, and the buffer stops after it', async () => {
      const hub = await startTestHub({ OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: storeConfig('auto') });
      try {
        // On the default scene first (an earlier test may have left OBS on Oven Cam): the cut below is then this rule's.
        await eventually(async () => expect((await status(hub)).program).toBe('Board'), 20_000);
        await watcher.call('StartRecord');
        await eventually(async () => expect((await status(hub)).replayBuffer.active).toBe(true), 15_000);
        const before = (await listed(hub)).length;
        const sentAt = Date.now();
        expect((await api(hub, 'POST', '/api/machines', machine({ id: 'oven-1', state: 'unloading', updatedAt: Date.now() }))).status).toBeLessThan(300);
        // The rule has fired (its cut is on air); the recording ends before its clip is due.
        await eventually(async () => expect((await status(hub)).program).toBe('Oven Cam'), 5_000);
        await watcher.call('StopRecord');
        const { highlight } = await nextHighlight(hub, before, sentAt);
        expect(highlight).toMatchObject({ cause: 'rule', rule: 'oven-clip' });
        expect([...readFileSync(clipFile(highlight)).subarray(0, 4)]).toEqual(EBML);
        await eventually(async () => expect(await bufferActive()).toBe(false), 20_000);
      } finally {
        await watcher.call('StopRecord').catch(() => undefined);
        await hub.close();
      }
    }, 60_000);

    it('off: leaves the buffer alone while OBS records, and refuses a clip', async () => {
      expect(await bufferActive()).toBe(false);
      const hub = await startTestHub({ OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: storeConfig('off') });
      const changes: boolean[] = [];
      const onChange = (e: { outputActive: boolean }) => changes.push(e.outputActive);
      watcher.on('ReplayBufferStateChanged', onChange);
      try {
        // Connected, and OBS's state read (the program comes with it): a recording started now is seen as an event.
        await eventually(async () => expect((await status(hub)).program).not.toBeNull(), 20_000);
        await eventually(async () => expect((await watcher.call('GetRecordStatus')).outputActive).toBe(false));
        await watcher.call('StartRecord');
        await eventually(async () => expect((await status(hub)).recording).toBe(true), 15_000);
        expect(await api(hub, 'POST', '/api/director/clip', {})).toMatchObject({ status: 503, json: { error: { code: 'replay_buffer_off' } } });
        await watcher.call('StopRecord');
        await eventually(async () => expect((await status(hub)).recording).toBe(false), 15_000);
        expect(await bufferActive()).toBe(false);
        expect(changes).toEqual([]);
        expect((await status(hub)).replayBuffer).toEqual({ mode: 'off', active: false, available: true });
      } finally {
        watcher.off('ReplayBufferStateChanged', onChange);
        await watcher.call('StopRecord').catch(() => undefined);
        await hub.close();
      }
    }, 60_000);
  });
});
