import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { KioskServerToClientEvents } from '../shared/events.js';
import { KIOSK_NAMESPACE } from '../shared/protocol.js';
import type { KioskProduct, KioskState, StockChange } from '../shared/schemas/kiosk.js';
import type { Run } from '../shared/schemas/run.js';
import type { Hub } from '../server/hub.js';
import { post, startTestHub, tempDir } from './helpers/hub.js';
import { eventually } from './helpers/screens.js';

const MINUTE = 60_000;

/**
 * A zone where it is now late morning (10:xx or 11:xx), so a closing an hour on never crosses midnight whenever the
 * test runs: `Etc/GMT-N` is UTC+N.
 */
function lateMorningZone(now: number): { timeZone: string; closesAt: string; closing: number } {
  const utcHour = new Date(now).getUTCHours();
  let offset = 10 - utcHour;
  if (offset < -12) offset += 1;
  const timeZone = offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  // Closing 70 minutes on, to the minute, on the store's clock: three 20-minute trays fit for the next 9 minutes.
  const closing = Math.floor(now / MINUTE) * MINUTE + 70 * MINUTE;
  const local = new Date(closing + offset * 60 * MINUTE);
  const closesAt = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return { timeZone, closesAt, closing };
}

const BUN = { sku: 'bun', name: 'Bun', runSize: 12, runQuantity: 100, production: 'batch', runMinutes: 20, machineKind: 'oven' };

describe("the kiosk's 'left today' from what production can still make", () => {
  const dataDir = tempDir();
  const zone = lateMorningZone(Date.now());
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(
    file,
    JSON.stringify({
      catalogue: [BUN],
      planner: { enabled: true, closesAt: zone.closesAt, profileDays: 0 },
      timeZone: zone.timeZone,
      kiosk: { maxShareOfRun: 1 },
    }),
  );
  let hub: Hub;
  let kiosk: Socket<KioskServerToClientEvents>;
  const stock: StockChange[] = [];
  afterAll(async () => {
    kiosk?.close();
    await hub?.close();
  });

  const bun = async (): Promise<KioskProduct> =>
    ((await (await fetch(`${hub.url}/api/kiosk`)).json()) as { data: KioskState }).data.products.find((p) => p.sku === 'bun')!;
  const order = (qty: number) => post(`${hub.url}/api/kiosk/orders`, { sku: 'bun', qty, key: randomUUID() }, null);

  it('counts the machine time left until closing once the oven reports, and says when a tray with free buns comes out', async () => {
    hub = await startTestHub({ DATA_DIR: dataDir, CONFIG: file });
    // No oven has reported: nothing to count on, the day's runQuantity stands.
    expect(await bun()).toMatchObject({ left: 100, nextBatchAt: null });
    kiosk = io(`${hub.url}${KIOSK_NAMESPACE}`, { transports: ['websocket'] });
    kiosk.on('stock', (c) => stock.push(c));
    await new Promise<void>((resolve) => kiosk.once('kiosk', () => resolve()));
    expect((await post(`${hub.url}/api/machines`, { id: 'oven-1', kind: 'oven', state: 'idle', updatedAt: Date.now() })).status).toBe(200);
    // 69–70 minutes to closing fit 3 trays of 20 minutes: 36 buns can still be made today.
    await eventually(() => expect(stock.at(-1)).toEqual({ sku: 'bun', left: 36, nextBatchAt: null }));

    // Staff put a tray of 12 in: nothing on the shelf, so the kiosk says when it comes out. Still 36: 12 coming and
    // two more trays after it.
    const made = await post(`${hub.url}/api/runs`, { sku: 'bun', qty: 12 });
    expect(made.status).toBe(201);
    const run = (made.json as { data: { run: Run } }).data.run;
    const started = await post(`${hub.url}/api/runs/${run.id}/start`, { machine: 'oven-1' });
    const endsAt = (started.json as { data: { run: Run } }).data.run.endsAt!;
    expect(endsAt).toBeGreaterThan(Date.now());
    await eventually(() => expect(stock.at(-1)).toEqual({ sku: 'bun', left: 36, nextBatchAt: endsAt }));
    expect(await bun()).toMatchObject({ left: 36, nextBatchAt: endsAt });

    // Out of the oven: 12 on the shelf (no next batch to wait for), 12 made, and the oven free for 3 more trays.
    expect((await post(`${hub.url}/api/runs/${run.id}/finish`, { produced: 12, wasted: 0 })).status).toBe(200);
    await eventually(() => expect(stock.at(-1)).toEqual({ sku: 'bun', left: 48, nextBatchAt: null }));
  });

  it('an oven gone offline leaves the day’s runQuantity; a fault does not sell the kiosk out', async () => {
    const oven = (state: string) => post(`${hub.url}/api/machines`, { id: 'oven-1', kind: 'oven', state, updatedAt: Date.now() });
    expect((await oven('offline')).status).toBe(200);
    // Nothing reports: nothing to count on.
    await eventually(() => expect(stock.at(-1)).toEqual({ sku: 'bun', left: 100, nextBatchAt: null }));
    // A tray jam is usually cleared: the oven's time still counts.
    expect((await oven('fault')).status).toBe(200);
    await eventually(() => expect(stock.at(-1)).toEqual({ sku: 'bun', left: 48, nextBatchAt: null }));
  });

  it('knows after a restart what the morning made: the day is read back from the event log', async () => {
    kiosk.close();
    await hub.close();
    hub = await startTestHub({ DATA_DIR: dataDir, CONFIG: file });
    // 12 made and 36 more to make: a hub that forgot the morning's tray would say 36.
    await eventually(async () => expect(await bun()).toMatchObject({ left: 48, nextBatchAt: null }));
  });

  it('refuses at the kiosk what production cannot make today, whatever runQuantity says', async () => {
    // The first 12 come off the shelf; the rest wait for trays, which fill the oven's time until closing.
    for (let i = 0; i < 4; i++) expect((await order(12)).status).toBe(201);
    await eventually(async () => expect((await bun()).left).toBe(0));
    const refused = await order(1);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ error: { code: 'sold_out', params: { sku: 'bun', left: 0 } } });
  });
});
