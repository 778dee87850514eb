/** One CSV cell: quoted when it could break a row, and spreadsheet formulas defused. */
export function csvCell(value: string | number | undefined | null): string {
  const s = value === undefined || value === null ? '' : String(value);
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(cells: (string | number | undefined | null)[]): string {
  return cells.map(csvCell).join(',') + '\n';
}
