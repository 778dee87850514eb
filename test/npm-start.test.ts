import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_PIN, TEST_TOKEN, tempDir } from './helpers/hub.js';
import { accepts, freePort } from './helpers/ports.js';
import { exited } from './helpers/process.js';
import { eventually } from './helpers/screens.js';

const ROOT = path.resolve(import.meta.dirname, '..');

// A supervisor (systemd's KillMode=process, docker with `npm start` as its command, pm2) signals npm's own PID,
// not the hub's: the hub must stop with it, not run on as an orphan that keeps the port.
describe('`npm start` as a supervisor runs it', () => {
  let group: number | undefined;
  afterEach(() => {
    // Whatever is left of the group this test started (an orphaned hub, if the test failed), by its PID.
    if (group !== undefined) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    group = undefined;
  });

  it('stops the hub when npm is sent SIGTERM', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, PORT: String(port), DATA_DIR: tempDir(), API_TOKEN: TEST_TOKEN, STAFF_PIN: TEST_PIN, LOG_LEVEL: 'warn' },
    });
    group = npm.pid;
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200), 90_000);
    npm.kill('SIGTERM');
    await exited(npm);
    await eventually(async () => expect(await accepts(port)).toBe(false), 10_000);
  });
});
