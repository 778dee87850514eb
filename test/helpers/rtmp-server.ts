import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accepts, freePort } from './ports.js';
import { exited, stopChild } from './process.js';

/** Where Debian's libnginx-mod-rtmp puts the module (`dpkg -L libnginx-mod-rtmp`). */
export const RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

/**
 * A real RTMP server of the test's own (Debian's nginx with its RTMP module) on a free loopback port, for a real
 * OBS to stream to. nginx runs in one process (`master_process off`), in the foreground, with its config, pid,
 * logs and temp paths in its own folder: so a SIGKILL of its PID takes the listener with it (no orphaned
 * worker keeps the port) and a restart gets the same port back. No HTTP server: only `rtmp { … }`.
 */
export class RtmpServer {
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess | undefined;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  static async start(): Promise<RtmpServer> {
    const server = new RtmpServer(await freePort(), mkdtempSync(path.join(tmpdir(), 'bb-rtmp-')));
    server.#writeConfig();
    await server.up();
    return server;
  }

  /** The server URL OBS streams to (`rtmp_custom`'s `server`; the stream key is apart). */
  get url(): string {
    return `rtmp://127.0.0.1:${this.port}/live`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get errorLog(): string {
    return path.join(this.dir, 'error.log');
  }

  #writeConfig(): void {
    mkdirSync(path.join(this.dir, 'temp'), { recursive: true });
    const conf = [
      `load_module ${RTMP_MODULE};`,
      'daemon off;',
      'master_process off;',
      `pid ${path.join(this.dir, 'nginx.pid')};`,
      `error_log ${this.errorLog} info;`,
      'events { worker_connections 64; }',
      'rtmp {',
      '  server {',
      `    listen 127.0.0.1:${this.port};`,
      '    chunk_size 4096;',
      '    application live { live on; record off; }',
      '  }',
      '}',
      '',
    ];
    writeFileSync(path.join(this.dir, 'nginx.conf'), conf.join('\n'));
  }

  /** Starts (or restarts) nginx on the same port; resolves once it accepts connections. */
  async up(): Promise<void> {
    // -p: relative paths (and the compiled-in temp paths nginx checks at start) resolve inside our folder;
    // -e: the error log before the config is read, so nothing goes to /var/log/nginx.
    const child = spawn('nginx', ['-p', `${this.dir}/`, '-e', this.errorLog, '-c', path.join(this.dir, 'nginx.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.#child = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`nginx (rtmp) exited with ${child.exitCode}: ${stderr}${this.log().slice(-2000)}`);
      if (await accepts(this.port)) return;
      if (Date.now() > deadline) throw new Error(`nginx (rtmp) on ${this.port} did not listen within 10 s: ${stderr}${this.log().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** nginx's log (level info: the RTMP module logs each client's connect and `publish: name='KEY' …`). */
  log(): string {
    try {
      return readFileSync(this.errorLog, 'utf8');
    } catch {
      return '';
    }
  }

  /** How many times a client started publishing the stream `key` here (a reconnect publishes again). */
  publishes(key: string): number {
    return this.log().split(`publish: name='${key}'`).length - 1;
  }

  /** A clean stop (SIGQUIT: nginx's graceful shutdown), SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (this.#child) await stopChild(this.#child, 'SIGQUIT', 3_000);
  }

  /** kill -9: the server vanishes mid-stream, as a crashed ingest would. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited(child);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.up();
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
