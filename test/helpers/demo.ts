import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Snapshot } from '../../shared/schemas/board.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Demo {
  child: ChildProcess;
  output(): string;
}

/** `npm run demo` as a user starts it (its own process), with the test's environment on top. */
export function startDemo(env: Record<string, string>): Demo {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

export async function board(port: number): Promise<Snapshot> {
  return (await (await fetch(`http://127.0.0.1:${port}/api/board`)).json()) as Snapshot;
}
