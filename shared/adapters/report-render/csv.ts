// CSV (RFC 4180; see ../report-render.ts).
import { bilingual } from '../../domain/report-labels';
import { SUPPRESSED, divisionTable, type Cell } from './cells';
import type { RenderableReport } from './formats';

const BOM = '\uFEFF';

/** One field: formulas defused (a leading = + - @, tab or CR gets a quote), quoted when it must be. */
export function csvField(cell: Cell): string {
  if (cell === SUPPRESSED) return '*';
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV (RFC 4180, UTF-8 with BOM, CRLF): a bilingual header row, the division's own
 * row, then a row per child. Public edition: suppressed cells are `*`; not-applicable cells are
 * empty.
 */
export function csvOf(report: RenderableReport): Buffer {
  const table = divisionTable(report, { withPeriod: true, withTotalRow: true });
  return csvTable(
    table.columns.map((c) => bilingual(c.label)),
    table.rows,
  );
}

/** Plain rows as CSV (UTF-8 with BOM, CRLF, the same fields as the reports'): a header row, then the rows. */
export function csvTable(header: readonly string[], rows: readonly (readonly Cell[])[]): Buffer {
  const lines = [header.map(csvField), ...rows.map((r) => r.map(csvField))];
  return Buffer.from(BOM + lines.map((fields) => `${fields.join(',')}\r\n`).join(''), 'utf8');
}
