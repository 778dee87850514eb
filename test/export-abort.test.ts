import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { streamExport } from '../server/events/export.js';
import type { EventLog } from '../server/state/event-log.js';
import type { LoggedEvent } from '../shared/schemas/event-log.js';

/**
 * A log whose first page comes late (a cold disk, a busy Redis): a stand-in, as a real store cannot be made to
 * answer late on cue. It says when the export let go of it.
 */
function slowLog(firstPageMs: number): { log: EventLog; released: Promise<void>; pagesRead: () => number } {
  let release!: () => void;
  let read = 0;
  const released = new Promise<void>((r) => (release = r));
  const entry: LoggedEvent = {
    type: 'staff',
    at: 1,
    staff: { who: 'Ana', action: 'advance', order: 'o1', number: '101', from: 'queued', to: 'in_production' },
  };
  const log: EventLog = {
    append: () => Promise.resolve(),
    appendOnce: () => Promise.resolve(true),
    close: () => Promise.resolve(),
    async *pages() {
      try {
        await new Promise((r) => setTimeout(r, firstPageMs));
        // Pages enough to fill any socket buffer, were anyone still reading.
        for (let i = 0; i < 1_000; i++) {
          read++;
          yield Array.from({ length: 100 }, () => entry);
        }
      } finally {
        release();
      }
    },
  };
  return { log, released, pagesRead: () => read };
}

describe('an export whose client leaves before its first page', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  for (const format of ['ndjson', 'csv', 'parquet'] as const)
    it(`lets go of the log (${format}) instead of waiting for a client that is gone`, async () => {
      const { log, released, pagesRead } = slowLog(300);
      let finished!: () => void;
      const handled = new Promise<void>((r) => (finished = r));
      const app = express();
      app.get('/export', (_req, res) => void streamExport(log, res, format, 0, Date.now()).finally(finished));
      server = createServer(app).listen(0, '127.0.0.1');
      await new Promise((r) => server!.once('listening', r));
      const { port } = server.address() as AddressInfo;
      const req = request({ port, host: '127.0.0.1', path: '/export' });
      req.on('error', () => undefined);
      req.end();
      // The client hangs up while the first page is still being read.
      setTimeout(() => req.destroy(), 50);
      const bound = new Promise((_, reject) => setTimeout(() => reject(new Error('the export still holds the log 5 s later')), 5_000));
      await Promise.race([Promise.all([handled, released]), bound]);
      // It stopped at the gone client, not after writing the whole range to nobody.
      expect(pagesRead()).toBeLessThan(1_000);
    });
});
