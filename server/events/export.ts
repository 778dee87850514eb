import type { Response } from 'express';
import type { EventExportFormat, LoggedEvent } from '../../shared/schemas/event-log.js';
import { streamParquet } from './export-parquet.js';
import { csvRow } from './csv.js';
import { exportRow } from './export-row.js';
import { drained } from './drained.js';
import type { EventLog } from '../state/event-log.js';

export const EXPORT_CSV_COLUMNS = ['at', 'time', 'type', 'seq', 'id', 'number', 'status', 'who', 'detail'] as const;

function csvLine(e: LoggedEvent): string {
  const r = exportRow(e);
  return csvRow([r.at, new Date(r.at).toISOString(), r.type, r.seq, r.id, r.number, r.status, r.who, JSON.stringify(r.detail)]);
}

/**
 * Streams the log for a time range to an HTTP response, a page at a time and
 * waiting for the client to drain, so memory stays flat whatever the range.
 */
export async function streamExport(log: EventLog, res: Response, format: EventExportFormat, from: number, to: number): Promise<void> {
  if (format === 'parquet') return streamParquet(log, res, from, to);
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
      if (gone || res.destroyed) return;
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
