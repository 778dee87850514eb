import type { Response } from 'express';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { EventLog } from '../state/event-log.js';
import { drained } from './drained.js';
import { exportRow, type ExportRow } from './export-row.js';

type Schema = ConstructorParameters<typeof ParquetWriter>[0]['schema'];
type Columns = Parameters<ParquetWriter['write']>[0]['columnData'];

export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

/** A row group closes at this many rows or this many bytes of `detail`, whichever comes first: what the hub holds at once. */
export const ROW_GROUP_ROWS = 10_000;
export const ROW_GROUP_DETAIL_BYTES = 4 * 1024 * 1024;

const text = (name: string, required = false): Schema[number] => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  logical_type: { type: 'STRING' },
  repetition_type: required ? 'REQUIRED' : 'OPTIONAL',
});
const int = (name: string, type: 'INT32' | 'INT64'): Schema[number] => ({ name, type, repetition_type: 'OPTIONAL' });

/**
 * The file's flat schema (docs/protocol.md, "Parquet"): the CSV's columns with `at` a UTC timestamp in ms and
 * `detail` the record's JSON as text (a warehouse reads it as a string; DuckDB's `->>` works on it as it is),
 * then typed figures. Columns an entry has no value for are null.
 */
const COLUMNS: Schema = [
  {
    name: 'at',
    type: 'INT64',
    converted_type: 'TIMESTAMP_MILLIS',
    logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
    repetition_type: 'REQUIRED',
  },
  text('type', true),
  int('seq', 'INT64'),
  text('id'),
  text('number'),
  text('status'),
  text('who'),
  text('detail', true),
  int('qty', 'INT32'),
  int('people_in', 'INT32'),
  int('people_out', 'INT32'),
  { name: 'total', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  int('views', 'INT64'),
];
export const PARQUET_SCHEMA: Schema = [{ name: 'batchboard_event', num_children: COLUMNS.length }, ...COLUMNS];

/** One row group's columns as they fill, bounded by ROW_GROUP_ROWS and ROW_GROUP_DETAIL_BYTES. */
class RowGroup {
  private readonly cols = new Map<string, unknown[]>(COLUMNS.map((c) => [c.name, []]));
  rows = 0;
  private detailBytes = 0;

  add(r: ExportRow): void {
    const detail = Buffer.from(JSON.stringify(r.detail));
    this.detailBytes += detail.byteLength;
    const big = (n: number | null) => (n === null ? null : BigInt(n));
    const values: Record<string, unknown> = {
      ...r,
      at: BigInt(r.at),
      seq: big(r.seq),
      views: big(r.views),
      detail,
      people_in: r.peopleIn,
      people_out: r.peopleOut,
    };
    for (const [name, column] of this.cols) column.push(values[name]);
    this.rows++;
  }

  get full(): boolean {
    return this.rows >= ROW_GROUP_ROWS || this.detailBytes >= ROW_GROUP_DETAIL_BYTES;
  }

  columns(): { columnData: Columns; rowGroupSize: number } {
    // Statistics on `detail` would copy whole records into the footer; the other columns' are what a reader prunes by.
    // and records are nearly all distinct, so a dictionary for them would only cost memory: plain.
    const columnData = [...this.cols].map(([name, data]) =>
      name === 'detail' ? { name, data: data as never[], statistics: false, encoding: 'PLAIN' as const } : { name, data: data as never[] },
    );
    return { columnData, rowGroupSize: this.rows };
  }
}

/**
 * Hands each finished row group to the response and waits for the client to take it (hyparquet-writer calls
 * `flush` after every row group and awaits it), so the hub holds one row group, never the file.
 */
class ResponseWriter extends ByteWriter {
  constructor(private readonly res: Response) {
    super(1 << 20);
  }

  flush(): Promise<void> | undefined {
    // A copy: the buffer is reused for the next row group while this one may still be queued in the socket.
    const chunk = Buffer.from(this.getBytes());
    this.index = 0;
    if (this.res.destroyed || chunk.byteLength === 0) return undefined;
    return this.res.write(chunk) ? undefined : drained(this.res);
  }

  override finish(): void {
    // The footer is the last write: the response's end sends it, so nothing waits for a drain here.
    void this.flush();
  }
}

/** `batchboard-events-20261124T000000Z-20261124T235959Z.parquet`: the range in UTC, so files from many stores and days sort. */
export function parquetFileName(from: number, to: number): string {
  const stamp = (ms: number) =>
    new Date(ms)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
  return `batchboard-events-${stamp(from)}-${stamp(to)}.parquet`;
}

/** Streams the log for a range as one Parquet file, a row group at a time, waiting for the client between them. */
export async function streamParquet(log: EventLog, res: Response, from: number, to: number): Promise<void> {
  // As the other formats: the first page before any header, so a store that cannot answer gets an error status.
  const pages = log.pages(from, to)[Symbol.asyncIterator]();
  const first = await pages.next();
  res.status(200).type(PARQUET_CONTENT_TYPE);
  res.set('Content-Disposition', `attachment; filename="${parquetFileName(from, to)}"`);
  let gone = false;
  res.on('close', () => (gone = true));
  const parquet = new ParquetWriter({ writer: new ResponseWriter(res), schema: PARQUET_SCHEMA, createdBy: 'batchboard' });
  let group = new RowGroup();
  try {
    for (let next = first; !next.done; next = await pages.next()) {
      if (gone || res.destroyed) return;
      for (const e of next.value) {
        group.add(exportRow(e));
        if (!group.full) continue;
        await parquet.write(group.columns());
        group = new RowGroup();
      }
    }
    if (group.rows > 0) await parquet.write(group.columns());
    // An empty range still gets a whole file: the schema and no row groups.
    await parquet.finish();
    res.end();
  } finally {
    await pages.return?.(undefined);
  }
}
