import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OBSWebSocket } from 'obs-websocket-js/json';
import { collectionFile, obsSource, sceneItem } from '../../server/director/scene-collection.js';
import { freePort } from './ports.js';
import { exited } from './process.js';

export const TEST_SCENES = ['Board', 'Oven Cam', 'Finishing Station'];
const COLLECTION = 'Batchboard Test';
const COLOURS = [0xff2020c0, 0xff20c020, 0xffc02020];

/**
 * A real OBS Studio 29 (Debian's package) under its own Xvfb, with a
 * throw-away config: websocket server on, first-run wizard off, preview off
 * (it is the main idle cost), three scenes of plain colour, and the replay buffer in the profile
 * (RecRB=true, 20 s, as ../shared/obs/start-obs.sh writes it), so highlights can be saved. Facts from
 * shared/obs/README.md: ServerEnabled defaults to false; --multi lets two run;
 * OBS exits 0 without a display; the log line tells when the websocket listens.
 */
export class ObsStudio {
  readonly port: number;
  readonly password = randomBytes(12).toString('hex');
  readonly dir: string;
  #xvfb: ChildProcess | undefined;
  #obs: ChildProcess | undefined;

  /** A scene collection to load instead of the three plain-colour scenes (its `name` is replaced). */
  readonly #collection: Record<string, unknown> | undefined;

  private constructor(port: number, dir: string, collection?: Record<string, unknown>) {
    this.port = port;
    this.dir = dir;
    this.#collection = collection;
  }

  static async start(opts: { collection?: Record<string, unknown> } = {}): Promise<ObsStudio> {
    const obs = new ObsStudio(await freePort(), mkdtempSync(path.join(tmpdir(), 'bb-obs-')), opts.collection);
    obs.#writeConfig();
    await obs.up();
    return obs;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  #writeConfig(): void {
    const cfg = path.join(this.dir, 'config/obs-studio');
    mkdirSync(path.join(cfg, 'basic/profiles/Test'), { recursive: true });
    mkdirSync(path.join(cfg, 'basic/scenes'), { recursive: true });
    for (const d of ['home', 'runtime', 'recordings']) mkdirSync(path.join(this.dir, d), { recursive: true, mode: 0o700 });
    writeFileSync(
      path.join(cfg, 'global.ini'),
      [
        '[General]',
        'FirstRun=true',
        'Pre19Defaults=false',
        'Pre21Defaults=false',
        'Pre23Defaults=false',
        'Pre24.1Defaults=false',
        '[Basic]',
        'Profile=Test',
        'ProfileDir=Test',
        `SceneCollection=${COLLECTION}`,
        `SceneCollectionFile=${COLLECTION}`,
        '[BasicWindow]',
        'PreviewEnabled=false',
        '[OBSWebSocket]',
        'FirstLoad=false',
        'ServerEnabled=true',
        `ServerPort=${this.port}`,
        'AlertsEnabled=false',
        'AuthRequired=true',
        `ServerPassword=${this.password}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(cfg, 'basic/profiles/Test/basic.ini'),
      [
        '[General]',
        'Name=Test',
        '[Video]',
        'BaseCX=640',
        'BaseCY=360',
        'OutputCX=640',
        'OutputCY=360',
        'FPSType=1',
        'FPSInt=30',
        '[Output]',
        'Mode=Simple',
        '[SimpleOutput]',
        `FilePath=${path.join(this.dir, 'recordings')}`,
        'RecFormat=mkv',
        'RecRB=true',
        'RecRBTime=20',
        'RecRBSize=128',
        '',
      ].join('\n'),
    );
    const sources = TEST_SCENES.flatMap((name, i) => [
      obsSource('color_source_v3', `${name} Color`, { color: COLOURS[i % 3], width: 640, height: 360 }),
      obsSource('scene', name, { id_counter: 1, custom_size: false, items: [sceneItem(`${name} Color`, 1)] }),
    ]);
    const file = path.join(cfg, `basic/scenes/${COLLECTION}.json`);
    writeFileSync(file, JSON.stringify(this.#collection ? { ...this.#collection, name: COLLECTION } : collectionFile(COLLECTION, TEST_SCENES, sources)));
  }

  /** Starts Xvfb (if needed) and OBS, and resolves once OBS's websocket listens. */
  async up(): Promise<void> {
    if (!this.#xvfb || this.#xvfb.exitCode !== null) this.#xvfb = await this.#startXvfb();
    const display = readFileSync(path.join(this.dir, 'xvfb.display'), 'utf8').trim();
    const log = path.join(this.dir, `obs-${Date.now()}.log`);
    writeFileSync(log, '');
    const out = await import('node:fs').then((fs) => fs.openSync(log, 'a'));
    this.#obs = spawn('obs', ['--multi', '--disable-missing-files-check', '--collection', COLLECTION, '--profile', 'Test'], {
      cwd: this.dir,
      detached: true, // its own process group, so obs-ffmpeg-mux goes with it
      stdio: ['ignore', out, out],
      env: {
        PATH: process.env.PATH,
        DISPLAY: `:${display}`,
        QT_QPA_PLATFORM: 'xcb',
        LIBGL_ALWAYS_SOFTWARE: '1',
        HOME: path.join(this.dir, 'home'),
        XDG_CONFIG_HOME: path.join(this.dir, 'config'),
        XDG_CACHE_HOME: path.join(this.dir, 'home/.cache'),
        XDG_RUNTIME_DIR: path.join(this.dir, 'runtime'),
      },
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const text = readFileSync(log, 'utf8');
      if (text.includes(`Server started successfully on port ${this.port}`)) return;
      if (text.includes('Listen failed')) throw new Error(`OBS could not listen on ${this.port}:\n${text.slice(-2000)}`);
      if (this.#obs.exitCode !== null) throw new Error(`OBS exited with ${this.#obs.exitCode}:\n${text.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`OBS websocket not up within 60 s:\n${text.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async #startXvfb(): Promise<ChildProcess> {
    const file = path.join(this.dir, 'xvfb.display');
    writeFileSync(file, '');
    const fs = await import('node:fs');
    const fd = fs.openSync(file, 'w');
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x720x24', '-nolisten', 'tcp', '-noreset'], {
      stdio: ['ignore', 'ignore', 'ignore', fd],
      detached: true,
    });
    const deadline = Date.now() + 10_000;
    while (!readFileSync(file, 'utf8').trim()) {
      if (xvfb.exitCode !== null || Date.now() > deadline) throw new Error('Xvfb did not report a display');
      await new Promise((r) => setTimeout(r, 25));
    }
    fs.closeSync(fd);
    return xvfb;
  }

  /** Starts again from the seeded config (program on the first scene), as a replaced machine would. */
  async restartFresh(): Promise<void> {
    this.#writeConfig();
    await this.up();
  }

  /** kill -9 of OBS and its process group (Xvfb stays for a restart). */
  async kill(): Promise<void> {
    const obs = this.#obs;
    if (!obs?.pid || obs.exitCode !== null || obs.signalCode !== null) return;
    try {
      process.kill(-obs.pid, 'SIGKILL');
    } catch {
      obs.kill('SIGKILL');
    }
    await exited(obs);
  }

  freeze(): void {
    if (this.#obs?.pid) process.kill(-this.#obs.pid, 'SIGSTOP');
  }

  thaw(): void {
    const obs = this.#obs;
    // A killed OBS has nothing to wake (its process group is gone: ESRCH).
    if (obs?.pid && obs.exitCode === null && obs.signalCode === null) process.kill(-obs.pid, 'SIGCONT');
  }

  /** A client of the test's own, to look at OBS and to act as a person at the OBS window. */
  async client(): Promise<OBSWebSocket> {
    const ws = new OBSWebSocket();
    await ws.connect(this.url, this.password);
    return ws;
  }

  async destroy(): Promise<void> {
    this.thaw();
    await this.kill();
    const x = this.#xvfb;
    if (x?.pid && x.exitCode === null) {
      try {
        process.kill(-x.pid, 'SIGKILL');
      } catch {
        x.kill('SIGKILL');
      }
      await exited(x);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
