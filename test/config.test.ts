import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.js';
import { isMessageKey } from '../shared/text/catalogue.js';
import { startTestHub, tempDir } from './helpers/hub.js';
import { TEST_SCENES } from './helpers/obs-studio.js';

function configFile(content: string): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, content);
  return file;
}

describe('the pilot', () => {
  const PILOT = {
    name: 'Södermalm pop-up',
    from: '2027-01-15',
    to: '2027-01-28',
    baseline: { from: '2027-01-01', to: '2027-01-14' },
    floorAreaM2: 42.5,
    productionWindows: [
      { days: ['sat', 'sun'], from: '10:00', to: '16:00' },
      { from: '16:30', to: '18:00' },
    ],
  };
  const load = (pilot: unknown) => () => loadConfig({ CONFIG: configFile(JSON.stringify({ pilot })) });

  it('takes a pilot, a baseline, and both together spanning 400 days, what a report reads, and not a day more', () => {
    expect(load({ ...PILOT, to: '2028-02-04' })).not.toThrow();
    expect(load({ ...PILOT, to: '2028-02-05' })).toThrow(/pilot\.baseline: with the pilot, must span at most 400 days/);
    expect(load({ ...PILOT, baseline: { from: '2025-12-25', to: '2027-01-14' } })).not.toThrow();
    expect(load({ ...PILOT, baseline: { from: '2025-12-25', to: '2026-01-07' } })).not.toThrow();
  });

  it('is read from the config file, and absent without one', () => {
    expect(loadConfig({ CONFIG: configFile(JSON.stringify({ pilot: PILOT })) }).shop.pilot).toEqual(PILOT);
    const { productionWindows: _windows, ...noWindows } = PILOT;
    expect(loadConfig({ CONFIG: configFile(JSON.stringify({ pilot: noWindows })) }).shop.pilot?.productionWindows).toBeUndefined();
    expect(loadConfig({}).shop.pilot).toBeUndefined();
  });

  it.each([
    ['the pilot ending before it starts', { to: '2027-01-10', baseline: { from: '2026-12-01', to: '2026-12-14' } }, /pilot\.to: must not be before from/],
    ['a baseline overlapping the pilot', { baseline: { from: '2027-01-10', to: '2027-01-20' } }, /pilot\.baseline: must not overlap the pilot/],
    ['a baseline ending before it starts', { baseline: { from: '2027-01-14', to: '2027-01-01' } }, /pilot\.baseline\.to: must not be before from/],
    ['no floor area', { floorAreaM2: 0 }, /pilot\.floorAreaM2/],
    ['a date that is not one', { from: '2027-02-30' }, /pilot\.from: must be a date/],
    ['a window ending before it starts', { productionWindows: [{ from: '16:00', to: '10:00' }] }, /pilot\.productionWindows\.0\.to: must be after from/],
    ['a window on no such day', { productionWindows: [{ days: ['funday'], from: '10:00', to: '12:00' }] }, /pilot\.productionWindows\.0\.days\.0/],
    ['a time of day that is not one', { productionWindows: [{ from: '25:00', to: '26:00' }] }, /pilot\.productionWindows\.0\.from: must be a time of day/],
    ['an unknown key', { floorArea: 40 }, /pilot/],
    ['no name', { name: undefined }, /pilot\.name/],
    // Days counted with both ends: 2027-01-15 to 2028-02-19 is 401; a report reads at most 400.
    [
      'a pilot longer than a report reads',
      { to: '2028-02-19' },
      /pilot\.to: must span at most 400 days \(a report reads no more\): 2027-01-15 to 2028-02-19 is 401/,
    ],
    [
      'a baseline longer than a report reads',
      { baseline: { from: '2025-12-10', to: '2027-01-14' } },
      /pilot\.baseline\.to: must span at most 400 days.*is 401/,
    ],
    [
      'a baseline and pilot together longer than a report reads (compare=baseline)',
      { baseline: { from: '2025-12-24', to: '2026-01-06' } },
      /pilot\.baseline: with the pilot, must span at most 400 days \(compare=baseline reads both as one range\): 2025-12-24 to 2027-01-28 is 401/,
    ],
  ])('refuses %s at start, naming the key', (_what, change, key) => {
    expect(load({ ...PILOT, ...change })).toThrow(ConfigError);
    expect(load({ ...PILOT, ...change })).toThrow(key);
  });
});

describe('configuration', () => {
  it('has defaults that run on a bare laptop', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      redisUrl: undefined,
      apiToken: undefined,
      staffPin: undefined,
      shop: { storeName: 'Batchboard', readyTimeoutMinutes: 30 },
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
  });

  it.each([
    ['an unknown key', '{"storeName":"x","readyTimeoutMinuts":5}', 'readyTimeoutMinuts'],
    ['a wrong type', '{"readyTimeoutMinutes":"five"}', 'readyTimeoutMinutes'],
    ['a bad origin', '{"allowedOrigins":["not a url"]}', 'allowedOrigins.0'],
    ['broken JSON', '{"storeName":', 'JSON'],
  ])('names the bad key for %s in the config file', (_what, content, key) => {
    expect(() => loadConfig({ CONFIG: configFile(content) })).toThrow(ConfigError);
    expect(() => loadConfig({ CONFIG: configFile(content) })).toThrow(key);
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['API_TOKEN', { API_TOKEN: 'short' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'loopback,nginx.local' }],
    ['TRUST_PROXY', { TRUST_PROXY: '10.0.0.0/33' }],
  ])('names a bad %s', (key, env) => {
    expect(() => loadConfig(env)).toThrow(key);
  });

  it('makes the hub exit non-zero with the reason on a bad config file', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: { PATH: process.env.PATH, CONFIG: configFile('{"colour":"red"}'), PORT: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('colour');
  });

  it('takes PUBLIC_URL from env over the file, without a trailing slash, and names it when it is not an http address', () => {
    const file = configFile(JSON.stringify({ publicUrl: 'http://file.example:8080/' }));
    expect(loadConfig({ CONFIG: file }).publicUrl).toBe('http://file.example:8080');
    expect(loadConfig({ CONFIG: file, PUBLIC_URL: 'http://192.168.1.20:8080/' }).publicUrl).toBe('http://192.168.1.20:8080');
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/);
    for (const bad of ['http://hub.local:8080/?q=1', 'http://hub.local:8080/#top', 'http://user:pw@hub.local:8080'])
      expect(() => loadConfig({ PUBLIC_URL: bad }), bad).toThrow(/PUBLIC_URL.*no \?query/);
    expect(() => loadConfig({ CONFIG: configFile(JSON.stringify({ publicUrl: 'nope' })) })).toThrow(/publicUrl/);
  });
});

describe('the planner’s day', () => {
  it('takes a closing time on the store’s clock and refuses one that is not HH:MM, naming the key', () => {
    const planner = (p: object) => loadConfig({ CONFIG: configFile(JSON.stringify({ planner: p })) }).shop.planner;
    expect(planner({ enabled: true, closesAt: '21:30' })).toMatchObject({ closesAt: '21:30', profileDays: 7 });
    expect(planner({}).closesAt).toBeUndefined();
    expect(() => planner({ closesAt: '01:00' })).toThrow(/planner\.closesAt.*04:00 or later/);
    for (const bad of ['24:00', '9:30', '21.30', '21:60']) expect(() => planner({ closesAt: bad }), bad).toThrow(/planner\.closesAt.*HH:MM/);
    expect(() => planner({ profileDays: 29 })).toThrow(/planner\.profileDays/);
  });
});

describe('display settings that would break every screen are refused at start', () => {
  it('refuses a locale Intl cannot use (sv_SE), naming the key, and takes sv-SE', () => {
    expect(() => loadConfig({ CONFIG: configFile(JSON.stringify({ display: { locale: 'sv_SE' } })) })).toThrow(/display\.locale.*BCP 47/);
    expect(loadConfig({ CONFIG: configFile(JSON.stringify({ display: { locale: 'sv-SE' } })) }).shop.display.locale).toBe('sv-SE');
  });

  it('serves a logo inside a dot-folder, and refuses one that leads out of the config folder', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, '.brand'));
    writeFileSync(path.join(dir, '.brand', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const config = path.join(dir, 'store.json');
    writeFileSync(config, JSON.stringify({ display: { logo: '.brand/logo.svg' } }));
    const hub = await startTestHub({ CONFIG: config });
    try {
      expect((await fetch(`${hub.url}/branding/logo`)).status).toBe(200);
    } finally {
      await hub.close();
    }

    const outside = tempDir();
    writeFileSync(path.join(outside, 'secret.svg'), '<svg/>');
    symlinkSync(path.join(outside, 'secret.svg'), path.join(dir, 'link.svg'));
    writeFileSync(config, JSON.stringify({ display: { logo: 'link.svg' } }));
    expect(() => loadConfig({ CONFIG: config })).toThrow(/display\.logo: must be inside the config file's folder/);
    writeFileSync(config, JSON.stringify({ display: { logo: '../x.svg' } }));
    writeFileSync(path.join(path.dirname(dir), 'x.svg'), '<svg/>');
    expect(() => loadConfig({ CONFIG: config })).toThrow(/display\.logo: must be inside/);
  });
});

describe('the sample store config in docs/', () => {
  const SAMPLE = path.resolve(import.meta.dirname, '../docs/sample-store/store.json');

  it('is the one the README shows, and speaks Swedish with a few words of its own', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
    const block = /Config file \(`CONFIG=store.json`\)[^]*?```json\n([^]*?)```/.exec(readme)?.[1];
    const sample = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { locale: string; locales: Record<string, { messages: Record<string, string> }> };
    expect(JSON.parse(block!)).toEqual(sample);
    expect(sample.locale).toBe('sv');
    // An address of its own would send a tryer's kiosk QR codes to a machine that is not there.
    expect(sample).not.toHaveProperty('publicUrl');
    expect(Object.keys(sample.locales.sv!.messages).every(isMessageKey)).toBe(true);
  });

  it('directs OBS out of the box: the oven unloading on the oven cam for 40 s, a fault back to the board, the finishing station on its cam', () => {
    const { director } = loadConfig({ CONFIG: SAMPLE }).shop;
    const rule = (name: string) => director.rules.find((r) => r.name === name);
    // The tray coming out is the moment the social team wants: a clip of it and the 10 s after.
    expect(rule('oven-unloading')).toMatchObject({ machine: 'oven-1', state: 'unloading', scene: 'Oven Cam', seconds: 40, clip: { afterSeconds: 10 } });
    expect(director.replayBuffer).toBe('auto');
    expect(rule('finishing-running')).toMatchObject({ machine: 'finishing-1', state: 'running', scene: 'Finishing Station' });
    const faults = director.rules.filter((r) => 'state' in r && r.state === 'fault');
    // Every machine of the demo's floor (scripts/simulator.ts), above every other rule.
    expect(faults.map((r) => ('machine' in r ? r.machine : undefined)).sort()).toEqual(['finishing-1', 'oven-1', 'printer-1']);
    const others = Math.max(...director.rules.filter((r) => !faults.includes(r)).map((r) => r.priority));
    for (const f of faults) expect(f.scene).toBe(director.defaultScene);
    expect(Math.min(...faults.map((f) => f.priority))).toBeGreaterThan(others);
    // Only scenes the OBS setup has (test/helpers/obs-studio.ts seeds the same ones).
    expect(new Set([director.defaultScene, ...director.rules.map((r) => r.scene)])).toEqual(new Set(TEST_SCENES));
  });

  it('takes highlight clips on rules, the replay buffer mode and the highlights webhook, and refuses bad ones naming the key', () => {
    const director = (d: Record<string, unknown>) => loadConfig({ CONFIG: configFile(JSON.stringify({ director: d })) }).shop.director;
    const clipped = director({
      replayBuffer: 'always',
      rules: [
        { machine: 'oven-1', state: 'unloading', scene: 'Oven Cam', clip: { afterSeconds: 5 } },
        { run: 'run_done', scene: 'Oven Cam', clip: { afterSeconds: 0 } },
      ],
      highlights: { webhook: { url: 'https://chat.example/hook' } },
    });
    expect(clipped.rules.map((r) => r.clip)).toEqual([{ afterSeconds: 5 }, { afterSeconds: 0 }]);
    expect(clipped.replayBuffer).toBe('always');
    expect(clipped.highlights.webhook).toEqual({ url: 'https://chat.example/hook', timeoutMs: 5_000, retries: 3, perHour: 30 });
    expect(director({})).toMatchObject({ replayBuffer: 'auto', highlights: {} });
    const rule = { machine: 'oven-1', state: 'unloading', scene: 'Oven Cam' };
    expect(() => director({ rules: [{ ...rule, clip: { afterSeconds: 61 } }] })).toThrow(/director\.rules\.0\.clip\.afterSeconds/);
    expect(() => director({ rules: [{ ...rule, clip: { after: 5 } }] })).toThrow(/director\.rules\.0\.clip/);
    expect(() => director({ replayBuffer: 'sometimes' })).toThrow(/director\.replayBuffer/);
    expect(() => director({ highlights: { webhook: { url: 'ftp://chat.example' } } })).toThrow(/director\.highlights\.webhook\.url/);
    expect(() => director({ highlights: { webhook: { url: 'https://chat.example', perHour: 0 } } })).toThrow(/director\.highlights\.webhook\.perHour/);
  });

  it('starts a hub as written, logo included', async () => {
    const config = loadConfig({ CONFIG: SAMPLE });
    expect(config.shop.display.logo).toBe(path.resolve(path.dirname(SAMPLE), 'logo.svg'));
    const hub = await startTestHub({ CONFIG: SAMPLE });
    try {
      const logo = await fetch(`${hub.url}/branding/logo`);
      expect(logo.status).toBe(200);
      expect(logo.headers.get('content-type')).toContain('svg');
    } finally {
      await hub.close();
    }
  });
});
