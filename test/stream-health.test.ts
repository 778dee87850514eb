import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ObsController } from '../server/director/obs-controller.js';
import { DISCONNECT_GRACE_MS, StreamHealth } from '../server/director/stream-health.js';
import { OutputDrops } from '../server/insight/output-drops.js';
import { logStreamLive } from '../server/director/stream-live-log.js';
import { FileEventLog } from '../server/state/embedded/event-log.js';
import { pino } from 'pino';
import { tempDir } from './helpers/hub.js';

const STATE = (s: string) => `OBS_WEBSOCKET_OUTPUT_${s}`;

/** The controller's events only: what StreamHealth follows. A real OBS will not stream here (no server), so its states are played. */
function setup() {
  const obs = new EventEmitter() as EventEmitter & { connected: boolean; call: (type: string) => Promise<unknown> };
  obs.connected = true;
  // OBS recording for 10 s, for a read while it is on.
  obs.call = (type) => Promise.resolve(type === 'GetRecordStatus' ? { outputActive: true, outputPaused: false, outputDuration: 10_000, outputBytes: 1 } : {});
  let now = 1_000;
  const health = new StreamHealth(obs as unknown as ObsController, () => now);
  const stream = (...states: string[]) => states.forEach((s) => obs.emit('streamChanged', s === 'STARTED', STATE(s)));
  const record = (...states: string[]) => states.forEach((s) => obs.emit('recordChanged', s === 'STARTED', STATE(s)));
  return { obs, health, stream, record, tick: (ms: number) => (now += ms) };
}

describe('which output is lost (StreamHealth)', () => {
  it('a stream reconnecting is lost from when it started reconnecting, and found again when it reconnects', () => {
    const { health, stream, tick } = setup();
    stream('STARTING', 'STARTED');
    tick(500);
    stream('RECONNECTING');
    tick(500);
    stream('RECONNECTING');
    expect(health.lostSince('stream')).toBe(1_500);
    stream('RECONNECTED');
    expect(health.lostSince('stream')).toBeNull();
  });

  it('an output stopped by someone is no loss; one that ends by itself, or a reconnect given up, is', () => {
    const { health, stream, record } = setup();
    stream('STARTED', 'STOPPING', 'STOPPED');
    record('STARTED', 'PAUSED');
    expect([health.lostSince('stream'), health.lostSince('record')]).toEqual([null, null]);
    record('RESUMED', 'STOPPED');
    expect(health.lostSince('record')).toBe(1_000);
    stream('STARTED', 'RECONNECTING', 'STOPPED');
    expect(health.lostSince('stream')).toBe(1_000);
    // A stream that never came up (no server) was never live: nothing lost.
    stream('STARTED', 'STOPPING', 'STOPPED', 'STARTING', 'STOPPED');
    expect(health.lostSince('stream')).toBeNull();
  });

  it('OBS gone while an output is on loses it once OBS has stayed away 5 s, until OBS says it is on again', async () => {
    const { obs, health, record, tick } = setup();
    record('STARTED');
    obs.emit('disconnected');
    // The hub's link to OBS may only have blinked: not a loss yet.
    tick(DISCONNECT_GRACE_MS - 1);
    expect(health.lostSince('record')).toBeNull();
    tick(1);
    expect(health.lostSince('record')).toBe(1_000);
    obs.emit('connected');
    health.connectedWith({ outputActive: false }, { outputActive: false });
    expect(health.lostSince('record')).toBe(1_000);
    obs.emit('disconnected');
    obs.emit('connected');
    // Recording started again while the director was still reading OBS's state: the event is the later word.
    record('STARTING', 'STARTED');
    health.connectedWith({ outputActive: false }, { outputActive: false });
    expect(health.lostSince('record')).toBeNull();
    expect((await health.read()).record).toMatchObject({ active: true, durationMs: 10_000 });
  });

  it('a link to OBS that blinks, with the recording still going when it is back, lost nothing', () => {
    const { obs, health, record, tick } = setup();
    record('STARTED');
    obs.emit('disconnected');
    tick(1_000);
    obs.emit('connected');
    health.connectedWith({ outputActive: false }, { outputActive: true });
    tick(DISCONNECT_GRACE_MS);
    expect(health.lostSince('record')).toBeNull();
  });

  it('the hub letting go of OBS on shutdown loses nothing', () => {
    const { obs, health, record } = setup();
    record('STARTED');
    health.close();
    obs.emit('disconnected');
    expect(health.lostSince('record')).toBeNull();
  });

  it('asks OBS nothing while nothing is on', async () => {
    const { health } = setup();
    expect(await health.read()).toMatchObject({ obs: 'connected', stream: { active: false }, record: { active: false } });
  });
});

describe("the stream going live and off, in the event log (the pilot report's windows)", () => {
  it('logs each change of the stream once: not the recording, not a reconnect, OBS gone as off and back as live', async () => {
    const { obs, health, stream, record, tick } = setup();
    const events = new FileEventLog(tempDir(), pino({ level: 'silent' }), 30);
    logStreamLive(health, events, pino({ level: 'silent' }), () => 2_000_000_000_000);
    stream('STARTING', 'STARTED');
    record('STARTED');
    stream('RECONNECTING', 'RECONNECTED');
    tick(1_000);
    obs.emit('disconnected');
    obs.emit('connected');
    health.connectedWith({ outputActive: true }, { outputActive: false });
    stream('STOPPING', 'STOPPED');
    health.connectedWith({ outputActive: false }, { outputActive: false });
    const logged: boolean[] = [];
    for await (const page of events.pages(0, Number.MAX_SAFE_INTEGER)) for (const e of page) if (e.type === 'stream') logged.push(e.stream.live);
    expect(logged).toEqual([true, false, true, false]);
  });

  it('never leaves the stream live in the log through a restart: off at shutdown, and what OBS says at the next start', async () => {
    const events = new FileEventLog(tempDir(), pino({ level: 'silent' }), 30);
    const quiet = pino({ level: 'silent' });
    const first = setup();
    logStreamLive(first.health, events, quiet, () => 2_000_000_000_000);
    first.stream('STARTED');
    first.health.close(); // the hub shuts down while the stream is live
    first.obs.emit('disconnected');
    const second = setup(); // the next hub: OBS stopped streaming meanwhile
    logStreamLive(second.health, events, quiet, () => 2_000_000_001_000);
    second.health.connectedWith({ outputActive: false }, { outputActive: false });
    second.health.connectedWith({ outputActive: false }, { outputActive: false }); // a reconnect, nothing new
    const third = setup(); // a hub after a crash, with OBS still live
    logStreamLive(third.health, events, quiet, () => 2_000_000_002_000);
    third.health.connectedWith({ outputActive: true }, { outputActive: false });
    const logged: boolean[] = [];
    for await (const page of events.pages(0, Number.MAX_SAFE_INTEGER)) for (const e of page) if (e.type === 'stream') logged.push(e.stream.live);
    expect(logged).toEqual([true, false, false, true]);
  });
});

describe('when a loss alerts (OutputDrops)', () => {
  it('once per loss while production runs; a loss seen with nothing running never alerts, even when production starts', () => {
    const drops = new OutputDrops();
    const lost = new Map<string, number | null>([
      ['stream', 5],
      ['record', null],
    ]);
    const at = (output: string) => lost.get(output) ?? null;
    expect([...drops.check(at, true)]).toEqual([['stream', 5]]);
    expect([...drops.check(at, false)]).toEqual([]);
    expect([...drops.check(at, true)]).toEqual([]);
    lost.set('stream', null);
    drops.check(at, true);
    lost.set('stream', 9);
    expect([...drops.check(at, true)]).toEqual([['stream', 9]]);
    lost.set('record', 11);
    expect([...drops.check(at, false)]).toEqual([]);
    expect(drops.check(at, true).has('record')).toBe(false);
  });
});
