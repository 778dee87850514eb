import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { PilotReport } from '../shared/report.js';
import { board, startDemo } from './helpers/demo.js';
import { tempDir } from './helpers/hub.js';
import { TestMosquitto } from './helpers/mosquitto.js';
import { freePort } from './helpers/ports.js';
import { stopChild } from './helpers/process.js';
import { eventually } from './helpers/screens.js';

describe('npm run demo', () => {
  const running: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => stopChild(c)));
  });

  it('prints every page, the staff PIN and the API token that work, and a second run adds no duplicate numbers', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const first = startDemo({ DATA_DIR: dataDir, PORT: String(port) });
    running.push(first.child);
    await eventually(() => expect(first.output()).toContain('numbered from'), 30_000);
    const out = first.output();
    for (const page of ['/display', '/kiosk', '/staff', '/track/NUMBER', '/api']) expect(out).toContain(`:${port}${page}`);
    const pin = /staff PIN\s+(\d+)/.exec(out)?.[1];
    const token = /API token\s+(\S+)/.exec(out)?.[1];
    const login = await fetch(`http://127.0.0.1:${port}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin }),
    });
    expect(login.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/api/screens`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await eventually(async () => expect((await board(port)).orders.length).toBeGreaterThan(5), 15_000);
    await stopChild(first.child);

    const second = startDemo({ DATA_DIR: dataDir, PORT: String(port) });
    running.push(second.child);
    await eventually(() => expect(second.output()).toContain('numbered from'), 30_000);
    const before = (await board(port)).orders.length;
    await eventually(async () => expect((await board(port)).orders.length).toBeGreaterThan(before + 5), 15_000);
    const numbers = (await board(port)).orders.map((o) => o.number);
    expect(numbers.length).toBe(new Set(numbers).size);
  }, 90_000);

  it('runs a day on the planner: the floor loads the runs the plan lists, and their orders turn ready by themselves', async () => {
    const port = await freePort();
    const demo = startDemo({ DATA_DIR: tempDir(), PORT: String(port) });
    running.push(demo.child);
    await eventually(() => expect(demo.output()).toContain('numbered from'), 30_000);
    const token = /API token\s+(\S+)/.exec(demo.output())?.[1];
    const auth = { authorization: `Bearer ${token}` };
    // The printer takes the first tote run at once (6 run minutes are 12 demo seconds); its orders come out ready.
    await eventually(async () => {
      const log = await (await fetch(`http://127.0.0.1:${port}/api/export?format=ndjson`, { headers: auth })).text();
      const done = log
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; run?: { status: string; allocations: { orderId: string }[] } })
        .filter((e) => e.type === 'run' && e.run?.status === 'done');
      expect(done.length).toBeGreaterThan(0);
    }, 45_000);
    const orders = (await board(port)).orders;
    expect(orders.some((o) => o.status === 'ready' || o.status === 'in_production')).toBe(true);
    // The door's counter reports through POST /api/footfall: the report has walk-ins, and a conversion a pop-up could have.
    await eventually(async () => {
      const report = (await (await fetch(`http://127.0.0.1:${port}/api/report`, { headers: auth })).json()) as PilotReport;
      expect(report.conversion.walkIns).toBeGreaterThan(0);
      expect(report.conversion.rate).toBeGreaterThan(0.1);
      expect(report.conversion.rate).toBeLessThan(1);
    }, 15_000);
  }, 90_000);

  it('drives the machines over MQTT when MQTT_URL names a broker that answers', async () => {
    const broker = await TestMosquitto.start();
    try {
      const port = await freePort();
      const demo = startDemo({ DATA_DIR: tempDir(), PORT: String(port), MQTT_URL: broker.url });
      running.push(demo.child);
      await eventually(() => expect(demo.output()).toContain('numbered from'), 30_000);
      expect(demo.output()).toContain('machines   over MQTT');
      await eventually(async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        expect(metrics).toMatch(/batchboard_events_in_total\{door="mqtt",kind="machine"\} [1-9]/);
        expect(metrics).not.toMatch(/batchboard_rejected_total\{door="mqtt"/);
      }, 20_000);
      expect((await board(port)).machines.length).toBeGreaterThan(0);
      // Every machine came over MQTT, none through REST.
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).not.toMatch(/batchboard_events_in_total\{door="rest",kind="machine"\}/);
      await stopChild(running.pop()!);
    } finally {
      await broker.destroy();
    }
  }, 90_000);
});
