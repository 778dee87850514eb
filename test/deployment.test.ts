import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { eventually } from './helpers/screens.js';

const SERVER = path.resolve(import.meta.dirname, '../server');

function serverFiles(dir = SERVER): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? serverFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

describe('the one switch between Redis and embedded', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    await redis.destroy();
  });

  it('is made in server/deployment.ts only: no other file of the hub reads REDIS_URL from the config', () => {
    const readers = serverFiles()
      .filter((file) => /\bredisUrl\b/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(SERVER, file));
    // config.ts parses it; deployment.ts decides on it.
    expect(readers.sort()).toEqual(['config.ts', 'deployment.ts']);
  });

  it('builds the hub on the embedded state without REDIS_URL', async () => {
    const hub = await startTestHub();
    try {
      const ready = await fetch(`${hub.url}/readyz`);
      expect(await ready.json()).toMatchObject({ storeKind: 'embedded' });
    } finally {
      await hub.close();
    }
  });

  it('builds the hub on Redis with REDIS_URL, over three connections: commands, subscriber, stream', async () => {
    const hub = await startTestHub({ REDIS_URL: redis.url });
    const admin = redis.client();
    try {
      const ready = await fetch(`${hub.url}/readyz`);
      expect(await ready.json()).toMatchObject({ storeKind: 'redis' });
      const names = String(await admin.call('CLIENT', 'LIST'))
        .split('\n')
        .map((line) => /\bname=(\S*)/.exec(line)?.[1])
        .filter((name): name is string => !!name?.startsWith('batchboard-'));
      expect(names.sort()).toEqual(['batchboard-commands', 'batchboard-stream', 'batchboard-subscriber']);
    } finally {
      admin.disconnect();
      await hub.close();
    }
    // Closed: the hub leaves no connection behind (Redis drops a connection just after its QUIT is answered).
    const after = redis.client();
    try {
      await eventually(async () => {
        const left = String(await after.call('CLIENT', 'LIST'))
          .split('\n')
          .filter((line) => /\bname=batchboard-/.test(line));
        expect(left).toEqual([]);
      });
    } finally {
      after.disconnect();
    }
  });
});
