import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../server/config.js';
import { startHub, type Hub, type HubOptions } from '../../server/hub.js';
import { freePort } from './ports.js';
import { exited, stopChild } from './process.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const TEST_PIN = '246810';

export function tempDir(prefix = 'bb-data-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A hub in this process, on a free port, with a quiet log. */
export async function startTestHub(env: Record<string, string | undefined> = {}, opts: Partial<HubOptions> = {}): Promise<Hub> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', API_TOKEN: TEST_TOKEN, STAFF_PIN: TEST_PIN, DATA_DIR: tempDir(), LOG_LEVEL: 'silent', ...env });
  return startHub(config, { log: pino({ level: 'silent' }), inboxClaimIdleMs: 2_000, ...opts });
}

export interface SpawnedHub {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the hub wrote, for assertions and for failure messages. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A hub as its own process (`node --import tsx server/main.ts`), for kill -9 and multi-process tests. */
/** Resolves once the hub has logged `until`: 'hub listening' (board loaded, doors open) or 'listening' (HTTP up). */
export async function spawnHub(env: Record<string, string | undefined>, port?: number, until: 'hub listening' | 'listening' = 'hub listening'): Promise<SpawnedHub> {
  const hubPort = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(hubPort), HOST: '127.0.0.1', API_TOKEN: TEST_TOKEN, STAFF_PIN: TEST_PIN, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${hubPort}`;
  const deadline = Date.now() + 30_000;
  const ready = until === 'hub listening' ? '"hub listening"' : '"http listening"';
  while (!out.includes(ready)) {
    if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`hub did not start within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url,
    port: hubPort,
    child,
    output: () => out,
    kill: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (signal === 'SIGKILL') {
        child.kill('SIGKILL');
        await exited(child);
      } else await stopChild(child, signal);
    },
  };
}

export async function post(url: string, body: unknown, token: string | null = TEST_TOKEN): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}
