import { closeSync, fdatasyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { Order } from '../../../shared/schemas/order.js';
import type { Logger } from '../../log.js';
import { parseJson } from '../../../shared/parse-json.js';
import { replaceFile } from '../../files/durable-file.js';

const Sold = z.record(z.string(), z.number().int());

/** One line of the kiosk's journal. Counts are written as they stand after the step, so a line replayed twice changes nothing. */
export const JournalLine = z.discriminatedUnion('t', [
  /** The day's counts as they stood at the last compaction. */
  z.object({ t: z.literal('state'), day: z.string(), sold: Sold, next: z.number().int() }),
  /** An attempt still remembered at the last compaction. */
  z.object({ t: z.literal('attempt'), key: z.string(), at: z.number(), order: Order }),
  /** One order placed: what its SKU has sold now, the day's next number, and the attempt's answer. */
  z.object({
    t: z.literal('place'),
    day: z.string(),
    sku: z.string(),
    sold: z.number().int(),
    next: z.number().int(),
    key: z.string(),
    at: z.number(),
    order: Order,
  }),
  /** A cancel gave stock back (or its undo took it again). */
  z.object({ t: z.literal('adjust'), day: z.string(), sku: z.string(), sold: z.number().int() }),
]);
export type JournalLine = z.infer<typeof JournalLine>;

/**
 * The embedded kiosk store's file: one JSON line appended and fdatasynced per step, so an order
 * costs the same few hundred bytes on the 6,000th order of the day as on the first. `rewrite`
 * replaces the file whole (beside it, then renamed over it), which folds the history into what is
 * still needed; a crash mid-append leaves a torn last line, which `read` skips.
 */
export class StockJournal {
  readonly file: string;
  #log: Logger;
  #fd: number | undefined;
  /** Lines appended since the file was last rewritten. */
  appended = 0;

  constructor(file: string, log: Logger) {
    this.file = file;
    this.#log = log;
  }

  read(): JournalLine[] {
    let raw = '';
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const lines: JournalLine[] = [];
    let skipped = 0;
    for (const text of raw.split('\n')) {
      if (!text) continue;
      const line = parseLine(text);
      if (line) lines.push(line);
      else skipped++;
    }
    // A torn last line is what a crash mid-append leaves; more than one is worth a look.
    if (skipped > 0) this.#log.warn({ file: this.file, skipped }, 'skipped unreadable kiosk journal lines');
    return lines;
  }

  /** Replaces the file with these lines, durably, and appends to the new file from then on. */
  rewrite(lines: JournalLine[]): void {
    this.close();
    replaceFile(this.file, lines.map((l) => JSON.stringify(l) + '\n').join(''));
    this.#fd = openSync(this.file, 'a');
    this.appended = 0;
  }

  /** On disk before it returns: the kiosk answers only after this. */
  append(line: JournalLine): void {
    this.#fd ??= openSync(this.file, 'a');
    writeSync(this.#fd, JSON.stringify(line) + '\n');
    fdatasyncSync(this.#fd);
    this.appended++;
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}

function parseLine(text: string): JournalLine | undefined {
  return parseJson(JournalLine, text);
}
