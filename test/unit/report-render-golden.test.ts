// The renderers against golden files written by the renderers as they were before their split and
// the new XLSX writer (test/unit/fixtures/report-render/generate.ts): realistic county, prefecture,
// province and national reports of a synthetic month (bench/render-reports.ts) and an odd one, both
// editions. JSON, CSV and HTML must be byte-identical; XLSX must show the same thing (sheets,
// frozen panes, column widths, every cell's value, type, number format, font, fill and alignment,
// workbook properties) when exceljs reads it back.
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCsv, renderHtml, renderJson, renderReport, renderXlsx, type RenderableReport } from '../../shared/adapters/report-render';
import { xlsxDump } from '../support/xlsx-cells';

const DIR = path.join(import.meta.dirname, 'fixtures', 'report-render');
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.xlsx.json'))
  .map((f) => f.slice(0, -'.xlsx.json'.length))
  .sort();
const golden = (name: string, ext: string): Buffer => readFileSync(path.join(DIR, `${name}.${ext}`));
const reportOf = (name: string): RenderableReport => JSON.parse(golden(name, 'json').toString('utf8')) as RenderableReport;

describe('renderers against the golden files', () => {
  it('has the fixtures of every level and edition', () => {
    expect(NAMES).toEqual(
      ['county', 'edge', 'national', 'prefecture', 'province'].flatMap((level) => [`${level}-full`, `${level}-public`]),
    );
  });

  it.each(NAMES)('%s: JSON, CSV and HTML byte-identical', (name) => {
    const report = reportOf(name);
    expect(renderJson(report).equals(golden(name, 'json'))).toBe(true);
    expect(renderCsv(report).toString('utf8')).toBe(golden(name, 'csv').toString('utf8'));
    expect(renderHtml(report).toString('utf8')).toBe(golden(name, 'html').toString('utf8'));
  });

  it.each(NAMES)('%s: XLSX shows what it showed', async (name) => {
    const expected: unknown = JSON.parse(golden(name, 'xlsx.json').toString('utf8'));
    expect(await xlsxDump(await renderXlsx(reportOf(name)))).toEqual(expected);
  });

  it.each(NAMES)('%s: renderReport gives the same files', async (name) => {
    const report = reportOf(name);
    const files = new Map((await renderReport(report)).map((f) => [f.format, f.body]));
    expect(files.get('json')!.equals(golden(name, 'json'))).toBe(true);
    expect(files.get('csv')!.equals(golden(name, 'csv'))).toBe(true);
    expect(files.get('html')!.equals(golden(name, 'html'))).toBe(true);
    expect(files.get('xlsx')!.equals(await renderXlsx(report))).toBe(true);
  });
});
