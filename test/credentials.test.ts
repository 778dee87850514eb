import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { order } from './helpers/fixtures.js';
import { post, spawnHub, tempDir, type SpawnedHub } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { eventually } from './helpers/screens.js';

/** A hub as `npm start` runs it on a store machine: no API_TOKEN or STAFF_PIN in its environment. */
function startBare(env: Record<string, string>, port?: number): Promise<SpawnedHub> {
  return spawnHub({ API_TOKEN: undefined, STAFF_PIN: undefined, ...env }, port);
}

/** The hub's start notice, once written: the secrets it made (if any) and where they are kept. */
async function notice(hub: SpawnedHub): Promise<{ token?: string; pin?: string; text: string }> {
  await eventually(() => expect(hub.output()).toContain('restart the hubs'), 10_000);
  const text = hub.output();
  return { token: /API_TOKEN=(\S+)/.exec(text)?.[1], pin: /made a staff PIN \(shown this once\): (\d+)/.exec(text)?.[1], text };
}

async function login(url: string, pin: string): Promise<{ status: number; cookie: string }> {
  const res = await fetch(`${url}/api/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pin, name: 'Ana' }),
  });
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! };
}

const sessionStatus = async (url: string, cookie: string) => (await fetch(`${url}/api/staff/session`, { headers: { cookie } })).status;

describe('a hub restarted without API_TOKEN and STAFF_PIN keeps the ones it made', () => {
  let redis: TestRedis;
  const hubs: SpawnedHub[] = [];
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.kill('SIGKILL')));
  });
  afterAll(async () => {
    await redis?.destroy();
  });

  async function restartKeeps(envFirst: Record<string, string>, envSecond: Record<string, string>): Promise<void> {
    const first = await startBare(envFirst);
    hubs.push(first);
    const made = await notice(first);
    expect(made.token).toMatch(/^[\w-]{32}$/);
    expect(made.pin).toMatch(/^\d{6}$/);
    expect((await post(`${first.url}/api/orders`, order({ updatedAt: Date.now() }), made.token)).status).toBe(200);
    const session = await login(first.url, made.pin!);
    expect(session.status).toBe(200);
    expect(await sessionStatus(first.url, session.cookie)).toBe(200);

    await first.kill('SIGTERM');
    const second = await startBare(envSecond, first.port);
    hubs.push(second);
    const again = await notice(second);
    expect(again.token).toBeUndefined(); // nothing new made, nothing printed again
    expect(again.pin).toBeUndefined();
    expect(again.text).toContain('npm run credentials -- rotate');
    expect((await post(`${second.url}/api/orders`, order({ updatedAt: Date.now() }), made.token)).status).toBe(200);
    expect((await post(`${second.url}/api/orders`, order({ updatedAt: Date.now() }), 'not-the-token-0123456789')).status).toBe(401);
    expect(await sessionStatus(second.url, session.cookie)).toBe(200); // the tablet stays logged in
    expect((await login(second.url, made.pin!)).status).toBe(200);
    expect((await login(second.url, made.pin === '000000' ? '000001' : '000000')).status).toBe(401);
    // Only digests are kept: the secrets themselves appear nowhere in what the hub stores.
    const kept = envFirst.REDIS_URL
      ? JSON.stringify(await redis.client().hgetall('batchboard:credentials'))
      : readFileSync(path.join(envFirst.DATA_DIR!, 'credentials.json'), 'utf8');
    expect(kept).not.toContain(made.token!);
    expect(kept).not.toContain(`"${made.pin!}"`);
  }

  it('embedded: in DATA_DIR, readable by the hub’s user only', async () => {
    const dataDir = tempDir();
    await restartKeeps({ DATA_DIR: dataDir }, { DATA_DIR: dataDir });
    expect(statSync(path.join(dataDir, 'credentials.json')).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('on Redis: shared by every hub, whatever its DATA_DIR', async () => {
    await redis.client().del('batchboard:credentials');
    await restartKeeps({ REDIS_URL: redis.url, DATA_DIR: tempDir() }, { REDIS_URL: redis.url, DATA_DIR: tempDir() });
  }, 60_000);

  it('rotates one with `npm run credentials -- rotate`: the next start takes the new one, not the old', async () => {
    const dataDir = tempDir();
    const first = await startBare({ DATA_DIR: dataDir });
    hubs.push(first);
    const made = await notice(first);
    const before = await login(first.url, made.pin!);
    await first.kill('SIGTERM');

    const rotate = (which: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/credentials.ts', 'rotate', which], {
        cwd: path.resolve(import.meta.dirname, '..'),
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const token = /^API_TOKEN=(\S+)$/m.exec(rotate('api-token').stdout)?.[1];
    const pin = /^STAFF_PIN=(\d+)$/m.exec(rotate('staff-pin').stdout)?.[1];
    expect(token).toMatch(/^[\w-]{32}$/);
    expect(pin).toMatch(/^\d{6}$/);
    expect(rotate('everything').status).toBe(2);

    const second = await startBare({ DATA_DIR: dataDir }, first.port);
    hubs.push(second);
    expect((await notice(second)).token).toBeUndefined();
    expect((await post(`${second.url}/api/orders`, order({ updatedAt: Date.now() }), token)).status).toBe(200);
    expect((await post(`${second.url}/api/orders`, order({ updatedAt: Date.now() }), made.token)).status).toBe(401);
    expect((await login(second.url, pin!)).status).toBe(200);
    expect(await sessionStatus(second.url, before.cookie)).toBe(401); // a new PIN logs out whoever knew the old one
    if (pin !== made.pin) expect((await login(second.url, made.pin!)).status).toBe(401);
  }, 60_000);
});
