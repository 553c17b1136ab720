// XLSX: the workbook's SpreadsheetML parts written as strings, deflated by Node's zlib, and put in
// a zip by fflate's streaming Zip.
//
// A minimal writer of exactly what the reports need (ECMA-376 Part 1, SpreadsheetML): three
// worksheets of shared-string and numeric cells, one fixed style sheet, frozen panes and column
// widths, the Office theme, and the core and extended properties. It replaced exceljs, which took
// three quarters of the national roll-up's CPU (building a workbook model, styles per cell, and
// JSZip); the golden test (test/unit/report-render-golden.test.ts) reads both writers' files back
// with exceljs and holds the new one to every sheet, cell value, type, number format, font, fill,
// alignment, frozen pane, column width and property of the old.
//
// Parts: [Content_Types].xml, _rels/.rels, docProps/core.xml (creator, title, created and
// modified = generatedAt), docProps/app.xml, xl/workbook.xml, xl/_rels/workbook.xml.rels,
// xl/styles.xml, xl/theme/theme1.xml, xl/sharedStrings.xml, xl/worksheets/sheet1..3.xml.
// Zip: fflate writes the container (local headers, data descriptors, central directory); each entry
// is a ZipInputFile (fflate's documented interface for custom compression) whose bytes Node's zlib
// deflated, three to five times faster than fflate's JavaScript deflate, which took two thirds of
// the time. The parts that never change (styles, theme, package relationships) are deflated once.
// Determinism: no clock is read; every zip entry carries generatedAt's China time as its DOS time
// and date ({@link fixZipTimes}: fflate takes an mtime but converts it in the process's local time
// zone, so the header fields are written afterwards, independent of TZ).
import { crc32, deflateRawSync } from 'node:zlib';
import { Zip, type ZipInputFile } from 'fflate';
import { FIELD_LABELS, EDITION_LABELS, bilingual, type LocalizedText } from '../../domain/report-labels';
import { jsonPointer } from '../../domain/suppression';
import {
  SUPPRESSED,
  bankTable,
  chinaTime,
  childLevelLabel,
  divisionTable,
  levelText,
  measureCell,
  provisionalNote,
  reasonCodesOf,
  suppressedOf,
  suppressionNote,
  titleOf,
  totalsMeasures,
  type Cell,
  type Kind,
  type Table,
} from './cells';
import type { RenderableReport } from './formats';
import { THEME_XML } from './xlsx-theme';

const XLSX_CREATOR = 'smefin';

/**
 * Indices into the cellXfs of {@link STYLES_XML}. The header row of the totals sheet is bold; the
 * header rows of the table sheets are bold, top-aligned and wrapped; header cells add the fill.
 */
const STYLE = {
  none: 0,
  totalsHeaderRow: 1,
  totalsHeader: 2,
  integer: 3,
  suppressed: 4,
  percent: 5,
  twoDecimals: 6,
  oneDecimal: 7,
  tableHeaderRow: 8,
  tableHeader: 9,
} as const;

/** The number format of a numeric cell of each kind (built-in ids 3 `#,##0`, 10 `0.00%`, 2 `0.00`; 164 `0.0`). */
const NUMBER_STYLES: Readonly<Record<Kind, number>> = {
  text: STYLE.none,
  count: STYLE.integer,
  amount: STYLE.integer,
  share: STYLE.percent,
  bp: STYLE.twoDecimals,
  days: STYLE.oneDecimal,
};

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

const STYLES_XML =
  `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
  '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts>' +
  '<fonts count="2"><font><color theme="1"/><family val="2"/><scheme val="minor"/><sz val="11"/><name val="Calibri"/></font><font><b/></font></fonts>' +
  '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
  '<fill><patternFill patternType="solid"><fgColor rgb="FFE8EEF4"/></patternFill></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="10">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>' +
  '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment horizontal="right"/></xf>' +
  '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>' +
  '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>' +
  '</cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>' +
  '</styleSheet>';

const escapeXml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));

/** `A`…`Z`, `AA`…: the column letters of a 1-based column number. */
const COLUMN_NAMES: string[] = [];
function columnName(n: number): string {
  let name = COLUMN_NAMES[n];
  if (name === undefined) {
    name = '';
    for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) name = String.fromCharCode(65 + ((k - 1) % 26)) + name;
    COLUMN_NAMES[n] = name;
  }
  return name;
}

/** The workbook's shared strings: each distinct text once, cells refer to it by index. */
class SharedStrings {
  private readonly index = new Map<string, number>();
  private readonly items: string[] = [];
  count = 0;

  ref(text: string): number {
    this.count++;
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.items.length;
      this.index.set(text, i);
      // Leading or trailing white space, or a line break, is kept only with xml:space="preserve".
      this.items.push(/^\s|\n|\s$/.test(text) ? `<si><t xml:space="preserve">${escapeXml(text)}</t></si>` : `<si><t>${escapeXml(text)}</t></si>`);
    }
    return i;
  }

  xml(): string {
    return `${XML_HEAD}<sst xmlns="${MAIN_NS}" count="${this.count}" uniqueCount="${this.items.length}">${this.items.join('')}</sst>`;
  }
}

/** A cell to write: text, a number, or nothing (an empty cell), with its style index. */
type XlsxCell = readonly [value: string | number | null, style: number];

interface Sheet {
  name: string;
  widths: readonly number[];
  /** Frozen columns (left) and rows (top). */
  frozen: { columns: number; rows: number };
  /** The header row's own style (the style of cells added to it later). */
  headerRowStyle: number;
  rows: XlsxCell[][];
}

function cellOf(cell: Cell, kind: Kind): XlsxCell {
  if (cell === SUPPRESSED) return ['*', STYLE.suppressed];
  if (typeof cell === 'number') return [cell, NUMBER_STYLES[kind]];
  return [cell, STYLE.none];
}

function sheetXml(sheet: Sheet, strings: SharedStrings): string {
  const { columns, rows } = sheet.frozen;
  const topLeft = `${columnName(columns + 1)}${rows + 1}`;
  const pane = columns > 0 ? 'bottomRight' : 'bottomLeft';
  const width = Math.max(1, sheet.widths.length, ...sheet.rows.map((r) => r.length));
  const parts: string[] = [
    `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">`,
    `<dimension ref="A1:${columnName(width)}${Math.max(1, sheet.rows.length)}"/>`,
    `<sheetViews><sheetView workbookViewId="0"><pane${columns > 0 ? ` xSplit="${columns}"` : ''} ySplit="${rows}" topLeftCell="${topLeft}" activePane="${pane}" state="frozen"/>`,
    `<selection pane="${pane}"/></sheetView></sheetViews>`,
    '<sheetFormatPr defaultRowHeight="15"/><cols>',
  ];
  // Runs of equal widths as one <col> each.
  for (let i = 0; i < sheet.widths.length; ) {
    let j = i;
    while (j + 1 < sheet.widths.length && sheet.widths[j + 1] === sheet.widths[i]) j++;
    parts.push(`<col min="${i + 1}" max="${j + 1}" width="${sheet.widths[i]}" customWidth="1"/>`);
    i = j + 1;
  }
  parts.push('</cols><sheetData>');
  sheet.rows.forEach((row, r) => {
    const n = r + 1;
    parts.push(r === 0 ? `<row r="1" s="${sheet.headerRowStyle}" customFormat="1">` : `<row r="${n}">`);
    for (let c = 0; c < row.length; c++) {
      const [value, style] = row[c]!;
      if (value === null) continue;
      const ref = `${columnName(c + 1)}${n}`;
      const s = style === STYLE.none ? '' : ` s="${style}"`;
      parts.push(typeof value === 'number' ? `<c r="${ref}"${s}><v>${value}</v></c>` : `<c r="${ref}"${s} t="s"><v>${strings.ref(value)}</v></c>`);
    }
    parts.push('</row>');
  });
  parts.push('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>');
  return parts.join('');
}

function tableSheet(name: string, table: Table, frozenColumns: number): Sheet {
  const kinds = table.columns.map((c) => c.kind);
  return {
    name,
    widths: kinds.map((kind) => (kind === 'text' ? 18 : 16)),
    frozen: { columns: frozenColumns, rows: 1 },
    headerRowStyle: STYLE.tableHeaderRow,
    rows: [table.columns.map((c): XlsxCell => [bilingual(c.label), STYLE.tableHeader]), ...table.rows.map((row) => row.map((cell, i) => cellOf(cell, kinds[i]!)))],
  };
}

function totalsSheet(report: RenderableReport): Sheet {
  const rows: XlsxCell[][] = [
    [bilingual(FIELD_LABELS.measure), bilingual(FIELD_LABELS.value), bilingual(FIELD_LABELS.field)].map((text): XlsxCell => [text, STYLE.totalsHeader]),
  ];
  const add = (label: LocalizedText, cell: Cell, kind: Kind, pointer: string): void => {
    rows.push([[bilingual(label), STYLE.none], cellOf(cell, kind), [pointer, STYLE.none]]);
  };
  const d = report.division;
  add(FIELD_LABELS.period, report.period, 'text', '/period');
  add(FIELD_LABELS.divisionCode, d.code, 'text', '/division/code');
  add(FIELD_LABELS.divisionName, d.name, 'text', '/division/name');
  add(FIELD_LABELS.divisionNameEn, d.nameEn ?? null, 'text', '/division/nameEn');
  add(FIELD_LABELS.level, levelText(d.level), 'text', '/division/level');
  add(FIELD_LABELS.generatedAt, chinaTime(report.generatedAt), 'text', '/generatedAt');
  add(FIELD_LABELS.edition, bilingual(EDITION_LABELS[report.edition]), 'text', '/edition');
  if (report.edition === 'public') add(FIELD_LABELS.threshold, report.threshold, 'count', '/threshold');
  const suppressed = suppressedOf(report);
  for (const m of totalsMeasures(reasonCodesOf(report))) {
    add(m.label, measureCell(report.totals, ['totals'], m, suppressed), m.kind, jsonPointer(['totals', ...m.path]));
  }
  if (report.edition === 'public') {
    const note = suppressionNote(report.threshold);
    add(FIELD_LABELS.note, `${note.zh} ${note.en}`, 'text', '/suppressed');
  }
  if (report.provisionalDeadlineYears) {
    const note = provisionalNote(report.provisionalDeadlineYears);
    add(FIELD_LABELS.note, `${note.zh} ${note.en}`, 'text', '/provisionalDeadlineYears');
  }
  return { name: bilingual({ zh: '总计', en: 'Totals' }), widths: [52, 22, 44], frozen: { columns: 0, rows: 1 }, headerRowStyle: STYLE.totalsHeaderRow, rows };
}

/** W3CDTF without fractional seconds, as Office writes it. */
const w3cdtf = (iso: string): string => new Date(Date.parse(iso)).toISOString().replace(/\.\d{3}Z$/, 'Z');

function coreXml(title: LocalizedText, generatedAt: string): string {
  const at = w3cdtf(generatedAt);
  return (
    `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:creator>${XLSX_CREATOR}</dc:creator><dc:title>${escapeXml(`${title.zh} ${title.en}`)}</dc:title><cp:lastModifiedBy>${XLSX_CREATOR}</cp:lastModifiedBy>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${at}</dcterms:modified></cp:coreProperties>`
  );
}

function appXml(names: readonly string[]): string {
  return (
    `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
    `<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>` +
    `<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>${names.length}</vt:i4></vt:variant></vt:vector></HeadingPairs>` +
    `<TitlesOfParts><vt:vector size="${names.length}" baseType="lpstr">${names.map((n) => `<vt:lpstr>${escapeXml(n)}</vt:lpstr>`).join('')}</vt:vector></TitlesOfParts>` +
    '<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>'
  );
}

function contentTypesXml(sheets: number): string {
  const override = (part: string, type: string): string => `<Override PartName="${part}" ContentType="application/vnd.openxmlformats-${type}"/>`;
  let xml =
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    override('/xl/workbook.xml', 'officedocument.spreadsheetml.sheet.main+xml');
  for (let i = 1; i <= sheets; i++) xml += override(`/xl/worksheets/sheet${i}.xml`, 'officedocument.spreadsheetml.worksheet+xml');
  return (
    xml +
    override('/xl/theme/theme1.xml', 'officedocument.theme+xml') +
    override('/xl/styles.xml', 'officedocument.spreadsheetml.styles+xml') +
    override('/xl/sharedStrings.xml', 'officedocument.spreadsheetml.sharedStrings+xml') +
    override('/docProps/core.xml', 'package.core-properties+xml') +
    override('/docProps/app.xml', 'officedocument.extended-properties+xml') +
    '</Types>'
  );
}

const relationship = (id: string, type: string, target: string): string => `<Relationship Id="${id}" Type="${type}" Target="${target}"/>`;

const ROOT_RELS_XML =
  `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
  relationship('rId1', `${REL_NS}/officeDocument`, 'xl/workbook.xml') +
  relationship('rId2', 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties', 'docProps/core.xml') +
  relationship('rId3', `${REL_NS}/extended-properties`, 'docProps/app.xml') +
  '</Relationships>';

/** Workbook relationships: styles rId1, theme rId2, shared strings rId3, sheets from rId4. */
function workbookXml(names: readonly string[]): { workbook: string; rels: string } {
  return {
    workbook:
      `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>` +
      names.map((n, i) => `<sheet name="${escapeXml(n)}" sheetId="${i + 1}" r:id="rId${i + 4}"/>`).join('') +
      '</sheets><calcPr calcId="171027"/></workbook>',
    rels:
      `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
      relationship('rId1', `${REL_NS}/styles`, 'styles.xml') +
      relationship('rId2', `${REL_NS}/theme`, 'theme/theme1.xml') +
      relationship('rId3', `${REL_NS}/sharedStrings`, 'sharedStrings.xml') +
      names.map((_, i) => relationship(`rId${i + 4}`, `${REL_NS}/worksheet`, `worksheets/sheet${i + 1}.xml`)).join('') +
      '</Relationships>',
  };
}

/** A zip entry, deflated (method 8), with its uncompressed size and CRC-32. */
interface Entry {
  name: string;
  size: number;
  crc: number;
  data: Uint8Array<ArrayBuffer>;
}

function entry(name: string, text: string): Entry {
  const raw = Buffer.from(text, 'utf8');
  return { name, size: raw.length, crc: crc32(raw), data: deflateRawSync(raw) };
}

/** The parts that are the same in every workbook, deflated once. */
const STATIC_ENTRIES = {
  rels: entry('_rels/.rels', ROOT_RELS_XML),
  styles: entry('xl/styles.xml', STYLES_XML),
  theme: entry('xl/theme/theme1.xml', THEME_XML),
};

/** The entries as one zip file, in order (fflate's Zip calls back synchronously for ready data). */
function zipOf(entries: readonly Entry[], mtime: string): Buffer {
  const chunks: Uint8Array[] = [];
  let failure: Error | undefined;
  const zip = new Zip((error, chunk) => {
    if (error) failure ??= error;
    else chunks.push(chunk);
  });
  for (const e of entries) {
    const file: ZipInputFile = { filename: e.name, size: e.size, crc: e.crc, compression: 8, mtime };
    zip.add(file);
    file.ondata!(null, e.data, true);
  }
  zip.end();
  if (failure) throw failure;
  return Buffer.concat(chunks as Uint8Array<ArrayBuffer>[]);
}

/**
 * The report (already validated) as an XLSX workbook: `总计 Totals`, the level below, `银行 Banks`.
 * Byte-identical for the same report: properties and zip entry times come from `generatedAt`.
 */
export function xlsxOf(report: RenderableReport): Buffer {
  const sheets = [
    totalsSheet(report),
    tableSheet(bilingual(childLevelLabel(report)), divisionTable(report, { withPeriod: false, withTotalRow: false }), 2),
    tableSheet(bilingual({ zh: '银行', en: 'Banks' }), bankTable(report), 2),
  ];
  return workbookOf(sheets, titleOf(report), report.generatedAt);
}

/**
 * One sheet of plain rows as an XLSX workbook (the county lists): a bold header row, frozen, then
 * text cells and integers (`#,##0`); the same parts and zip as the reports'.
 */
export function simpleXlsx(args: { sheetName: string; title: LocalizedText; generatedAt: string; header: readonly string[]; rows: readonly (readonly (string | number)[])[] }): Buffer {
  const sheet: Sheet = {
    name: args.sheetName,
    widths: args.header.map(() => 18),
    frozen: { columns: 1, rows: 1 },
    headerRowStyle: STYLE.tableHeaderRow,
    rows: [
      args.header.map((text): XlsxCell => [text, STYLE.tableHeader]),
      ...args.rows.map((row) => row.map((cell): XlsxCell => (typeof cell === 'number' ? [cell, STYLE.integer] : [cell, STYLE.none]))),
    ],
  };
  return workbookOf([sheet], args.title, args.generatedAt);
}

function workbookOf(sheets: readonly Sheet[], title: LocalizedText, generatedAt: string): Buffer {
  const names = sheets.map((s) => s.name);
  const strings = new SharedStrings();
  const sheetEntries = sheets.map((sheet, i) => entry(`xl/worksheets/sheet${i + 1}.xml`, sheetXml(sheet, strings)));
  const { workbook, rels } = workbookXml(names);
  const entries = [
    entry('[Content_Types].xml', contentTypesXml(sheets.length)),
    STATIC_ENTRIES.rels,
    entry('docProps/core.xml', coreXml(title, generatedAt)),
    entry('docProps/app.xml', appXml(names)),
    entry('xl/workbook.xml', workbook),
    entry('xl/_rels/workbook.xml.rels', rels),
    STATIC_ENTRIES.styles,
    STATIC_ENTRIES.theme,
    entry('xl/sharedStrings.xml', strings.xml()),
    ...sheetEntries,
  ];
  return fixZipTimes(zipOf(entries, generatedAt), generatedAt);
}

const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;

/**
 * Sets the DOS time and date of every entry of a zip (local file headers and central directory),
 * in place, to `iso` in China time. These fields are outside the compressed data and its CRC.
 * fflate writes no extended-timestamp extra fields (0x5455, 0x000a); the determinism test would
 * catch it if it did.
 */
export function fixZipTimes(zip: Buffer, iso: string): Buffer {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  const dosTime = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
  const dosDate = ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();

  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('xlsx: no zip end of central directory record');
  const entries = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(p) !== CENTRAL_DIRECTORY_HEADER) throw new Error(`xlsx: no central directory header at ${p}`);
    zip.writeUInt16LE(dosTime, p + 12);
    zip.writeUInt16LE(dosDate, p + 14);
    const local = zip.readUInt32LE(p + 42);
    if (zip.readUInt32LE(local) !== LOCAL_FILE_HEADER) throw new Error(`xlsx: no local file header at ${local}`);
    zip.writeUInt16LE(dosTime, local + 10);
    zip.writeUInt16LE(dosDate, local + 12);
    p += 46 + zip.readUInt16LE(p + 28) + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return zip;
}
