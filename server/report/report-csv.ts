import type { PilotReport } from '../../shared/report.js';
import { csvCell } from '../events/csv.js';

export const REPORT_CSV_COLUMNS = ['figure', 'day', 'hour', 'value', 'low', 'high'] as const;

type Row = [figure: string, day: string, hour: number | '', value: unknown, low: unknown, high: unknown];

function isEstimate(v: object): v is { estimate: number | null; low: number | null; high: number | null } {
  return 'estimate' in v && 'low' in v && 'high' in v;
}

/** Every figure as rows: a figure's path, the day and hour it is for (when it is for one), its value and interval. */
function rowsOf(path: string, v: unknown, day: string, hour: number | '', out: Row[]): void {
  if (v === null || typeof v !== 'object') return void out.push([path, day, hour, v ?? '', '', '']);
  if (isEstimate(v)) return void out.push([path, day, hour, v.estimate ?? '', v.low ?? '', v.high ?? '']);
  if (Array.isArray(v)) {
    // 24 numbers are the hours of a day; a list of days (or hours of days) names them in the day and hour columns.
    v.forEach((item: unknown, i) => {
      if (v.length === 24 && typeof item === 'number') return rowsOf(path, item, day, i, out);
      if (item && typeof item === 'object' && 'day' in item && typeof item.day === 'string') {
        const h = 'hour' in item && typeof item.hour === 'number' ? item.hour : '';
        for (const [k, x] of Object.entries(item)) if (k !== 'day' && k !== 'hour') rowsOf(`${path}.${k}`, x, item.day, h, out);
        return;
      }
      rowsOf(`${path}.${i}`, item, day, hour, out);
    });
    return;
  }
  for (const [k, x] of Object.entries(v)) rowsOf(path ? `${path}.${k}` : k, x, day, hour, out);
}

/** The report as CSV: one row per figure (and per day or hour of the per-day and per-hour figures). */
export function reportCsv(report: PilotReport): string {
  const rows: Row[] = [];
  rowsOf('', report, '', '', rows);
  // Numbers as they are (a negative lift is not a formula to defuse); text through the export's cell rule.
  const cell = (v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : csvCell(typeof v === 'string' ? v : JSON.stringify(v)));
  return REPORT_CSV_COLUMNS.join(',') + '\n' + rows.map((r) => r.map(cell).join(',') + '\n').join('');
}
