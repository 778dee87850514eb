import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PilotReport } from '../shared/report.js';
import type { Hub } from '../server/hub.js';
import { reportRange } from '../server/http/report.js';
import { FileEventLog } from '../server/state/embedded/event-log.js';
import { post, startTestHub, tempDir, TEST_TOKEN } from './helpers/hub.js';

const SECRET = 'till-secret-0123456789';
const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

/** A small day fed through the real doors (REST footfall, orders, machines, social; a signed webhook sale), then reported. */
describe('GET /api/report', () => {
  let hub: Hub;
  const t0 = Date.now() - 30 * 60_000;
  let range = '';

  beforeAll(async () => {
    const file = path.join(tempDir(), 'store.json');
    const catalogue = [{ sku: 'bun', name: 'Cardamom bun', runSize: 12, runQuantity: 120 }];
    const till = { scheme: 'hmac-sha256', secret: SECRET, header: 'X-Sig', mapping: "{ 'sale': { 'id': id, 'items': items, 'placedAt': placedAt } }" };
    writeFileSync(file, JSON.stringify({ timeZone: 'UTC', catalogue, webhooks: { till } }));
    hub = await startTestHub({ CONFIG: file });
    const api = (route: string, body: unknown) => post(`${hub.url}/api/${route}`, body).then((r) => expect(r.status, route).toBe(200));
    await api('footfall', { sensor: 'door', in: 4, out: 1, at: t0 + 60_000 });
    await api('footfall', { sensor: 'door', in: 3, out: 2, at: t0 + 120_000 });
    for (const [id, status, dt] of [
      ['o1', 'queued', 1],
      ['o2', 'queued', 2],
      ['o1', 'ready', 5],
      ['o2', 'ready', 6],
      ['o1', 'picked_up', 8],
    ] as const) {
      await api('orders', { id, number: id, items: [{ sku: 'bun', qty: 2 }], status, updatedAt: t0 + dt * 60_000 });
    }
    await api('machines', { id: 'oven-1', kind: 'oven', state: 'running', updatedAt: t0 });
    await api('social', { post: 'p1', platform: 'instagram', publishedAt: t0 + 3 * 60_000, views: 120, likes: 9 });
    const body = JSON.stringify({
      id: 'till-1',
      items: [
        { sku: 'bun', qty: 2 },
        { sku: 'mug', qty: 2 },
      ],
      placedAt: t0 + 4 * 60_000,
    });
    const sale = await fetch(`${hub.url}/api/hooks/till`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Sig': createHmac('sha256', SECRET).update(body).digest('hex') },
      body,
    });
    expect(sale.status).toBe(200);
    range = `from=${t0 - 60_000}&to=${Date.now() + 60_000}`;
  });
  afterAll(() => hub?.close());

  it('answers the figures as JSON', async () => {
    const res = await fetch(`${hub.url}/api/report?${range}`, { headers: AUTH });
    expect(res.status).toBe(200);
    const r = (await res.json()) as PilotReport;
    expect(r.conversion).toMatchObject({ walkIns: 7, orders: 2, rate: 2 / 7 });
    expect(r.adjacent).toMatchObject({ units: 2, perWalkIn: 2 / 7 });
    expect(r.social).toMatchObject({ clips: 1, reach: { views: 120, likes: 9 } });
    expect(r.throughput.sameDayPickup.ready).toBe(2);
    expect(r.economics.toReadySeconds).toMatchObject({ count: 2, p50: 240 });
    expect(r.pilot).toBeNull();
    expect(r.throughput.perOpenHourPerM2).toBeNull(); // no pilot: no floor area
  });

  it('answers the same figures as CSV', async () => {
    const res = await fetch(`${hub.url}/api/report?${range}&format=csv`, { headers: AUTH });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).split('\n');
    expect(lines[0]).toBe('figure,day,hour,value,low,high');
    expect(lines).toContain('conversion.walkIns,,,7,,');
    expect(lines).toContain('adjacent.units,,,2,,');
    expect(lines.some((l) => /^walkIns\.windowUplift,,,/.test(l))).toBe(true);
  });

  it('refuses without a token or session', async () => {
    const res = await fetch(`${hub.url}/api/report?${range}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });
});

describe('the report range', () => {
  it('takes a pilot and baseline of 400 store days whose DST changes make them an hour longer than 400 × 24 h', () => {
    // Europe/Stockholm, 2026-10-20 to 2027-11-23: clocks go back 2026-10-25 and 2027-10-31, forward only 2027-03-28.
    const pilot = { name: 'Long', from: '2026-11-19', to: '2027-11-23', baseline: { from: '2026-10-20', to: '2026-11-18' }, floorAreaM2: 40 };
    const deps = { events: new FileEventLog(tempDir(), pino({ level: 'silent' }), 30), timeZone: 'Europe/Stockholm', catalogue: [], pilot };
    const range = reportRange({ compare: 'baseline' }, deps, Date.now());
    expect(range).not.toHaveProperty('error');
    expect(range).toMatchObject({ compare: true, from: Date.parse('2026-10-19T22:00:00Z'), to: Date.parse('2027-11-23T23:00:00Z') - 1 });
    expect(reportRange({ from: '2026-10-20', to: '2027-11-24' }, deps, Date.now())).toMatchObject({
      error: { params: { issues: [{ field: 'to', problem: 'too_large' }] } },
    });
  });
});
