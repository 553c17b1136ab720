// What every format shows: cells (suppressed, not applicable, numbers of a kind), the division and
// bank tables, and the labels and notes shared by the formats (see ../report-render.ts).
import type { DivisionLevel } from '../../domain/divisions';
import { chinaDateTime } from '../../domain/need-record';
import { parsePeriod, type ReportDivision } from '../../domain/report';
import {
  BANK_LABELS,
  CHILD_LEVEL_LABELS,
  CHILDREN_LABEL,
  FIELD_LABELS,
  LEVEL_LABELS,
  REASON_CODES,
  TOTALS_LABELS,
  bilingual,
  reasonColumnLabel,
  type LocalizedText,
  type ReasonKind,
} from '../../domain/report-labels';
import { jsonPointer } from '../../domain/suppression';
import type { RenderableReport } from './formats';

export const SUPPRESSED = Symbol('suppressed');
/** A table cell: text, a number, suppressed, or null (not applicable). */
export type Cell = string | number | null | typeof SUPPRESSED;
export type Kind = 'text' | 'count' | 'amount' | 'share' | 'bp' | 'days';

export interface Measure {
  label: LocalizedText;
  /** Path below the totals or the bank. */
  path: readonly string[];
  kind: Kind;
  /** A byReason entry: missing means 0. */
  reason?: boolean;
}

export const pathOf = (pointer: string): string[] => pointer.split('/').slice(1);

export function kindOf(pointer: string): Kind {
  if (pointer.endsWith('/amountYuan')) return 'amount';
  if (pointer === '/creditLoanShare' || pointer === '/acceptanceRate' || pointer === '/visits/coverage') return 'share';
  if (pointer === '/weightedAnnualRateBp') return 'bp';
  if (pointer.startsWith('/median') || pointer === '/reviews/medianWorkingDays') return 'days';
  return 'count';
}

export type ReasonCodes = Readonly<Record<ReasonKind, readonly string[]>>;

/** Known reasons in their fixed order, then unknown codes found in the report's breakdowns, sorted. */
export function reasonCodesOf(report: RenderableReport): ReasonCodes {
  const all = [report.totals, ...report.children.map((c) => c.totals)];
  const codes = (kind: ReasonKind): string[] => {
    const known = new Set(REASON_CODES[kind]);
    const extra = new Set<string>();
    for (const t of all) for (const code of Object.keys(t[kind].byReason)) if (!known.has(code)) extra.add(code);
    return [...REASON_CODES[kind], ...[...extra].sort()];
  };
  return { notRecommended: codes('notRecommended'), declined: codes('declined') };
}

/** The measures of totals, each breakdown followed by one column per reason. */
export function totalsMeasures(reasons: ReasonCodes | undefined): Measure[] {
  const measures: Measure[] = [];
  for (const [pointer, label] of Object.entries(TOTALS_LABELS)) {
    measures.push({ label, path: pathOf(pointer), kind: kindOf(pointer) });
    const kind = pointer === '/notRecommended/total' ? 'notRecommended' : pointer === '/declined/total' ? 'declined' : undefined;
    if (kind && reasons) {
      for (const code of reasons[kind]) {
        measures.push({ label: reasonColumnLabel(kind, code), path: [kind, 'byReason', code], kind: 'count', reason: true });
      }
    }
  }
  return measures;
}

export const BANK_MEASURES: readonly Measure[] = Object.entries(BANK_LABELS).map(([pointer, label]) => ({
  label,
  path: pathOf(pointer),
  kind: kindOf(pointer),
}));

export function valueAt(source: unknown, path: readonly string[]): unknown {
  let value = source;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** Suppressed pointers of the report (empty for the full edition). */
export const suppressedOf = (report: RenderableReport): ReadonlySet<string> => new Set(report.edition === 'public' ? report.suppressed : []);

/** JSON Pointers of paths, memoised per path array (a row's cells share their base, a column's cells their measure). */
const POINTERS = new WeakMap<readonly (string | number)[], string>();
function pointerOf(path: readonly (string | number)[]): string {
  let pointer = POINTERS.get(path);
  if (pointer === undefined) POINTERS.set(path, (pointer = jsonPointer(path)));
  return pointer;
}

/** The cell of `measure` in `source`, which sits at `base` in the report. */
export function measureCell(source: unknown, base: readonly (string | number)[], measure: Measure, suppressed: ReadonlySet<string>): Cell {
  // The pointer of base + path is the concatenation of theirs.
  if (suppressed.size > 0 && suppressed.has(pointerOf(base) + pointerOf(measure.path))) return SUPPRESSED;
  const value = valueAt(source, measure.path);
  if (value === undefined) return measure.reason ? 0 : null;
  return typeof value === 'number' ? value : null;
}

export interface Column {
  /** `period`, `code`, `name`, `nameEn`, `level`, `row`, `bankId`, `bankName`, `bankNameEn`, or the measure's pointer. */
  key: string;
  label: LocalizedText;
  kind: Kind;
  reason?: boolean;
}

export interface Table {
  columns: Column[];
  rows: Cell[][];
}

export const measureColumn = (m: Measure): Column => ({ key: jsonPointer(m.path), label: m.label, kind: m.kind, ...(m.reason ? { reason: true } : {}) });

export const levelText = (level: DivisionLevel): string => bilingual(LEVEL_LABELS[level]);

/** Division rows: optionally the period and row-type columns, the division itself, the children. */
export function divisionTable(report: RenderableReport, options: { withPeriod: boolean; withTotalRow: boolean }): Table {
  const measures = totalsMeasures(reasonCodesOf(report));
  const suppressed = suppressedOf(report);
  const columns: Column[] = [
    ...(options.withPeriod ? [{ key: 'period', label: FIELD_LABELS.period, kind: 'text' as const }] : []),
    { key: 'code', label: FIELD_LABELS.divisionCode, kind: 'text' },
    { key: 'name', label: FIELD_LABELS.divisionName, kind: 'text' },
    { key: 'nameEn', label: FIELD_LABELS.divisionNameEn, kind: 'text' },
    { key: 'level', label: FIELD_LABELS.level, kind: 'text' },
    ...(options.withTotalRow ? [{ key: 'row', label: FIELD_LABELS.row, kind: 'text' as const }] : []),
    ...measures.map(measureColumn),
  ];
  const row = (division: ReportDivision, rowType: LocalizedText, totals: unknown, base: (string | number)[]): Cell[] => [
    ...(options.withPeriod ? [report.period] : []),
    division.code,
    division.name,
    division.nameEn ?? null,
    levelText(division.level),
    ...(options.withTotalRow ? [bilingual(rowType)] : []),
    ...measures.map((m) => measureCell(totals, base, m, suppressed)),
  ];
  const rows: Cell[][] = [];
  if (options.withTotalRow) rows.push(row(report.division, FIELD_LABELS.divisionTotal, report.totals, ['totals']));
  report.children.forEach((child, i) => rows.push(row(child.division, FIELD_LABELS.child, child.totals, ['children', i, 'totals'])));
  return { columns, rows };
}

export function bankTable(report: RenderableReport): Table {
  const suppressed = suppressedOf(report);
  return {
    columns: [
      { key: 'bankId', label: FIELD_LABELS.bankId, kind: 'text' },
      { key: 'bankName', label: FIELD_LABELS.bankName, kind: 'text' },
      { key: 'bankNameEn', label: FIELD_LABELS.bankNameEn, kind: 'text' },
      ...BANK_MEASURES.map(measureColumn),
    ],
    rows: report.banks.map((bank, i) => [
      bank.bankId,
      bank.name?.zh ?? null,
      bank.name?.en ?? null,
      ...BANK_MEASURES.map((m) => measureCell(bank, ['banks', i], m, suppressed)),
    ]),
  };
}

/** `generatedAt` as China Standard Time, `YYYY-MM-DD HH:mm:ss`. */
export const chinaTime = chinaDateTime;

export const PERIOD_KIND_LABELS = {
  day: { zh: '日报', en: 'Daily' },
  month: { zh: '月报', en: 'Monthly' },
  monthToDate: { zh: '月初至今', en: 'Month to date' },
} as const satisfies Record<string, LocalizedText>;

/** `2026-11（月报 Monthly，2026-11-01 至 2026-11-30）`. */
export function periodText(id: string): { zh: string; en: string } {
  const period = parsePeriod(id);
  const kind = PERIOD_KIND_LABELS[period.kind];
  const first = period.days[0]!;
  const last = period.days[period.days.length - 1]!;
  const range = first === last ? first : `${first} 至 ${last}`;
  const rangeEn = first === last ? first : `${first} to ${last}`;
  return { zh: `${id}（${kind.zh}，${range}）`, en: `${kind.en}, ${rangeEn}` };
}

/** The sheet and heading label of the level below the division. */
export function childLevelLabel(report: RenderableReport): LocalizedText {
  const levels = new Set(report.children.map((c) => c.division.level));
  const [only] = levels;
  return levels.size === 1 && only !== undefined ? CHILD_LEVEL_LABELS[only] : CHILDREN_LABEL;
}

/** Deadlines in years without an official holiday arrangement are provisional, and so are the figures on them. */
export function provisionalNote(years: readonly number[]): LocalizedText {
  const list = years.join('、');
  return {
    zh: `† ${list} 年的放假安排尚未载入：该年份的银行答复期限按法定节假日临时计算，超时未答复数和逾期答复数为临时数据。`,
    en: `† No official holiday arrangement for ${years.join(', ')} was loaded: bank deadlines there were computed on the statutory holidays alone, so deadlines missed and late answers are provisional.`,
  };
}

export function suppressionNote(threshold: number): LocalizedText {
  return {
    zh: `* 已抑制：小于 ${threshold} 的计数，以及可据以推算出这些计数的互补单元格（含相关金额、比率和中位数），均不公布。`,
    en: `* Suppressed: counts below ${threshold}, and the complementary cells from which they could be derived (with the related amounts, ratios and medians), are not published.`,
  };
}

export function titleOf(report: RenderableReport): LocalizedText {
  const d = report.division;
  return {
    zh: `${d.name}小微企业融资对接报告 ${report.period}`,
    en: `SME financing report, ${d.nameEn ?? d.name} (${d.code}), ${report.period}`,
  };
}
