import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PilotReport } from '../shared/report.js';
import type { LoggedEvent } from '../shared/schemas/event-log.js';
import type { Hub } from '../server/hub.js';
import { generatePilot } from './helpers/pilot-generator.js';
import { LogBuilder } from './helpers/report-log.js';
import { post, startTestHub, tempDir, TEST_TOKEN } from './helpers/hub.js';

const SECRET = 'till-secret-0123456789';
const HOUR = 3_600_000;
const hubs: Hub[] = [];
afterAll(async () => {
  await Promise.all(hubs.map((h) => h.close()));
});

/**
 * One generated pilot day (windows, clips, adjacent sales, planted effects) moved to end just before now, so the doors
 * take it as current: a door logs what it takes at the hub's clock, and a record logged a day after its own time is
 * left out, which is why the 28-day tests write their history straight into the log. Runs and highlights are the
 * hub's own making (the planner, OBS), not a door's, so they are left out of both.
 */
function pilotDay(): LoggedEvent[] {
  const { log } = generatePilot({ seed: 7, effects: true, timeZone: 'UTC', days: 2, firstDay: '2026-11-02' });
  const day = log.events.filter((e) => e.at >= Date.UTC(2026, 10, 3) && e.type !== 'run' && e.type !== 'highlight').sort((a, b) => a.at - b.at);
  const shift = Date.now() - 10 * 60_000 - day.at(-1)!.at;
  return day.map((e) => shifted(e, shift));
}

function shifted(e: LoggedEvent, by: number): LoggedEvent {
  const at = e.at + by;
  switch (e.type) {
    case 'order':
      return { ...e, at, order: { ...e.order, updatedAt: e.order.updatedAt + by } };
    case 'machine':
      return { ...e, at, machine: { ...e.machine, updatedAt: e.machine.updatedAt + by } };
    case 'footfall':
      return { ...e, at, footfall: { ...e.footfall, at: e.footfall.at + by } };
    case 'sale':
      return { ...e, at, sale: { ...e.sale, ...(e.sale.placedAt === undefined ? {} : { placedAt: e.sale.placedAt + by }) } };
    case 'social': {
      const { at: _logged, ...social } = e.social;
      return { ...e, at, social: { ...social, at, ...(social.publishedAt === undefined ? {} : { publishedAt: social.publishedAt + by }) } };
    }
    default:
      throw new Error(`not a door's record: ${e.type}`);
  }
}

async function hubWith(dataDir: string): Promise<Hub> {
  const config = path.join(dataDir, 'store.json');
  const till = { scheme: 'hmac-sha256', secret: SECRET, header: 'X-Sig', mapping: "{ 'sale': { 'id': id, 'items': items, 'placedAt': placedAt } }" };
  const catalogue = generatePilot({ seed: 7, effects: true, timeZone: 'UTC', days: 2 }).catalogue;
  writeFileSync(config, JSON.stringify({ timeZone: 'UTC', catalogue, webhooks: { till } }));
  const hub = await startTestHub({ DATA_DIR: dataDir, CONFIG: config });
  hubs.push(hub);
  return hub;
}

/** Each record through the door a store's device would use: REST for counters, orders, machines and reach; the till's signed webhook. */
async function feed(hub: Hub, events: readonly LoggedEvent[]): Promise<void> {
  const ok = (what: string, status: number) => expect(status, what).toBe(200);
  for (const e of events) {
    if (e.type === 'footfall') ok('footfall', (await post(`${hub.url}/api/footfall`, e.footfall)).status);
    else if (e.type === 'order') ok('order', (await post(`${hub.url}/api/orders`, e.order)).status);
    else if (e.type === 'machine') ok('machine', (await post(`${hub.url}/api/machines`, e.machine)).status);
    else if (e.type === 'social') {
      const { at: _own, ...social } = e.social;
      ok('social', (await post(`${hub.url}/api/social`, social)).status);
    } else if (e.type === 'sale') {
      const body = JSON.stringify({ id: e.sale.id, items: e.sale.items, placedAt: e.sale.placedAt });
      const res = await fetch(`${hub.url}/api/hooks/till`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Sig': createHmac('sha256', SECRET).update(body).digest('hex') },
        body,
      });
      ok('sale', res.status);
    }
  }
}

async function report(hub: Hub, from: number, to: number): Promise<PilotReport> {
  const res = await fetch(`${hub.url}/api/report?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as PilotReport;
}

/** The figures a door can change (runs and highlights are not fed; the forecast needs days of history). */
function figures(r: PilotReport) {
  return {
    windows: r.windows,
    conversion: { ...r.conversion, byDay: r.conversion.byDay.map((d) => ({ ...d, unitsMade: 0 })) },
    walkIns: { openHours: r.walkIns.openHours, perOpenHour: r.walkIns.perOpenHour },
    adjacent: { units: r.adjacent.units, perWalkIn: r.adjacent.perWalkIn },
    social: { clips: r.social.clips, reach: r.social.reach },
    sameDayPickup: r.throughput.sameDayPickup,
    fulfilment: [r.economics.toReadySeconds, r.economics.toPickupSeconds],
    demand: r.demand.skus,
  };
}

describe('a generated pilot day through the real doors', () => {
  it('gives the same figures as the same day written straight into the log, as the 28-day tests write it', { timeout: 120_000 }, async () => {
    const events = pilotDay();
    const fed = await hubWith(tempDir());
    await feed(fed, events);
    const written = tempDir();
    const log = new LogBuilder();
    log.events.push(...events);
    await log.writeTo(written);
    const direct = await hubWith(written);
    const from = events[0]!.at - HOUR;
    const to = Date.now();
    const [a, b] = await Promise.all([report(fed, from, to), report(direct, from, to)]);
    // The day is a real one: people came, ordered, the oven ran, a clip went out, other goods sold.
    expect(b.conversion.walkIns).toBeGreaterThan(200);
    expect(b.conversion.orders).toBeGreaterThan(50);
    expect(b.windows.hours).toBeGreaterThan(0);
    expect(b.social.clips).toBeGreaterThan(0);
    expect(b.adjacent.units).toBeGreaterThan(0);
    expect(figures(a)).toEqual(figures(b));
  });
});
