// What a user sees in an XLSX file, as exceljs reads it back: workbook properties, and per sheet
// its name, frozen panes, column widths and every cell's value, type and style. Two files with the
// same dump look the same in a spreadsheet, whatever their bytes (the renderers' golden test).
import ExcelJS from 'exceljs';

/** A cell: its value, exceljs's value type, and its style as an index into the dump's `styles`. */
export type XlsxCellDump = [value: unknown, type: number, style: number];

export interface XlsxDump {
  properties: Record<string, unknown>;
  /** Distinct cell styles (number format, font, alignment, fill, border), as JSON. */
  styles: string[];
  sheets: { name: string; views: unknown; widths: (number | undefined)[]; rows: XlsxCellDump[][] }[];
}

/** Drops undefined and empty-object fields so that absent and empty styles compare equal. */
function compact(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(compact);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const c = compact(v);
    if (c !== undefined && !(c !== null && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0)) out[k] = c;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

export async function xlsxDump(buffer: Buffer): Promise<XlsxDump> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const styles: string[] = [];
  const styleIndex = new Map<string, number>();
  const styleOf = (cell: ExcelJS.Cell): number => {
    const json = JSON.stringify(compact({ numFmt: cell.numFmt, font: cell.font, alignment: cell.alignment, fill: cell.fill, border: cell.border }) ?? {});
    let i = styleIndex.get(json);
    if (i === undefined) styleIndex.set(json, (i = styles.push(json) - 1));
    return i;
  };
  const sheets = workbook.worksheets.map((sheet) => {
    const rows: XlsxCellDump[][] = [];
    for (let r = 1; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      const cells: XlsxCellDump[] = [];
      for (let c = 1; c <= sheet.columnCount; c++) {
        const cell = row.getCell(c);
        cells.push([compact(cell.value) ?? null, cell.type, styleOf(cell)]);
      }
      rows.push(cells);
    }
    return {
      name: sheet.name,
      views: compact(sheet.views),
      widths: Array.from({ length: sheet.columnCount }, (_, i) => sheet.getColumn(i + 1).width),
      rows,
    };
  });
  return {
    properties: compact({
      creator: workbook.creator,
      lastModifiedBy: workbook.lastModifiedBy,
      created: workbook.created,
      modified: workbook.modified,
      title: workbook.title,
    }) as Record<string, unknown>,
    styles,
    sheets,
  };
}
