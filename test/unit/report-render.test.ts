import { afterEach, describe, expect, it, vi } from 'vitest';
import ExcelJS from 'exceljs';
import { parsePeriod, publicReportSchema, reportSchema, type PublicReport, type Report, type Totals } from '../../shared/domain/report';
import { rollUp, totalsFromCounters, type CounterRow } from '../../shared/domain/rollup';
import { publicEdition } from '../../shared/domain/suppression';
import { DECLINE_REASONS } from '../../shared/domain/bank-events';
import { SCREENING_REASONS, NEGATIVE_LIST_REASON_CODES } from '../../shared/domain/screening';
import { REASON_CODES, SCREENING_REASON_SHORT, reasonColumnLabel, reasonLabel } from '../../shared/domain/report-labels';
import {
  REPORT_FORMATS,
  contentTypeOf,
  renderCsv,
  renderHtml,
  renderJson,
  renderReport,
  renderXlsx,
  type RenderableReport,
} from '../../shared/adapters/report-render';

// ---------------------------------------------------------------------------------------------
// A small report by hand: Guangdong with two prefectures and two banks.

/** 2026-12-01 01:00:00 China time. */
const GENERATED_AT = '2026-11-30T17:00:00.000Z';

function totals(t: Partial<Totals> = {}): Totals {
  const { visits, reviews, escalations, funnel } = totalsFromCounters({}, { countiesWithActivity: 0, countiesInDivision: 0 });
  return {
    visits,
    reviews,
    escalations,
    funnel,
    declared: 0,
    recommended: 0,
    notRecommended: { total: 0, byReason: {} },
    offered: 0,
    accepted: 0,
    declined: { total: 0, byReason: {} },
    deadlinesMissed: 0,
    lateAnswers: 0,
    unmatched: 0,
    granted: { count: 0, amountYuan: 0 },
    creditLoans: { count: 0, amountYuan: 0 },
    creditLoanShare: null,
    weightedAnnualRateBp: null,
    firstLoans: 0,
    mediumLongTermLoans: 0,
    disbursed: { count: 0, amountYuan: 0 },
    decisionsTimed: 0,
    medianDaysToDecision: null,
    coverage: { countiesWithActivity: 0, countiesInDivision: 0 },
    ...t,
  };
}

const GUANGZHOU = totals({
  declared: 40,
  recommended: 30,
  notRecommended: { total: 10, byReason: { 'negative_list.dishonest_judgment_debtor': 3, size_not_eligible: 8 } },
  offered: 32,
  accepted: 24,
  declined: { total: 8, byReason: { other: 2, tax_arrears: 6 } },
  deadlinesMissed: 1,
  granted: { count: 20, amountYuan: 12_000_000 },
  creditLoans: { count: 9, amountYuan: 4_000_000 },
  creditLoanShare: 0.3333,
  weightedAnnualRateBp: 365.25,
  firstLoans: 7,
  mediumLongTermLoans: 6,
  disbursed: { count: 18, amountYuan: 10_500_000 },
  decisionsTimed: 28,
  medianDaysToDecision: 4.5,
  coverage: { countiesWithActivity: 5, countiesInDivision: 11 },
});
const SHENZHEN = totals({
  declared: 3,
  recommended: 3,
  offered: 3,
  accepted: 2,
  declined: { total: 1, byReason: { tax_arrears: 1 } },
  granted: { count: 2, amountYuan: 800_000 },
  creditLoans: { count: 2, amountYuan: 800_000 },
  creditLoanShare: 1,
  weightedAnnualRateBp: 340,
  firstLoans: 1,
  disbursed: { count: 1, amountYuan: 300_000 },
  decisionsTimed: 3,
  medianDaysToDecision: 2,
  coverage: { countiesWithActivity: 1, countiesInDivision: 9 },
});
const PROVINCE = totals({
  declared: 43,
  recommended: 33,
  notRecommended: { total: 10, byReason: { 'negative_list.dishonest_judgment_debtor': 3, size_not_eligible: 8 } },
  offered: 35,
  accepted: 26,
  declined: { total: 9, byReason: { other: 2, tax_arrears: 7 } },
  deadlinesMissed: 1,
  granted: { count: 22, amountYuan: 12_800_000 },
  creditLoans: { count: 11, amountYuan: 4_800_000 },
  creditLoanShare: 0.375,
  weightedAnnualRateBp: 363.59,
  firstLoans: 8,
  mediumLongTermLoans: 6,
  disbursed: { count: 19, amountYuan: 10_800_000 },
  decisionsTimed: 31,
  medianDaysToDecision: 4,
  coverage: { countiesWithActivity: 6, countiesInDivision: 124 },
});

const FULL: Report = {
  period: '2026-11',
  division: { code: '440000', name: '广东省', nameEn: 'Guangdong', level: 'province' },
  generatedAt: GENERATED_AT,
  edition: 'full',
  totals: PROVINCE,
  children: [
    { division: { code: '440100', name: '广州市', level: 'prefecture' }, totals: GUANGZHOU },
    { division: { code: '440300', name: '深圳市', level: 'prefecture' }, totals: SHENZHEN },
  ],
  banks: [
    {
      bankId: 'ccb-gd',
      offers: 15,
      accepted: 10,
      acceptanceRate: 0.6667,
      declined: 5,
      deadlinesMissed: 1,
      lateAnswers: 0,
      granted: { count: 9, amountYuan: 5_300_000 },
      answersTimed: 0,
      medianDaysToAnswer: null,
    },
    {
      bankId: 'icbc-gd',
      name: { zh: '中国工商银行广东省分行', en: 'ICBC Guangdong' },
      offers: 20,
      accepted: 16,
      acceptanceRate: 0.8,
      declined: 4,
      deadlinesMissed: 0,
      lateAnswers: 0,
      granted: { count: 13, amountYuan: 7_500_000 },
      answersTimed: 20,
      medianDaysToAnswer: 1,
    },
  ],
};

/** The public edition by hand: `pointers` become null and are listed. */
function withSuppressed(report: Report, pointers: string[], threshold = 5): PublicReport {
  const copy = structuredClone(report) as unknown as Record<string, unknown>;
  for (const pointer of pointers) {
    const path = pointer.split('/').slice(1);
    let target = copy as Record<string, unknown>;
    for (const segment of path.slice(0, -1)) target = target[segment] as Record<string, unknown>;
    target[path.at(-1)!] = null;
  }
  return { ...(copy as unknown as Omit<PublicReport, 'edition' | 'threshold' | 'suppressed'>), edition: 'public', threshold, suppressed: pointers };
}

const SUPPRESSED = [
  '/children/0/totals/notRecommended/byReason/negative_list.dishonest_judgment_debtor',
  '/children/0/totals/declined/byReason/other',
  '/children/1/totals/declared',
  '/children/1/totals/granted/count',
  '/children/1/totals/granted/amountYuan',
  '/children/1/totals/creditLoanShare',
  '/totals/notRecommended/byReason/negative_list.dishonest_judgment_debtor',
  '/totals/declined/byReason/other',
  '/banks/0/granted/count',
  '/banks/0/granted/amountYuan',
];
const PUBLIC = withSuppressed(FULL, SUPPRESSED);

// ---------------------------------------------------------------------------------------------
// Helpers

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** RFC 4180: CRLF records, quoted fields with "" for a quote; returns the records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i += 1;
      } else {
        field += c;
        i += 1;
      }
    } else if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      i += 1;
    } else if (c === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (c === '\r' || c === '\n') {
      throw new Error(`bare line break at ${i}`);
    } else {
      field += c;
      i += 1;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || record.length > 0) throw new Error('last record without CRLF');
  return records;
}

function csvOf(report: RenderableReport): { header: string[]; rows: string[][] } {
  const buffer = renderCsv(report);
  expect(buffer.subarray(0, 3)).toEqual(BOM);
  const [header, ...rows] = parseCsv(buffer.subarray(3).toString('utf8'));
  return { header: header!, rows };
}

const column = (header: string[], name: string): number => {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`no column ${name}`);
  return i;
};

async function workbookOf(report: RenderableReport): Promise<ExcelJS.Workbook> {
  const buffer = await renderXlsx(report);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return workbook;
}

const sheetRows = (sheet: ExcelJS.Worksheet): unknown[][] => {
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
};

/** DOS time and date of every local file header and central directory entry of a zip. */
function zipTimes(zip: Buffer): { time: number; date: number }[] {
  const times: { time: number; date: number }[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) {
    const signature = zip.readUInt32LE(i);
    if (signature === 0x04034b50) times.push({ time: zip.readUInt16LE(i + 10), date: zip.readUInt16LE(i + 12) });
    if (signature === 0x02014b50) times.push({ time: zip.readUInt16LE(i + 12), date: zip.readUInt16LE(i + 14) });
  }
  return times;
}

const count = (text: string, needle: string | RegExp): number => text.split(needle).length - 1;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------

describe('formats', () => {
  it('lists the formats and their content types', () => {
    expect(REPORT_FORMATS).toEqual(['json', 'csv', 'xlsx', 'html']);
    expect(contentTypeOf('json')).toBe('application/json; charset=utf-8');
    expect(contentTypeOf('csv')).toMatch(/^text\/csv; charset=utf-8/);
    expect(contentTypeOf('xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(contentTypeOf('html')).toBe('text/html; charset=utf-8');
    expect(() => contentTypeOf('pdf' as never)).toThrow(RangeError);
    expect(() => contentTypeOf('toString' as never)).toThrow(RangeError);
  });

  it('refuses an invalid report, naming the field', async () => {
    const bad = { ...FULL, totals: { ...FULL.totals, declared: -1 } };
    for (const render of [renderJson, renderCsv, renderHtml]) expect(() => render(bad)).toThrow(/\/totals\/declared/);
    await expect(renderXlsx(bad)).rejects.toThrow(TypeError);
    expect(() => renderJson({ ...PUBLIC, suppressed: undefined } as unknown as PublicReport)).toThrow(TypeError);
  });
});

describe('renderReport', () => {
  it('renders the four formats from one validation, as the per-format functions do', async () => {
    for (const [report, schema] of [[FULL, reportSchema], [PUBLIC, publicReportSchema]] as const) {
      const parse = vi.spyOn(schema, 'safeParse');
      const files = await renderReport(report);
      expect(parse).toHaveBeenCalledTimes(1);
      expect(files.map((f) => f.format)).toEqual([...REPORT_FORMATS]);
      for (const file of files) expect(file.contentType).toBe(contentTypeOf(file.format));
      const [json, csv, xlsx, html] = files.map((f) => f.body);
      expect(json!.equals(renderJson(report))).toBe(true);
      expect(csv!.equals(renderCsv(report))).toBe(true);
      expect(xlsx!.equals(await renderXlsx(report))).toBe(true);
      expect(html!.equals(renderHtml(report))).toBe(true);
      expect(parse).toHaveBeenCalledTimes(5);
    }
  });

  it('refuses an invalid report, naming the field', async () => {
    await expect(renderReport({ ...PUBLIC, totals: { ...PUBLIC.totals, offered: 1.5 } })).rejects.toThrow(/\/totals\/offered/);
  });
});

describe('labels', () => {
  it('labels every known reason from where it is defined', () => {
    expect(REASON_CODES.declined).toEqual(DECLINE_REASONS.map((r) => r.code));
    for (const r of DECLINE_REASONS) expect(reasonLabel('declined', r.code)).toEqual({ zh: r.zh, en: r.en });
    expect(Object.keys(SCREENING_REASON_SHORT).sort()).toEqual(Object.keys(SCREENING_REASONS).sort());
    expect(REASON_CODES.notRecommended).toEqual([...Object.keys(SCREENING_REASONS), ...NEGATIVE_LIST_REASON_CODES.map((c) => `negative_list.${c}`)]);
    expect(reasonLabel('notRecommended', 'negative_list.dishonest_judgment_debtor')).toEqual({ zh: '负面清单：失信被执行人', en: 'Negative list: Dishonest judgment debtor' });
    expect(reasonLabel('notRecommended', 'mystery')).toEqual({ zh: 'mystery', en: 'mystery' });
    expect(reasonLabel('notRecommended', 'toString')).toEqual({ zh: 'toString', en: 'toString' });
    expect(reasonColumnLabel('declined', 'tax_arrears')).toEqual({ zh: '拒绝原因：存在欠缴税款', en: 'Declined: Tax arrears (late tax payment)' });
  });
});

describe('renderJson', () => {
  it('round-trips both editions, with keys in a fixed order, 2-space indent and a trailing newline', () => {
    for (const report of [FULL, PUBLIC]) {
      const text = renderJson(report).toString('utf8');
      expect(JSON.parse(text)).toEqual(report);
      expect(text.endsWith('}\n')).toBe(true);
      expect(text.startsWith('{\n  "period": "2026-11",\n  "division": {\n    "code": "440000",')).toBe(true);
    }
    const pub = JSON.parse(renderJson(PUBLIC).toString('utf8'));
    expect(Object.keys(pub)).toEqual(['period', 'division', 'generatedAt', 'edition', 'threshold', 'totals', 'children', 'banks', 'suppressed']);
    expect(Object.keys(pub.banks[1])).toEqual(Object.keys(FULL.banks[1]!));
    expect(pub.suppressed).toEqual(SUPPRESSED);
  });

  it('does not depend on the key order of the input', () => {
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]))
          : value;
    expect(renderJson(reversed(FULL) as Report)).toEqual(renderJson(FULL));
    expect(renderJson(reversed(PUBLIC) as PublicReport)).toEqual(renderJson(PUBLIC));
  });
});

describe('renderCsv', () => {
  it('starts with the BOM, parses, and has a row for the division and one per child', () => {
    const { header, rows } = csvOf(FULL);
    expect(header.slice(0, 6)).toEqual(['报告期 Period', '行政区划代码 Division code', '名称 Name', '英文名称 English name', '级别 Level', '行 Row']);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toHaveLength(header.length);
    // Fixed columns: 23 measures + every known reason of both breakdowns + 28 of the task forces (visits 4, reviews 7, escalations 10, funnel 7).
    expect(header).toHaveLength(6 + 23 + REASON_CODES.notRecommended.length + REASON_CODES.declined.length + 28);
    expect(rows.map((r) => r.slice(0, 6))).toEqual([
      ['2026-11', '440000', '广东省', 'Guangdong', '省级 Province', '本级合计 Division total'],
      ['2026-11', '440100', '广州市', '', '地市级 Prefecture', '下级 Child'],
      ['2026-11', '440300', '深圳市', '', '地市级 Prefecture', '下级 Child'],
    ]);
    const at = (row: number, name: string) => rows[row]![column(header, name)];
    expect(at(0, '申报需求数 Needs declared')).toBe('43');
    expect(at(1, '授信金额（元） Credit granted (yuan)')).toBe('12000000');
    expect(at(1, '信用贷款占比（按金额） Credit loan share (by amount)')).toBe('0.3333');
    expect(at(1, '决定用时中位数（天） Median days to decision')).toBe('4.5');
    expect(at(0, '拒绝原因：存在欠缴税款 Declined: Tax arrears (late tax payment)')).toBe('7');
    expect(at(2, '拒绝原因：其他原因（见说明） Declined: Other (see the note)')).toBe('0');
    expect(at(0, '未推荐原因：负面清单：失信被执行人 Not recommended: Negative list: Dishonest judgment debtor')).toBe('3');
  });

  it('uses CRLF line ends and the same columns for every report', () => {
    const text = renderCsv(FULL).toString('utf8');
    expect(count(text, '\r\n')).toBe(4);
    expect(count(text, '\n')).toBe(4);
    const empty: Report = { ...FULL, totals: totals(), children: [], banks: [] };
    expect(csvOf(empty).header).toEqual(csvOf(FULL).header);
    expect(csvOf(empty).rows).toHaveLength(1);
  });

  it('shows suppressed cells as * and not-applicable cells as empty', () => {
    const { header, rows } = csvOf(PUBLIC);
    const at = (row: number, name: string) => rows[row]![column(header, name)];
    expect(at(2, '申报需求数 Needs declared')).toBe('*');
    expect(at(2, '授信笔数 Credit granted (count)')).toBe('*');
    expect(at(2, '信用贷款占比（按金额） Credit loan share (by amount)')).toBe('*');
    expect(at(1, '拒绝原因：其他原因（见说明） Declined: Other (see the note)')).toBe('*');
    expect(at(0, '拒绝原因：其他原因（见说明） Declined: Other (see the note)')).toBe('*');
    expect(at(2, '推荐数 Needs recommended')).toBe('3');
    // Every suppressed division cell, and nothing else, is a *.
    const stars = rows.flat().filter((f) => f === '*').length;
    expect(stars).toBe(SUPPRESSED.filter((p) => !p.startsWith('/banks/')).length);
    // Not applicable: no rate without grants, no median without timed decisions.
    const none: Report = { ...FULL, totals: totals(), children: [], banks: [] };
    const { header: h2, rows: r2 } = csvOf(none);
    expect(r2[0]![column(h2, '加权平均年利率（基点） Weighted annual rate (bp)')]).toBe('');
    expect(r2[0]![column(h2, '决定用时中位数（天） Median days to decision')]).toBe('');
  });

  it('quotes fields per RFC 4180, disarms formulas, and adds columns for unknown reason codes', () => {
    const odd: Report = {
      ...FULL,
      children: [
        { division: { code: '440100', name: '广州, "南"区', level: 'prefecture' }, totals: { ...GUANGZHOU, declined: { total: 8, byReason: { tax_arrears: 6, zz_new_reason: 2 } } } },
        { division: { code: '440300', name: '=HYPERLINK("x")', level: 'prefecture' }, totals: SHENZHEN },
      ],
    };
    const text = renderCsv(odd).toString('utf8');
    expect(text).toContain('"广州, ""南""区"');
    const { header, rows } = csvOf(odd);
    expect(rows[1]![2]).toBe('广州, "南"区');
    expect(rows[2]![2]).toBe(`'=HYPERLINK("x")`);
    // After the known decline reasons, before the next measure.
    const unknown = column(header, '拒绝原因：zz_new_reason Declined: zz_new_reason');
    expect(header[unknown - 1]).toBe('拒绝原因：其他原因（见说明） Declined: Other (see the note)');
    expect(header[unknown + 1]).toBe('超时未答复数 Bank deadlines missed');
    expect(rows[1]![unknown]).toBe('2');
    expect(rows[0]![unknown]).toBe('0');
  });
});

describe('renderHtml', () => {
  const html = renderHtml(FULL).toString('utf8');
  const pub = renderHtml(PUBLIC).toString('utf8');

  it('is one self-contained page: no script, no external resource', () => {
    for (const page of [html, pub]) {
      expect(page.startsWith('<!DOCTYPE html>\n<html lang="zh-CN">')).toBe(true);
      expect(page).not.toMatch(/<script/i);
      expect(page).not.toMatch(/https?:\/\//i);
      expect(page).not.toMatch(/\b(src|href|xlink:href|srcset|action)\s*=/i);
      expect(page).not.toMatch(/url\(|@import|<link|<iframe|<object|<embed|<img/i);
      expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
      expect(count(page, '<style>')).toBe(1);
    }
  });

  it('shows the division, period, China time, funnel and charts, accessibly', () => {
    expect(html).toMatch(/<title>广东省小微企业融资对接报告 2026-11 · SME financing report, Guangdong \(440000\), 2026-11<\/title>/);
    expect(html).toContain('2026-12-01 01:00:00'); // 17:00Z the day before
    expect(html).toContain('省级 <span class="en" lang="en">Province</span>');
    expect(html).toContain('2026-11-01 至 2026-11-30');
    // The funnel of events, the cohort's funnel, the children's amounts.
    expect(count(html, '<svg')).toBe(3);
    expect(count(html, 'role="img"')).toBe(3);
    expect(count(html, '<title id=')).toBe(3);
    expect(html).toMatch(/aria-label="对接漏斗 Funnel: 申报 Declared 43; 推荐 Recommended 33; 推送银行 Offered 35; 受理 Accepted 26; 授信 Granted 22; 放款 Disbursed 19"/);
    // Children by granted amount, largest first.
    expect(html).toMatch(/aria-label="各下级授信金额（元） Credit granted by child \(yuan\): 广州市 12,000,000; 深圳市 800,000"/);
    expect(count(html, '<rect')).toBe(6 + 2 + 7); // events, children, the cohort's seven steps
    expect(count(html, '<th scope="col"')).toBeGreaterThan(20);
    expect(html).toContain('<caption>');
    expect(html).toContain('中国工商银行广东省分行 ICBC Guangdong');
    expect(html).toContain('12,800,000');
    expect(html).toContain('37.50%');
    expect(html).not.toContain('已抑制');
  });

  it('shows suppressed cells as * with a footnote in the public edition', () => {
    expect(pub).toContain('* 已抑制：小于 5 的计数');
    expect(pub).toContain('* Suppressed: counts below 5');
    expect(count(pub, 'class="suppressed"')).toBeGreaterThanOrEqual(5);
    // The suppressed child is drawn without a bar, after the published ones.
    expect(pub).toMatch(/Credit granted by child \(yuan\): 广州市 12,000,000; 深圳市 \*"/);
    // Six events' bars, the one published child's, and the cohort funnel's seven (all zero here).
    expect(count(pub, '<rect')).toBe(6 + 1 + 7);
  });

  it('escapes text', () => {
    const page = renderHtml({ ...FULL, banks: [{ ...FULL.banks[1]!, name: { zh: '<script>alert(1)</script>', en: 'A & "B"' } }] }).toString('utf8');
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; A &amp; &quot;B&quot;');
  });

  it('handles a county (no children) and children of mixed levels', () => {
    const county: Report = { ...FULL, division: { code: '440106', name: '天河区', level: 'county' }, children: [] };
    const page = renderHtml(county).toString('utf8');
    expect(page).toContain('无下级 No children');
    expect(count(page, '<svg')).toBe(2);
    const hainan: Report = {
      ...FULL,
      division: { code: '460000', name: '海南省', nameEn: 'Hainan', level: 'province' },
      children: [
        { division: { code: '460100', name: '海口市', level: 'prefecture' }, totals: GUANGZHOU },
        { division: { code: '469001', name: '五指山市', level: 'county' }, totals: SHENZHEN },
      ],
    };
    const mixed = renderHtml(hainan).toString('utf8');
    expect(mixed).toContain('<h2 id="h-children">下级 <span class="en" lang="en">Children</span></h2>');
    expect(mixed).toContain('<td class="text">县级 County</td>');
    expect(mixed).toContain('<td class="text">地市级 Prefecture</td>');
  });
});

describe('renderXlsx', () => {
  it('has a totals sheet, a sheet for the level below and a banks sheet, with bilingual headers and numbers', async () => {
    const workbook = await workbookOf(FULL);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['总计 Totals', '地市级 Prefectures', '银行 Banks']);
    expect(workbook.creator).toBe('smefin');
    expect(workbook.created.toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(workbook.modified.toISOString()).toBe('2026-11-30T17:00:00.000Z');

    const totalsRows = sheetRows(workbook.getWorksheet('总计 Totals')!);
    expect(totalsRows[0]).toEqual(['指标 Measure', '数值 Value', '字段 Field (JSON Pointer)']);
    const byPointer = new Map(totalsRows.slice(1).map((r) => [r[2], r[1]]));
    expect(byPointer.get('/period')).toBe('2026-11');
    expect(byPointer.get('/generatedAt')).toBe('2026-12-01 01:00:00');
    expect(byPointer.get('/totals/granted/amountYuan')).toBe(12_800_000);
    expect(byPointer.get('/totals/creditLoanShare')).toBe(0.375);
    expect(byPointer.get('/totals/declined/byReason/tax_arrears')).toBe(7);
    expect(byPointer.get('/totals/declined/byReason/fraud_suspected')).toBe(0);

    const children = workbook.getWorksheet('地市级 Prefectures')!;
    const childRows = sheetRows(children);
    expect(childRows[0]!.slice(0, 5)).toEqual(['行政区划代码 Division code', '名称 Name', '英文名称 English name', '级别 Level', '申报需求数 Needs declared']);
    expect(childRows).toHaveLength(3);
    expect(childRows[1]!.slice(0, 2)).toEqual(['440100', '广州市']);
    const declared = children.getRow(2).getCell(5);
    expect(declared.value).toBe(40);
    expect(declared.type).toBe(ExcelJS.ValueType.Number);
    expect(children.getRow(2).getCell(childRows[0]!.indexOf('授信金额（元） Credit granted (yuan)') + 1).numFmt).toBe('#,##0');
    expect(children.getRow(2).getCell(4).value).toBe('地市级 Prefecture');

    const banks = sheetRows(workbook.getWorksheet('银行 Banks')!);
    expect(banks[0]!.slice(0, 4)).toEqual(['银行编号 Bank ID', '银行名称 Bank name', '银行英文名称 Bank name (English)', '推送数 Offers']);
    expect(banks.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['ccb-gd', undefined, undefined, 15],
      ['icbc-gd', '中国工商银行广东省分行', 'ICBC Guangdong', 20],
    ]);
  });

  it('shows suppressed cells as * in the public edition', async () => {
    const workbook = await workbookOf(PUBLIC);
    const stars = (name: string) => sheetRows(workbook.getWorksheet(name)!).flat().filter((v) => v === '*').length;
    expect(stars('总计 Totals')).toBe(SUPPRESSED.filter((p) => p.startsWith('/totals/')).length);
    expect(stars('地市级 Prefectures')).toBe(SUPPRESSED.filter((p) => p.startsWith('/children/')).length);
    expect(stars('银行 Banks')).toBe(SUPPRESSED.filter((p) => p.startsWith('/banks/')).length);
    const totalsRows = sheetRows(workbook.getWorksheet('总计 Totals')!);
    expect(totalsRows.find((r) => r[2] === '/threshold')![1]).toBe(5);
    expect(totalsRows.find((r) => r[2] === '/suppressed')![1]).toMatch(/^\* 已抑制/);
  });

  it('names the children sheet 下级 Children for mixed levels or none', async () => {
    const county: Report = { ...FULL, division: { code: '440106', name: '天河区', level: 'county' }, children: [] };
    const workbook = await workbookOf(county);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['总计 Totals', '下级 Children', '银行 Banks']);
    expect(sheetRows(workbook.getWorksheet('下级 Children')!)).toHaveLength(1);
  });

  it('stamps every zip entry with generatedAt in China time', async () => {
    const times = zipTimes(await renderXlsx(FULL));
    expect(times.length).toBeGreaterThan(10);
    // 2026-12-01 01:00:00: date (46 << 9) | (12 << 5) | 1, time 1 << 11.
    for (const t of times) expect(t).toEqual({ time: 1 << 11, date: (46 << 9) | (12 << 5) | 1 });
  });
});

describe('determinism', () => {
  /** Renders with the clock at `now` (no renderer may read it). */
  async function renderAt(now: string, report: RenderableReport): Promise<Buffer[]> {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(now));
    try {
      return [renderJson(report), renderCsv(report), await renderXlsx(report), renderHtml(report)];
    } finally {
      vi.useRealTimers();
    }
  }

  it('gives byte-identical files for the same report, whatever the clock', async () => {
    for (const report of [FULL, PUBLIC]) {
      const first = await renderAt('2030-01-01T00:00:00Z', report);
      const second = await renderAt('2031-07-15T13:37:42Z', report);
      REPORT_FORMATS.forEach((format, i) => expect(second[i]!.equals(first[i]!), format).toBe(true));
    }
  });

  it('gives the same XLSX bytes in any time zone (fflate converts an mtime in local time; the entries carry China time)', async () => {
    const before = process.env.TZ;
    try {
      const files: Buffer[] = [];
      for (const tz of ['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Kiritimati']) {
        process.env.TZ = tz;
        files.push(await renderXlsx(PUBLIC));
      }
      for (const file of files) expect(file.equals(files[0]!)).toBe(true);
      for (const t of zipTimes(files[0]!)) expect(t).toEqual({ time: 1 << 11, date: (46 << 9) | (12 << 5) | 1 });
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('renders every report of a roll-up, both editions, with a * for each suppressed division cell', async () => {
    const rows: CounterRow[] = [
      { day: '2026-11-03', countyCode: '440106', counters: { declared: 30, recommended: 25, offers: 20, offersBy_icbc: 12, offersBy_ccb: 8, accepted: 15, acceptedBy_icbc: 10, acceptedBy_ccb: 5, granted: 12, grantedAtBankBy_icbc: 8, grantedAtBankBy_ccb: 4, grantedAmountYuan: 6_000_000, grantedAmountYuanAtBankBy_icbc: 4_000_000, grantedAmountYuanAtBankBy_ccb: 2_000_000 } },
      { day: '2026-11-04', countyCode: '440305', counters: { declared: 3, recommended: 2, offers: 2, offersBy_icbc: 2, accepted: 1, acceptedBy_icbc: 1 } },
      { day: '2026-11-05', countyCode: '440103', counters: { declared: 8, recommended: 6 } },
    ];
    const full = rollUp({ period: parsePeriod('2026-11'), rows, generatedAt: GENERATED_AT, bankNames: { icbc: { zh: '工商银行', en: 'ICBC' } } });
    const pub = publicEdition(full);
    expect(pub.size).toBe(full.size);
    for (const [key, report] of [...full, ...pub]) {
      const { header, rows: csvRows } = csvOf(report);
      expect(csvRows, key).toHaveLength(1 + report.children.length);
      if (report.edition === 'public') {
        expect(csvRows.flat().filter((f) => f === '*').length, key).toBe(report.suppressed.filter((p) => !p.startsWith('/banks/')).length);
      }
      expect(header).toHaveLength(csvOf(FULL).header.length);
      expect(JSON.parse(renderJson(report).toString('utf8'))).toEqual(report);
      expect(renderHtml(report).toString('utf8')).not.toMatch(/<script|https?:/i);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await renderXlsx(report)) as unknown as ExcelJS.Buffer);
      expect(workbook.worksheets).toHaveLength(3);
    }
    const province = pub.get('province:440000')!;
    expect(province.suppressed.length).toBeGreaterThan(0);
  }, 60_000);
});

describe('provisional deadlines', () => {
  const provisional: Report = { ...FULL, provisionalDeadlineYears: [2027] };

  it('carries the years in JSON and the public edition, and says so in HTML and XLSX', async () => {
    expect(JSON.parse(renderJson(provisional).toString('utf8')).provisionalDeadlineYears).toEqual([2027]);
    const pub = publicEdition([provisional], { threshold: 5 }).values().next().value!;
    expect(pub.provisionalDeadlineYears).toEqual([2027]);
    const html = renderHtml(pub).toString('utf8');
    expect(html).toContain('2027 年的放假安排尚未载入');
    expect(html).toContain('deadlines missed and late answers are provisional');
    const totalsRows = sheetRows((await workbookOf(provisional)).getWorksheet('总计 Totals')!);
    expect(totalsRows.find((r) => r[2] === '/provisionalDeadlineYears')![1]).toMatch(/^† 2027 年/);
  });

  it('says nothing when every year of the period is official', async () => {
    expect(renderHtml(FULL).toString('utf8')).not.toContain('放假安排尚未载入');
    expect(JSON.parse(renderJson(FULL).toString('utf8'))).not.toHaveProperty('provisionalDeadlineYears');
  });
});
