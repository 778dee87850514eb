import { describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.js';
import { toMs } from '../server/http/export.js';
import { Figures } from '../server/insight/figures.js';
import { dayEndOf, dayStart, dayStartOf, isTimeZone, storeDay, wallTimeOn } from '../shared/store-time.js';
import type { Order } from '../shared/schemas/order.js';
import { tempDir } from './helpers/hub.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const HOUR = 3_600_000;

describe("the store's calendar in its own time zone", () => {
  it('names the day an instant falls on in the zone, not in the machine running the code', () => {
    const at = Date.UTC(2026, 11, 1, 23, 30); // 23:30 UTC on 1 December
    expect(storeDay(at, 'UTC')).toBe('2026-12-01');
    expect(storeDay(at, 'Europe/Stockholm')).toBe('2026-12-02'); // 00:30 there
    expect(storeDay(at, 'America/New_York')).toBe('2026-12-01'); // 18:30 there
    expect(storeDay(Date.UTC(2026, 11, 1, 18, 29), 'Asia/Kolkata')).toBe('2026-12-01'); // 23:59 there
    expect(storeDay(Date.UTC(2026, 11, 1, 18, 30), 'Asia/Kolkata')).toBe('2026-12-02'); // midnight there
  });

  it('finds a closing time on the store’s clock, on ordinary days and across clock changes', () => {
    expect(wallTimeOn('2026-12-02', '22:00', 'Europe/Stockholm')).toBe(Date.UTC(2026, 11, 2, 21));
    expect(wallTimeOn('2026-12-02', '00:00', 'Europe/Stockholm')).toBe(dayStartOf('2026-12-02', 'Europe/Stockholm'));
    expect(wallTimeOn('2026-12-02', '18:45', 'Asia/Kolkata')).toBe(Date.UTC(2026, 11, 2, 13, 15));
    // Summer time in Stockholm (+02:00), and the day after the clocks spring forward.
    expect(wallTimeOn('2026-07-01', '22:00', 'Europe/Stockholm')).toBe(Date.UTC(2026, 6, 1, 20));
    expect(wallTimeOn('2026-03-29', '21:30', 'Europe/Stockholm')).toBe(Date.UTC(2026, 2, 29, 19, 30));
    // 02:30 does not exist on 29 March in Stockholm: the first moment after the skipped hour, 03:00 local.
    expect(wallTimeOn('2026-03-29', '02:30', 'Europe/Stockholm')).toBe(Date.UTC(2026, 2, 29, 1));
    expect(wallTimeOn('2026-12-02', '23:59', 'UTC')).toBe(Date.UTC(2026, 11, 2, 23, 59));
  });

  it('starts and ends a day at the zone’s midnight, across daylight-saving changes and where midnight is skipped', () => {
    expect(dayStartOf('2026-12-02', 'Europe/Stockholm')).toBe(Date.UTC(2026, 11, 1, 23));
    expect(dayStartOf('2026-12-02', 'Asia/Kolkata')).toBe(Date.UTC(2026, 11, 1, 18, 30));
    expect(dayStartOf('2026-12-02', 'Pacific/Chatham')).toBe(Date.UTC(2026, 11, 1, 10, 15)); // +13:45 in summer
    // Stockholm springs forward on 29 March 2026 at 02:00: a 23-hour day.
    expect(dayStartOf('2026-03-29', 'Europe/Stockholm')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(dayEndOf('2026-03-29', 'Europe/Stockholm') + 1 - dayStartOf('2026-03-29', 'Europe/Stockholm')).toBe(23 * HOUR);
    // ... and falls back on 25 October: a 25-hour day.
    expect(dayEndOf('2026-10-25', 'Europe/Stockholm') + 1 - dayStartOf('2026-10-25', 'Europe/Stockholm')).toBe(25 * HOUR);
    // Santiago's clocks jump from 00:00 to 01:00 on 6 September 2026: the day starts at 01:00 local, 04:00 UTC.
    expect(dayStartOf('2026-09-06', 'America/Santiago')).toBe(Date.UTC(2026, 8, 6, 4));
    expect(dayStart(Date.UTC(2026, 8, 6, 15), 'America/Santiago')).toBe(Date.UTC(2026, 8, 6, 4));
    expect(dayStart(Date.UTC(2026, 11, 1, 23, 30), 'Europe/Stockholm')).toBe(Date.UTC(2026, 11, 1, 23));
    // Amman turned its clocks back from 01:00 to 00:00 on 29 October 2021: midnight came twice, the day began at the first.
    expect(dayStartOf('2021-10-29', 'Asia/Amman')).toBe(Date.UTC(2021, 9, 28, 21));
    expect(dayEndOf('2021-10-28', 'Asia/Amman')).toBe(Date.UTC(2021, 9, 28, 21) - 1);
  });

  it('knows an IANA zone from a typo', () => {
    expect(isTimeZone('Europe/Stockholm')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Stokholm')).toBe(false);
    expect(isTimeZone('CET+1')).toBe(false);
  });

  it('counts an order ready just after the store’s midnight as today’s, wherever the hub runs', () => {
    const now = Date.UTC(2026, 11, 2, 0, 20); // 01:20 in Stockholm, 00:20 in UTC
    const readyAt = Date.UTC(2026, 11, 1, 23, 10); // 00:10 in Stockholm on 2 December; 1 December in UTC
    const order: Order = { id: 'a', number: '1', items: [{ sku: 'bun', qty: 1 }], status: 'queued', updatedAt: readyAt - 600_000 };
    const readyToday = (zone: string) => {
      const figures = new Figures(zone);
      figures.observeOrder(order);
      figures.observeOrder({ ...order, status: 'ready', updatedAt: readyAt });
      return figures.compute(now, []).throughput.readyToday;
    };
    expect(readyToday('Europe/Stockholm')).toBe(1);
    expect(readyToday('UTC')).toBe(0);
  });

  it('reads a date in an export range as the store’s whole day', () => {
    expect(toMs('2026-12-02', false, 'Europe/Stockholm')).toBe(Date.UTC(2026, 11, 1, 23));
    expect(toMs('2026-12-02', true, 'Europe/Stockholm')).toBe(Date.UTC(2026, 11, 2, 23) - 1);
    expect(toMs('2026-12-02', false, 'America/New_York')).toBe(Date.UTC(2026, 11, 2, 5));
    expect(toMs(1234, false, 'Europe/Stockholm')).toBe(1234);
  });

  it('takes timeZone from the config file, defaults to the hub’s zone, and refuses an unknown zone naming it', () => {
    const dir = tempDir();
    const file = (body: object) => {
      const p = path.join(dir, `c${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(p, JSON.stringify(body));
      return p;
    };
    expect(loadConfig({ CONFIG: file({ timeZone: 'Europe/Stockholm' }) }).shop.timeZone).toBe('Europe/Stockholm');
    expect(loadConfig({ CONFIG: file({}) }).shop.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(() => loadConfig({ CONFIG: file({ timeZone: 'Europe/Stokholm' }) })).toThrow(/timeZone/);
  });
});
