import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.js';
import { tempDir } from './helpers/hub.js';

function configFile(content: string): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, content);
  return file;
}

describe('configuration', () => {
  it('has defaults that run on a bare laptop', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '0.0.0.0', redisUrl: undefined, apiTokenGenerated: true, store: { storeName: 'Batchboard', readyTimeoutMinutes: 30 } });
    expect(c.apiToken.length).toBeGreaterThanOrEqual(24);
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
});
