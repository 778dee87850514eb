import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Hub } from '../server/hub.js';
import { Webhook, type WebhookPost } from '../server/insight/webhook.js';
import { BoardFeed } from '../shared/client/board-feed.js';
import { FakeObs } from './helpers/fake-obs.js';
import { machine, order } from './helpers/fixtures.js';
import { post, startTestHub, tempDir } from './helpers/hub.js';
import { eventually } from './helpers/screens.js';
import { receiver } from './helpers/webhook-receiver.js';

function config(extra: Record<string, unknown>): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify({ promiseMinutes: 600, ...extra }));
  return file;
}

describe('alerts', () => {
  let hook: Awaited<ReturnType<typeof receiver>>;
  let fake: FakeObs;
  let hub: Hub;
  beforeAll(async () => {
    hook = await receiver();
    fake = await FakeObs.start();
    fake.streaming = true;
    hub = await startTestHub({
      OBS_URL: fake.url,
      // A long post timeout: a receiver slowed by a busy machine must not make the hub post an alert twice.
      CONFIG: config({ alerts: { oldestQueuedMinutes: 0.02, screenOfflineMinutes: 0.02, webhook: { url: hook.url, timeoutMs: 30_000, retries: 1 } } }),
    });
  });
  afterAll(async () => {
    await hub?.close();
    await fake?.close();
    await hook?.close();
  });

  const posts = (alert: string) => hook.got.filter((p) => p.alert === alert).map((p) => p.state);

  it('raises each condition once at its threshold and clears it when it ends, to the webhook', async () => {
    const late = order({ id: 'al-1', number: '801', promisedAt: Date.now() - 1_000, updatedAt: Date.now() });
    await post(`${hub.url}/api/orders`, late);
    await eventually(() => expect(posts('order_late:al-1')).toEqual(['raised']));
    // Waiting over 0.02 min (1.2 s): the oldest-order alert.
    await eventually(() => expect(posts('queue_old:queue')).toEqual(['raised']), 15_000);
    await post(`${hub.url}/api/machines`, machine({ id: 'oven-9', state: 'fault', updatedAt: Date.now() }));
    await eventually(() => expect(posts('machine_fault:oven-9')).toEqual(['raised']));

    expect((await post(`${hub.url}/api/screens`, { name: 'window-1' })).status).toBe(201);
    const screen = new BoardFeed({ url: hub.url, query: { screen: 'window-1' }, transports: ['websocket'] });
    await eventually(() => expect(screen.connected).toBe(true));
    screen.close();
    // Offline 0.02 min (1.2 s), seen by a check that reads the screen list (every 2 s): a few seconds.
    await eventually(() => expect(posts('screen_offline:window-1')).toEqual(['raised']), 15_000);

    // Still true a few checks later: nothing more was sent. Each probe fault is raised by a full check, which also
    // found the four conditions above still true; posts go out in order, so once the second probe's post is in,
    // whatever the first probe's check (and every check before it) sent is in too.
    for (const probe of ['oven-10', 'oven-11']) {
      await post(`${hub.url}/api/machines`, machine({ id: probe, state: 'fault', updatedAt: Date.now() }));
      await eventually(() => expect(posts(`machine_fault:${probe}`)).toEqual(['raised']));
    }
    expect(hook.got.filter((p) => p.state === 'raised')).toHaveLength(6);

    await post(`${hub.url}/api/orders`, { ...late, status: 'ready', updatedAt: Date.now() });
    for (const id of ['oven-9', 'oven-10', 'oven-11']) await post(`${hub.url}/api/machines`, machine({ id, state: 'running', updatedAt: Date.now() }));
    const back = new BoardFeed({ url: hub.url, query: { screen: 'window-1' }, transports: ['websocket'] });
    try {
      await eventually(() => {
        expect(posts('order_late:al-1')).toEqual(['raised', 'cleared']);
        expect(posts('queue_old:queue')).toEqual(['raised', 'cleared']);
        expect(posts('machine_fault:oven-9')).toEqual(['raised', 'cleared']);
        expect(posts('screen_offline:window-1')).toEqual(['raised', 'cleared']);
        expect(posts('machine_fault:oven-10')).toEqual(['raised', 'cleared']);
        expect(posts('machine_fault:oven-11')).toEqual(['raised', 'cleared']);
      }, 15_000);
    } finally {
      back.close();
    }
    // The chat gets a sentence; a receiver that words alerts itself gets the code and its values.
    expect(hook.got.find((p) => p.alert === 'machine_fault:oven-9')).toMatchObject({
      kind: 'machine_fault',
      code: 'machine_fault',
      params: { machine: 'oven-9', name: 'Oven 1' },
      message: 'Oven 1 is in fault',
    });
    expect(hook.got.find((p) => p.alert === 'screen_offline:window-1')).toMatchObject({ code: 'screen_offline', params: { screen: 'window-1' } });
  });

  it('raises OBS disconnected while streaming, and clears it when OBS is back', async () => {
    // With no production running: while it runs, the stream lost with OBS is stream_dropped's (test/stream-health.obs.test.ts).
    for (const id of ['oven-9', 'oven-10', 'oven-11']) await post(`${hub.url}/api/machines`, machine({ id, state: 'idle', updatedAt: Date.now() }));
    await eventually(() => expect(hub.board.snapshot().machines.filter((m) => m.state === 'running')).toEqual([]));
    await eventually(async () =>
      expect(await (await fetch(`${hub.url}/api/director`, { headers: { authorization: 'Bearer test-token-0123456789abcdef' } })).json()).toMatchObject({
        data: { obs: 'connected', streaming: true },
      }),
    );
    const port = Number(new URL(fake.url).port);
    await fake.close();
    await eventually(() => expect(posts('obs_down_while_streaming:obs')).toEqual(['raised']), 10_000);
    fake = await FakeObs.start(port);
    fake.streaming = true;
    await eventually(() => expect(posts('obs_down_while_streaming:obs')).toEqual(['raised', 'cleared']), 15_000);
  }, 40_000);
});

describe('alerts in the store’s language', () => {
  it('posts the chat a sentence in the store’s locale, with the store’s own words, and logs it in English', async () => {
    const hook = await receiver();
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const hub = await startTestHub(
      {
        CONFIG: config({
          locale: 'sv',
          locales: { sv: { messages: { 'alert.order_late': 'Beställning {number} är sen!' } } },
          alerts: { webhook: { url: hook.url, timeoutMs: 30_000, retries: 1 } },
        }),
      },
      { log: pino(sink) },
    );
    try {
      await post(`${hub.url}/api/machines`, machine({ id: 'ugn-1', name: 'Ugnen', state: 'fault', updatedAt: Date.now() }));
      await post(`${hub.url}/api/orders`, order({ id: 'sv-1', number: '77', promisedAt: Date.now() - 1_000, updatedAt: Date.now() }));
      await eventually(() => expect(hook.got.map((p) => p.alert).sort()).toEqual(['machine_fault:ugn-1', 'order_late:sv-1']));
      expect(hook.got.find((p) => p.alert === 'machine_fault:ugn-1')?.message).toBe('Ugnen har fel');
      expect(hook.got.find((p) => p.alert === 'order_late:sv-1')?.message).toBe('Beställning 77 är sen!');
      expect(lines.some((l) => l.alert === 'machine_fault:ugn-1' && l.msg === 'Ugnen is in fault')).toBe(true);
    } finally {
      await hub.close();
      await hook.close();
    }
  });
});

/** Rejects if `work` is not done within `ms`: a bound far beyond the normal case, to fail fast rather than at the test timeout. */
async function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('an alert webhook that hangs', () => {
  it('does not stall the hub: screens and the API answer, and the hub closes, while a post is still hanging', async () => {
    const hang = await receiver(true);
    // The post hangs for a minute: anything in the hub that waited for it could not finish while it is still open.
    const hub = await startTestHub({ CONFIG: config({ alerts: { webhook: { url: hang.url, timeoutMs: 60_000, retries: 2 } } }) });
    let closing: Promise<void> | undefined;
    try {
      for (let i = 0; i < 5; i++) await post(`${hub.url}/api/machines`, machine({ id: `m-${i}`, state: 'fault', updatedAt: Date.now() }));
      await eventually(() => expect(hang.open()).toBe(1));
      await within(
        15_000,
        (async () => {
          for (let i = 0; i < 20; i++) expect((await fetch(`${hub.url}/api/board`)).status).toBe(200);
          const screen = new BoardFeed({ url: hub.url, transports: ['websocket'] });
          try {
            await eventually(() => expect(screen.mirror.machines.size).toBe(5));
          } finally {
            screen.close();
          }
        })(),
        'the API and a screen',
      );
      // Answered while the first post was still hanging, and nothing queued behind it was sent meanwhile.
      expect([hang.open(), hang.requests()]).toEqual([1, 1]);
      closing = hub.close();
      await within(15_000, closing, 'hub.close()');
      // Closed without waiting for the post to answer or time out.
      expect(hang.open()).toBe(1);
    } finally {
      if (!closing) await hub.close();
      await hang.close();
    }
  });
});

function alertPost(kind: 'screen_offline' | 'machine_fault', id: string): WebhookPost {
  const base = { state: 'raised' as const, at: Date.now(), alert: `${kind}:${id}`, message: `${id}`, since: Date.now() };
  return kind === 'screen_offline'
    ? { ...base, kind, code: kind, params: { screen: id, minutes: 5 } }
    : { ...base, kind, code: kind, params: { machine: id, name: id } };
}

describe('the alert webhook on its own', () => {
  it('gives each alert kind its own budget and turn: a flood of screen alerts neither uses up nor holds back a machine fault', async () => {
    const hook = await receiver();
    const drops: string[] = [];
    const webhook = new Webhook({ url: hook.url, timeoutMs: 5_000, retries: 0 }, pino({ level: 'silent' }), (kind) => drops.push(kind));
    try {
      for (let i = 0; i < 60; i++) webhook.send(alertPost('screen_offline', `ghost-${i}`));
      webhook.send(alertPost('machine_fault', 'oven-1'));
      await eventually(() => expect(hook.got).toHaveLength(31));
      // 30 a minute of each kind: the other 30 screen alerts were dropped and counted as such.
      expect(hook.got.filter((p) => p.kind === 'screen_offline')).toHaveLength(30);
      expect([drops.length, new Set(drops)]).toEqual([30, new Set(['screen_offline'])]);
      expect(webhook.dropped).toBe(30);
      // Kinds take turns: the fault went out second, right after the screen alert already on its way.
      expect(hook.got.findIndex((p) => p.alert === 'machine_fault:oven-1')).toBe(1);
    } finally {
      webhook.close();
      await hook.close();
    }
  });

  it('times a hanging post out, retries it, gives up, and goes on to the next', async () => {
    const hang = await receiver(true);
    const webhook = new Webhook({ url: hang.url, timeoutMs: 200, retries: 1 }, pino({ level: 'silent' }));
    try {
      webhook.send(alertPost('machine_fault', 'm-1'));
      webhook.send(alertPost('machine_fault', 'm-2'));
      // Two attempts for each payload, one at a time: each ended by its timeout before the next began.
      await eventually(() => expect(hang.requests()).toBe(4), 15_000);
      await eventually(() => expect(hang.open()).toBe(0), 15_000);
      expect([hang.requests(), hang.peak()]).toEqual([4, 1]);
    } finally {
      webhook.close();
      await hang.close();
    }
  });
});
