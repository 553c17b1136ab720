// The import's files: reading an uploaded file into a header row and data rows (CSV in UTF-8 with
// or without BOM, or GB18030/GBK, detected: valid UTF-8 is UTF-8, anything else GB18030; XLSX, its
// first worksheet), and writing the templates and the rejected-rows file.
//
// - CSV: csv-parse (RFC 4180; quoted fields may hold commas and line breaks). Every cell is text.
// - XLSX: exceljs reads the workbook only after a guard against zip bombs: the central directory's
//   declared sizes, and then the actual bytes every entry inflates to (fflate's streaming Unzip,
//   stopped at the cap), are held to IMPORT_LIMITS.maxXlsxInflatedBytes and maxXlsxEntries. A
//   formula cell is read as its formula text (`=…`), never evaluated nor its cached result taken;
//   a date cell as YYYY-MM-DD.
// - Files whose first bytes are a zip's are read as XLSX whatever their name.
// Anything the file cannot give throws ImportFileError with the reason (zh/en).
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Unzip, UnzipInflate, unzipSync } from 'fflate';
import { IMPORT_LIMITS, ImportFileError, importFailure, isBlankRow, rejectedHeader, templateRows, type ImportKind, type ImportRow } from '../domain/import';
import { csvTable } from './report-render/csv';
import { CONTENT_TYPES } from './report-render/formats';
import { simpleXlsx } from './report-render/xlsx';

export interface ParsedFile {
  header: string[];
  rows: ImportRow[];
  encoding: 'utf-8' | 'gb18030' | 'xlsx';
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

/** The text of a CSV file and its encoding: UTF-8 when the bytes are valid UTF-8 (a BOM dropped), else GB18030. */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gb18030' } {
  if (bytes.includes(0)) throw new ImportFileError(importFailure('encoding')); // UTF-16 or a binary file
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: what Chinese Excel writes by default (GBK, a subset of GB18030).
  }
  try {
    return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding: 'gb18030' };
  } catch {
    throw new ImportFileError(importFailure('encoding'));
  }
}

/** Header and data rows of a table (blank rows dropped), or the reason it cannot be imported. */
function tableOf(records: readonly { cells: string[]; line: number }[], encoding: ParsedFile['encoding']): ParsedFile {
  const [first, ...rest] = records;
  if (!first) throw new ImportFileError(importFailure('empty_file'));
  if (first.cells.length > IMPORT_LIMITS.maxColumns) throw new ImportFileError(importFailure('too_many_columns'));
  const rows = rest.filter((r) => !isBlankRow(r.cells));
  if (rows.length === 0) throw new ImportFileError(importFailure('empty_file'));
  if (rows.length > IMPORT_LIMITS.maxRows) throw new ImportFileError(importFailure('too_many_rows'));
  return { header: first.cells.map((c) => c.trim()), rows, encoding };
}

export function readCsv(bytes: Uint8Array): ParsedFile {
  const { text, encoding } = decodeCsv(bytes);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      info: true,
      // Enough to tell a file over the row limit, without reading a million rows.
      to: IMPORT_LIMITS.maxRows + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch {
    throw new ImportFileError(importFailure('csv_malformed'));
  }
  return tableOf(
    // csv-parse counts the lines up to a record's end: its first line is that less the line breaks in its cells.
    records.map((r) => ({ cells: r.record, line: r.info.lines - r.record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0) })),
    encoding,
  );
}

/**
 * Throws when the zip would inflate past the cap or has too many entries: first the sizes its
 * central directory declares, then the bytes actually inflated (a zip may lie about its sizes),
 * stopping as soon as the cap is passed. Nothing is kept of the inflated bytes.
 */
export function guardZip(bytes: Uint8Array, maxBytes: number = IMPORT_LIMITS.maxXlsxInflatedBytes, maxEntries: number = IMPORT_LIMITS.maxXlsxEntries): void {
  const tooLarge = () => new ImportFileError(importFailure('xlsx_too_large'));
  let declared = 0;
  let entries = 0;
  try {
    unzipSync(bytes, {
      filter: (file) => {
        declared += file.originalSize;
        entries += 1;
        return false; // nothing is inflated here
      },
    });
  } catch {
    throw new ImportFileError(importFailure('xlsx_invalid'));
  }
  if (entries > maxEntries || declared > maxBytes) throw tooLarge();
  let inflated = 0;
  let over = false;
  let broken = false;
  const unzip = new Unzip((file) => {
    file.ondata = (error, chunk) => {
      if (error) broken = true;
      inflated += chunk?.length ?? 0;
      if (inflated > maxBytes && !over) {
        over = true;
        file.terminate();
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  const step = 16 * 1024; // at most about 16 MB inflated per step, even for the most compressible data
  try {
    for (let offset = 0; offset < bytes.length && !over && !broken; offset += step) {
      unzip.push(bytes.subarray(offset, offset + step), offset + step >= bytes.length);
    }
  } catch {
    if (!over) throw new ImportFileError(importFailure('xlsx_invalid'));
  }
  if (over) throw tooLarge();
  if (broken) throw new ImportFileError(importFailure('xlsx_invalid'));
}

/** A cell as text: formulas as their text, never evaluated; dates as YYYY-MM-DD. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if ('formula' in value && typeof value.formula === 'string') return `=${value.formula}`;
  if ('sharedFormula' in value && typeof value.sharedFormula === 'string') return `=${value.sharedFormula}`;
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : cellText(value.text as ExcelJS.CellValue);
  if ('error' in value) return String(value.error);
  return '';
}

export async function readXlsx(bytes: Uint8Array): Promise<ParsedFile> {
  guardZip(bytes);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    throw new ImportFileError(importFailure('xlsx_invalid'));
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new ImportFileError(importFailure('empty_file'));
  if (sheet.actualRowCount > IMPORT_LIMITS.maxRows + 1) throw new ImportFileError(importFailure('too_many_rows'));
  const records: { cells: string[]; line: number }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const width = Math.min(row.cellCount, IMPORT_LIMITS.maxColumns + 1);
    records.push({ cells: Array.from({ length: width }, (_, i) => cellText(row.getCell(i + 1).value)), line });
  });
  return tableOf(records, 'xlsx');
}

/** The uploaded file as a table: XLSX by its name or its first bytes, else CSV. */
export async function readImportFile(bytes: Uint8Array, format: 'csv' | 'xlsx'): Promise<ParsedFile> {
  if (bytes.length > IMPORT_LIMITS.maxFileBytes) throw new ImportFileError(importFailure('file_too_large'));
  return format === 'xlsx' || startsWith(bytes, ZIP_MAGIC) ? readXlsx(bytes) : readCsv(bytes);
}

export interface ImportDownload {
  body: Buffer;
  contentType: string;
  fileName: string;
}

const TEMPLATE_TITLES: Record<ImportKind, { zh: string; en: string }> = {
  visits: { zh: '走访记录导入模板', en: 'Visit records import template' },
  visit_plan: { zh: '走访计划导入模板', en: 'Visit plan import template' },
};

/** GET /v1/imports/templates/{kind}.csv|.xlsx: the Chinese header, an example row, the codes accepted. */
export function templateFile(kind: ImportKind, format: 'csv' | 'xlsx', generatedAt: string): ImportDownload {
  const { header, rows } = templateRows(kind);
  const fileName = `${kind}-template.${format}`;
  if (format === 'csv') return { body: csvTable(header, rows), contentType: CONTENT_TYPES.csv, fileName };
  const title = TEMPLATE_TITLES[kind];
  return { body: simpleXlsx({ sheetName: title.zh, title, generatedAt, header, rows }), contentType: CONTENT_TYPES.xlsx, fileName };
}

/** Rejected rows as CSV lines without the BOM and header (one part per chunk; the file joins them). */
export function rejectedLines(rows: readonly string[][]): Buffer {
  // csvTable writes a BOM and a header line: drop both.
  const whole = csvTable(['x'], rows).toString('utf8');
  return Buffer.from(whole.slice(whole.indexOf('\r\n') + 2), 'utf8');
}

/** The rejected-rows file: UTF-8 with BOM, the header (line, the file's columns, 原因, Reason), then the parts. */
export function rejectedFile(header: readonly string[], parts: readonly Buffer[]): Buffer {
  return Buffer.concat([csvTable(rejectedHeader(header), []), ...parts]);
}
