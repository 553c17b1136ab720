// A county list as a file (GET /v1/lists/{countyCode}): CSV (UTF-8 with BOM, Chinese headers, formulas
// defused) or XLSX, with the reports' own writers (./report-render/csv.ts, ./report-render/xlsx.ts).
import { LIST_TITLES, listTable, type ListName, type ListRow } from '../domain/lists';
import { CONTENT_TYPES } from './report-render/formats';
import { csvTable } from './report-render/csv';
import { simpleXlsx } from './report-render/xlsx';

export interface ListFile {
  body: Buffer;
  contentType: string;
}

export function listFile(format: 'csv' | 'xlsx', args: { countyCode: string; list: ListName; rows: readonly ListRow[]; withContact: boolean; now: Date }): ListFile {
  const table = listTable(args.rows, args.withContact);
  if (format === 'csv') return { body: csvTable(table.header, table.rows), contentType: CONTENT_TYPES.csv };
  const title = LIST_TITLES[args.list];
  return {
    body: simpleXlsx({
      sheetName: title.zh,
      title: { zh: `${args.countyCode} ${title.zh}`, en: `${args.countyCode} ${title.en}` },
      generatedAt: args.now.toISOString(),
      header: table.header,
      rows: table.rows,
    }),
    contentType: CONTENT_TYPES.xlsx,
  };
}
