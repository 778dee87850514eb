import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { freePort } from './ports.js';
import { exited, stopChild } from './process.js';

/**
 * A Mosquitto of the test's own, on a free port with its own folder (persistence included), so a test may
 * kill it by PID and start it again on the same port. Never the shared broker on 1883.
 */
export class TestMosquitto {
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess | undefined;
  #output = '';

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  static async start(): Promise<TestMosquitto> {
    const dir = mkdtempSync(path.join(tmpdir(), 'bb-mosquitto-'));
    // Started as root, mosquitto drops to its own user, which must be able to write its persistence file here.
    chmodSync(dir, 0o777);
    const broker = new TestMosquitto(await freePort(), dir);
    writeFileSync(
      path.join(dir, 'mosquitto.conf'),
      [`listener ${broker.port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, 'log_dest stderr', ''].join('\n'),
    );
    await broker.up();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts (or restarts) the broker on the same port and folder; resolves once a client can connect. */
  async up(): Promise<void> {
    const child = spawn('mosquitto', ['-c', path.join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (this.#output += d.toString()));
    this.#child = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}:\n${this.#output}`);
      try {
        const probe = await connectAsync(this.url, { reconnectPeriod: 0, connectTimeout: 1_000 });
        await probe.endAsync();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`mosquitto on ${this.port} did not answer within 10 s:\n${this.#output}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }

  async kill(): Promise<void> {
    if (!this.#child) return;
    this.#child.kill('SIGKILL');
    await exited(this.#child);
  }

  /** A publisher (or any client) on this broker; MQTT 5, as the hub speaks. */
  async client(opts: IClientOptions = {}): Promise<MqttClient> {
    const client = await connectAsync(this.url, { protocolVersion: 5, reconnectPeriod: 0, ...opts });
    client.on('error', () => undefined);
    return client;
  }

  output(): string {
    return this.#output;
  }

  async destroy(): Promise<void> {
    if (this.#child) await stopChild(this.#child, 'SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
