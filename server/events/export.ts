import type { Response } from 'express';
import type { LoggedEvent } from '../../shared/schemas/event-log.js';
import { csvRow } from './csv.js';
import type { EventLog } from '../state/event-log.js';

export const EXPORT_CSV_COLUMNS = ['at', 'time', 'type', 'seq', 'id', 'number', 'status', 'who', 'detail'] as const;

function csvLine(e: LoggedEvent): string {
  const time = new Date(e.at).toISOString();
  switch (e.type) {
    case 'order':
      return csvRow([e.at, time, e.removed ? 'order_removed' : 'order', e.seq, e.order.id, e.order.number, e.order.status, '', JSON.stringify(e.order)]);
    case 'machine':
      return csvRow([e.at, time, 'machine', e.seq, e.machine.id, '', e.machine.state, '', JSON.stringify(e.machine)]);
    case 'scene':
      return csvRow([e.at, time, 'scene', e.seq, '', '', e.scene.program ?? '', '', JSON.stringify(e.scene)]);
    case 'staff':
      return csvRow([e.at, time, `staff_${e.staff.action}`, '', e.staff.order, e.staff.number, e.staff.to, e.staff.who, JSON.stringify(e.staff)]);
    case 'director':
      return csvRow([e.at, time, `director_${e.director.cause}`, '', '', '', e.director.scene, e.director.by ?? '', JSON.stringify(e.director)]);
    case 'highlight':
      return csvRow([
        e.at,
        time,
        `highlight_${e.highlight.cause}`,
        '',
        e.highlight.id,
        e.highlight.orders.join(' '),
        e.highlight.file,
        e.highlight.by ?? '',
        JSON.stringify(e.highlight),
      ]);
    case 'run':
      return csvRow([e.at, time, 'run', e.seq, e.run.id, '', e.run.status, '', JSON.stringify(e.run)]);
    case 'footfall':
      return csvRow([e.at, time, 'footfall', '', e.footfall.sensor, '', '', '', JSON.stringify(e.footfall)]);
    case 'social':
      return csvRow([e.at, time, 'social', '', e.social.post, '', '', e.social.platform ?? '', JSON.stringify(e.social)]);
    case 'sale':
      return csvRow([e.at, time, 'sale', '', e.sale.id, '', '', e.sale.source, JSON.stringify(e.sale)]);
  }
}

/**
 * Streams the log for a time range to an HTTP response, a page at a time and
 * waiting for the client to drain, so memory stays flat whatever the range.
 */
export async function streamExport(log: EventLog, res: Response, format: 'ndjson' | 'csv', from: number, to: number): Promise<void> {
  // The first page is read before anything is sent: a store that cannot answer gets an error status,
  // not a 200 with a body that never comes.
  const pages = log.pages(from, to)[Symbol.asyncIterator]();
  const first = await pages.next();
  res.status(200).type(format === 'csv' ? 'text/csv' : 'application/x-ndjson');
  res.set('Content-Disposition', `attachment; filename="batchboard-events.${format}"`);
  let gone = false;
  res.on('close', () => (gone = true));
  if (format === 'csv') res.write(EXPORT_CSV_COLUMNS.join(',') + '\n');
  try {
    for (let next = first; !next.done; next = await pages.next()) {
      const page = next.value;
      if (gone) return;
      let chunk = '';
      for (const e of page) chunk += format === 'csv' ? csvLine(e) : JSON.stringify(e) + '\n';
      if (!res.write(chunk)) await drained(res);
    }
    res.end();
  } finally {
    // A download cut short must still close what the log opened (a file stream, embedded).
    await pages.return?.(undefined);
  }
}

/** Resolves when the client has taken what was written, or has gone. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
