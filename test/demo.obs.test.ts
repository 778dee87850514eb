import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PilotReport } from '../shared/report.js';
import type { DirectorLogEntry, Highlight } from '../shared/schemas/director.js';
import { startDemo, type Demo } from './helpers/demo.js';
import { tempDir } from './helpers/hub.js';
import { ObsStudio } from './helpers/obs-studio.js';
import { freePort } from './helpers/ports.js';
import { stopChild } from './helpers/process.js';
import { eventually } from './helpers/screens.js';

/** Matroska files start with the EBML magic. */
const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);

function head(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    readSync(fd, buf, 0, bytes, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

describe('npm run demo with a real OBS Studio', () => {
  let obs: ObsStudio | undefined;
  let demo: Demo | undefined;
  afterAll(async () => {
    if (demo) await stopChild(demo.child);
    await obs?.destroy();
  });

  it(
    'cuts by a rule and saves a highlight clip of the tray coming out by itself within its first minutes, by the sample rules',
    { timeout: 300_000 },
    async () => {
      obs = await ObsStudio.start();
      // OBS's own view of the program, independent of the hub's log.
      const watcher = await obs.client();
      const programs: string[] = [];
      watcher.on('CurrentProgramSceneChanged', (e) => programs.push(e.sceneName));
      const port = await freePort();
      demo = startDemo({ DATA_DIR: tempDir(), PORT: String(port), OBS_URL: obs.url, OBS_PASSWORD: obs.password });
      await eventually(() => expect(demo!.output()).toContain('numbered from'), 30_000);
      expect(demo.output()).toContain(`OBS        ${obs.url}`);
      const token = /API token\s+(\S+)/.exec(demo.output())?.[1];
      const get = async <T>(route: string): Promise<T> => {
        const res = await fetch(`http://127.0.0.1:${port}${route}`, { headers: { authorization: `Bearer ${token}` } });
        return (await res.json()) as T;
      };

      // The demo's oven bakes a tray in 40 s (20 run minutes at 2 s each); the sample's rule cuts when it unloads,
      // and saves the replay buffer 10 s later. Nobody touches anything.
      let highlight: Highlight | undefined;
      await eventually(async () => {
        const list = (await get<{ data: Highlight[] }>('/api/director/highlights')).data;
        highlight = list.find((h) => h.cause === 'rule');
        expect(highlight).toBeDefined();
      }, 180_000);
      expect(highlight).toMatchObject({ rule: 'oven-unloading', machine: 'oven-1', state: 'unloading' });
      // A cut by a rule, by itself. Which one comes first is the simulated floor's to say: the oven unloading, or a
      // machine's fault back to the board (which also holds the next cut off for the dwell, so an unloading of 5 s can
      // pass without one). OBS itself showed it.
      let cut: DirectorLogEntry | undefined;
      await eventually(async () => {
        const log = (await get<{ data: { log: DirectorLogEntry[] } }>('/api/director')).data.log;
        cut = log.find((e) => e.cause === 'rule');
        expect(cut).toBeDefined();
      }, 60_000);
      expect(programs).toContain(cut!.scene);

      // The clip is a real Matroska file in OBS's recording folder.
      const file = path.join(obs.dir, 'recordings', highlight!.file);
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).size).toBeGreaterThan(1_000);
      expect(head(file, 4).equals(EBML)).toBe(true);

      // The demo publishes the highlight as a clip: its reach comes through POST /api/social, tied to the highlight.
      await eventually(async () => {
        const report = await get<PilotReport>('/api/report');
        expect(report.social.clips).toBeGreaterThan(0);
        expect(report.social.reach.views).toBeGreaterThan(0);
      }, 30_000);
      await watcher.disconnect();
    },
  );
});
