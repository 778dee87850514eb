// Runs deploy/nginx-batchboard.conf, the config docs/scaling.md tells operators to use,
// in front of the bench's hubs: only its ports are rewritten.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTool } from '../../test/setup/ensure-tool.js';
import { stopChild } from '../../test/helpers/process.js';
import { accepts } from '../../test/helpers/ports.js';

const CONFIG = path.resolve(import.meta.dirname, '../../deploy/nginx-batchboard.conf');

export interface Nginx {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function startNginx(port: number, hubPorts: number[]): Promise<Nginx> {
  ensureTool('nginx', ['nginx']);
  const prefix = mkdtempSync(path.join(tmpdir(), 'bb-nginx-'));
  mkdirSync(path.join(prefix, 'tmp'));
  chmodSync(prefix, 0o755);
  chmodSync(path.join(prefix, 'tmp'), 0o777); // workers run as nobody when started as root
  const site = readFileSync(CONFIG, 'utf8')
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`)
    .replace(/(\s+server 127\.0\.0\.1:808\d[^\n]*\n)+/, `\n${hubPorts.map((p) => `    server 127.0.0.1:${p} max_fails=2 fail_timeout=5s;`).join('\n')}\n`);
  writeFileSync(path.join(prefix, 'batchboard.conf'), site);
  const t = path.join(prefix, 'tmp');
  writeFileSync(
    path.join(prefix, 'nginx.conf'),
    `daemon off;
worker_processes 1;
worker_rlimit_nofile 20000;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 16000; }
http {
  access_log off;
  client_body_temp_path ${t}; proxy_temp_path ${t}; fastcgi_temp_path ${t}; uwsgi_temp_path ${t}; scgi_temp_path ${t};
  include ${prefix}/batchboard.conf;
}
`,
  );
  const child = spawn('nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
  const stop = () => stopChild(child, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${errors}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not listen within 10 s: ${errors}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `http://127.0.0.1:${port}`, child, stop };
}
