import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { TEST_TOKEN, startTestHub, tempDir } from './helpers/hub.js';
import { ObsStudio } from './helpers/obs-studio.js';

const SAMPLE_STORE = path.resolve(import.meta.dirname, '../docs/sample-store/store.json');
const PUBLIC_URL = 'http://batchboard.store.test:8080';

/** The sample store's director section alone, in a config file of its own (the rest of the sample needs its logo). */
function sampleDirectorConfig(): string {
  const sample = JSON.parse(readFileSync(SAMPLE_STORE, 'utf8')) as { director: { defaultScene?: string; rules: { scene: string }[] } };
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify({ director: sample.director }));
  return file;
}

async function collectionOf(hub: Hub): Promise<{ status: number; disposition: string | null; body: Record<string, unknown> }> {
  const res = await fetch(`${hub.url}/api/director/scene-collection`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  return { status: res.status, disposition: res.headers.get('content-disposition'), body: (await res.json()) as Record<string, unknown> };
}

/** The collection as a tablet that reached the hub by the name `host` gets it (fetch would not send this Host). */
function viaHost(hub: Hub, host: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(`${hub.url}/api/director/scene-collection`, { headers: { host, authorization: `Bearer ${TEST_TOKEN}` }, timeout: 5_000 }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
    req.end();
  });
}

describe('the OBS scene collection the hub hands out (docs/obs.md)', () => {
  let hub: Hub;
  let obs: ObsStudio | undefined;
  const config = sampleDirectorConfig();
  const sample = JSON.parse(readFileSync(config, 'utf8')) as { director: { defaultScene?: string; rules: { scene: string }[] } };
  const wanted = [...new Set([sample.director.defaultScene ?? 'Board', ...sample.director.rules.map((r) => r.scene)])];

  beforeAll(async () => {
    // No OBS_URL: a store sets OBS up before it connects the director.
    hub = await startTestHub({ CONFIG: config, PUBLIC_URL });
  });
  afterAll(async () => {
    await hub.close();
    await obs?.destroy();
  });

  it(
    'loads in a real OBS with every scene the sample rules cut to, the board full screen and the overlay over a camera placeholder',
    { timeout: 90_000 },
    async () => {
      const { status, disposition, body } = await collectionOf(hub);
      expect(status).toBe(200);
      expect(disposition).toContain('batchboard-scenes.json');
      obs = await ObsStudio.start({ collection: body });
      const client = await obs.client();
      try {
        const list = await client.call('GetSceneList');
        expect(list.scenes.map((s) => s.sceneName).sort()).toEqual([...wanted].sort());
        expect(list.currentProgramSceneName).toBe(wanted[0]);
        // Debian's OBS has no browser plugin: OBS keeps the source with its settings, which is what a store's OBS loads.
        const overlay = await client.call('GetInputSettings', { inputName: 'Batchboard overlay' });
        expect(overlay.inputSettings).toMatchObject({ url: `${PUBLIC_URL}/display?overlay=1`, width: 1920, height: 1080 });
        const board = await client.call('GetInputSettings', { inputName: 'Batchboard board' });
        expect(board.inputSettings).toMatchObject({ url: `${PUBLIC_URL}/display` });
        const boardItems = await client.call('GetSceneItemList', { sceneName: wanted[0]! });
        expect(boardItems.sceneItems.map((i) => i.sourceName)).toEqual(['Batchboard board']);
        for (const scene of wanted.slice(1)) {
          const items = await client.call('GetSceneItemList', { sceneName: scene });
          // Listed bottom to top: the camera first, the transparent overlay over it.
          expect(items.sceneItems.map((i) => i.sourceName)).toEqual([`${scene} camera (replace with your camera)`, 'Batchboard overlay']);
        }
      } finally {
        await client.disconnect();
      }
    },
  );

  it('points at the address the request came to without PUBLIC_URL, and asks for the token or a session', async () => {
    const bare = await startTestHub({ CONFIG: config });
    try {
      const body = await viaHost(bare, 'hub.store.test:8080');
      const overlay = (body.sources as { name: string; settings: { url?: string } }[]).find((s) => s.name === 'Batchboard overlay');
      expect(overlay?.settings.url).toBe('http://hub.store.test:8080/display?overlay=1');
      const anonymous = await fetch(`${bare.url}/api/director/scene-collection`);
      expect(anonymous.status).toBe(401);
    } finally {
      await bare.close();
    }
  });
});
