import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { HighlightWebhook } from '../server/director/highlight-webhook.js';
import type { Hub } from '../server/hub.js';
import type { DirectorStatus, Highlight, ReplayBufferMode } from '../shared/schemas/director.js';
import { FakeObs } from './helpers/fake-obs.js';
import { TEST_PIN, TEST_TOKEN, startTestHub, tempDir } from './helpers/hub.js';
import { machine } from './helpers/fixtures.js';
import { eventually } from './helpers/screens.js';
import { receiver } from './helpers/webhook-receiver.js';

const AUTH = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };

function storeConfig(replayBuffer: ReplayBufferMode): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify({ director: { defaultScene: 'Board', minDwellSeconds: 0, replayBuffer } }));
  return file;
}

/** The hub's log lines, to count what it said. */
function capture(): { log: pino.Logger; lines: { msg: string }[] } {
  const lines: { msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { msg: string });
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

describe('highlights against an OBS that misbehaves on demand', () => {
  let fake: FakeObs | undefined;
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.close();
    await fake?.close();
  });
  const status = async () => ((await (await fetch(`${hub!.url}/api/director`, { headers: AUTH })).json()) as { data: DirectorStatus }).data;
  const clip = (afterSeconds: number) => fetch(`${hub!.url}/api/director/clip`, { method: 'POST', headers: AUTH, body: JSON.stringify({ afterSeconds }) });

  it('notes a profile without the replay buffer (604) once, shows it unavailable, and does not retry until OBS reconnects', async () => {
    fake = await FakeObs.start();
    for (const type of ['GetReplayBufferStatus', 'StartReplayBuffer', 'StopReplayBuffer', 'SaveReplayBuffer']) fake.unavailable.add(type);
    const { log, lines } = capture();
    hub = await startTestHub({ OBS_URL: fake.url, CONFIG: storeConfig('always') }, { log });
    await eventually(async () => expect((await status()).replayBuffer).toEqual({ mode: 'always', active: false, available: false }));
    expect(await clip(0)).toMatchObject({ status: 503 });
    // Recording starts and stops in OBS: the hub asks nothing more of a buffer the profile lacks.
    for (const on of [true, false, true])
      fake.server.clients.forEach((c) =>
        c.send(
          JSON.stringify({
            op: 5,
            d: {
              eventType: 'RecordStateChanged',
              eventIntent: 64,
              eventData: { outputActive: on, outputState: on ? 'OBS_WEBSOCKET_OUTPUT_STARTED' : 'OBS_WEBSOCKET_OUTPUT_STOPPED' },
            },
          }),
        ),
      );
    await eventually(async () => expect((await status()).recording).toBe(true));
    expect((fake.requests.get('GetReplayBufferStatus') ?? 0) + (fake.requests.get('StartReplayBuffer') ?? 0)).toBe(1);
    expect(lines.filter((l) => l.msg.startsWith('OBS has no replay buffer'))).toHaveLength(1);
  });

  it('starts a buffer that stopped by itself again only after a pause, never in a loop at OBS', async () => {
    fake = await FakeObs.start();
    fake.setReplayBuffer(true);
    hub = await startTestHub({ OBS_URL: fake.url, CONFIG: storeConfig('always') });
    await eventually(async () => expect((await status()).replayBuffer).toEqual({ mode: 'always', active: true, available: true }));
    const starts = () => fake!.requests.get('StartReplayBuffer') ?? 0;
    // OBS stops the buffer (its encoder failed, or someone stopped it): not asked again at once...
    const stoppedAt = Date.now();
    fake.setReplayBuffer(false);
    await eventually(async () => expect((await status()).replayBuffer.active).toBe(false));
    // (a window of absence: nothing to wait for but time)
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(starts()).toBe(0);
    // ...but after the first pause (5 s), once.
    await eventually(() => expect(starts()).toBe(1), 10_000);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(4_900);
  });

  it('merges clips asked for within 3 s into one save, and saves apart those further apart', async () => {
    fake = await FakeObs.start();
    hub = await startTestHub({ OBS_URL: fake.url, CONFIG: storeConfig('off') });
    await eventually(async () => expect((await status()).obs).toBe('connected'));
    fake.setReplayBuffer(true);
    await eventually(async () => expect((await status()).replayBuffer.active).toBe(true));
    // Asked together: saves due 1, 2, 3.5 and 6 s from now.
    const answers = await Promise.all(
      [clip(1), clip(2), clip(3.5), clip(6)].map(async (r) => ((await (await r).json()) as { data: { saveAt: number } }).data.saveAt),
    );
    // The second and third join the first's save, moved to the latest of them; the fourth is more than 3 s past the first's time,
    // so it is a save of its own, although it is within 3 s of the merged one (a flapping machine cannot put a save off for ever).
    expect(answers[1]! - answers[0]!).toBeGreaterThanOrEqual(1_000);
    expect(answers[1]! - answers[0]!).toBeLessThan(2_000);
    expect(answers[2]! - answers[0]!).toBeGreaterThanOrEqual(2_500);
    expect(answers[3]! - answers[2]!).toBeLessThan(3_000);
    const list = async () => ((await (await fetch(`${hub!.url}/api/director/highlights`, { headers: AUTH })).json()) as { data: Highlight[] }).data;
    // Until the last save is done: then the first three are one highlight (saved at the latest time), the fourth another.
    await eventually(async () => expect((await list())[0]?.at).toBeGreaterThanOrEqual(answers[3]!), 15_000);
    const saved = await list();
    expect(saved).toHaveLength(2);
    expect(saved[1]!.at).toBeGreaterThanOrEqual(answers[2]!);
    expect(fake.requests.get('SaveReplayBuffer')).toBe(2);
  }, 30_000);

  it('takes "Clip that" from a logged-in staff member (with the staff header), as cause staff with their name', async () => {
    fake = await FakeObs.start();
    hub = await startTestHub({ OBS_URL: fake.url, CONFIG: storeConfig('off') });
    await eventually(async () => expect((await status()).obs).toBe('connected'));
    fake.setReplayBuffer(true);
    await eventually(async () => expect((await status()).replayBuffer.active).toBe(true));
    const login = await fetch(`${hub.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: TEST_PIN, name: 'Cleo' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const ask = (headers: Record<string, string>) =>
      fetch(`${hub!.url}/api/director/clip`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{}' });
    expect((await ask({})).status).toBe(403);
    expect((await ask({ 'x-batchboard-staff': '1' })).status).toBe(202);
    await eventually(async () =>
      expect(((await (await fetch(`${hub!.url}/api/director/highlights`, { headers: { cookie } })).json()) as { data: Highlight[] }).data).toMatchObject([
        { cause: 'staff', by: 'Cleo', orders: [], scene: 'Board', file: 'Replay 2026-12-03 12-00-00.mkv', thumbnail: false },
      ]),
    );
    expect((await status()).highlightsToday).toBe(1);
  });

  it('withdraws a run_finishing clip when its run is cancelled before the moment, and keeps the others of that save', async () => {
    fake = await FakeObs.start();
    const file = path.join(tempDir(), 'store.json');
    const rule = { name: 'tray-out', run: 'run_finishing', beforeSeconds: 1, scene: 'Oven Cam', seconds: 1, clip: { afterSeconds: 0 } };
    writeFileSync(file, JSON.stringify({ director: { defaultScene: 'Board', minDwellSeconds: 0, replayBuffer: 'off', rules: [rule] } }));
    hub = await startTestHub({ OBS_URL: fake.url, CONFIG: file });
    await eventually(async () => expect((await status()).obs).toBe('connected'));
    fake.setReplayBuffer(true);
    await eventually(async () => expect((await status()).replayBuffer.active).toBe(true));
    const now = Date.now();
    // Run a comes out at now + 3 s, run b at now + 4 s: their moments are 1 s apart, so one save would hold both.
    for (const [id, oven, endsAt] of [
      ['a', 'oven-1', now + 3_000],
      ['b', 'oven-2', now + 4_000],
    ] as const) {
      expect((await fetch(`${hub.url}/api/runs`, { method: 'POST', headers: AUTH, body: JSON.stringify({ id, sku: 'cardamom-bun', qty: 1 }) })).status).toBe(
        201,
      );
      const batch = { sku: 'cardamom-bun', qty: 1, startedAt: now, endsAt, runId: id };
      const sent = await fetch(`${hub.url}/api/machines`, {
        method: 'POST',
        headers: AUTH,
        body: JSON.stringify(machine({ id: oven, state: 'running', batch, updatedAt: now })),
      });
      expect(sent.status).toBeLessThan(300);
    }
    await eventually(async () =>
      expect(
        ((await (await fetch(`${hub!.url}/api/runs`, { headers: AUTH })).json()) as { data: { runs: { id: string; status: string }[] } }).data.runs.filter(
          (r) => r.status === 'running',
        ),
      ).toHaveLength(2),
    );
    expect((await fetch(`${hub.url}/api/runs/a/cancel`, { method: 'POST', headers: AUTH })).status).toBe(200);
    const list = async () => ((await (await fetch(`${hub!.url}/api/director/highlights`, { headers: AUTH })).json()) as { data: Highlight[] }).data;
    await eventually(async () => expect(await list()).toHaveLength(1), 10_000);
    expect((await list())[0]).toMatchObject({ cause: 'rule', rule: 'tray-out', run: 'b', event: 'run_finishing', machine: 'oven-2' });
    expect(fake.requests.get('SaveReplayBuffer')).toBe(1);
  }, 30_000);
});

describe('the highlights webhook', () => {
  const highlight: Highlight = {
    id: 'h1',
    at: 1,
    firedAt: 1,
    cause: 'api',
    orders: [],
    scene: 'Board',
    file: 'Replay.mkv',
    durationSeconds: 20,
    by: 'api',
    thumbnail: false,
  };
  const silent = pino({ level: 'silent' });

  it('never holds up the sender while the receiver hangs, and keeps to its hourly budget', async () => {
    const hang = await receiver(true);
    let dropped = 0;
    const hook = new HighlightWebhook({ url: hang.url, timeoutMs: 300, retries: 0, perHour: 2 }, silent, () => dropped++);
    try {
      const started = performance.now();
      for (let i = 0; i < 5; i++) hook.send({ type: 'highlight', highlight: { ...highlight, id: `h${i}` }, message: 'New clip.' });
      expect(performance.now() - started).toBeLessThan(50);
      expect(dropped).toBe(3);
      await eventually(() => expect(hang.requests()).toBe(2), 5_000);
      // One at a time: a hanging receiver never gets a pile of open requests.
      expect(hang.peak()).toBe(1);
    } finally {
      hook.close();
      await hang.close();
    }
  });
});
