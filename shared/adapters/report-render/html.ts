// HTML: one self-contained page (see ../report-render.ts).
import {
  type TotalsMeasure,
  EDITION_LABELS,
  FIELD_LABELS,
  COHORT_FUNNEL_STAGES,
  FUNNEL_STAGES,
  LEVEL_LABELS,
  REASON_KIND_LABELS,
  TOTALS_LABELS,
  bilingual,
  reasonLabel,
  type LocalizedText,
  type ReasonKind,
} from '../../domain/report-labels';
import {
  SUPPRESSED,
  bankTable,
  chinaTime,
  childLevelLabel,
  kindOf,
  levelText,
  measureCell,
  measureColumn,
  pathOf,
  periodText,
  provisionalNote,
  reasonCodesOf,
  suppressedOf,
  suppressionNote,
  titleOf,
  totalsMeasures,
  type Cell,
  type Column,
  type Kind,
  type Measure,
  type Table,
} from './cells';
import type { RenderableReport } from './formats';
import type { ReportDivision } from '../../domain/report';

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const HTML_SPECIAL = /[&<>"']/;
const escapeHtml = (text: string): string => (HTML_SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!) : text);

/** `1234567` → `1,234,567` (an optional minus sign before plain digits; anything else as it is). */
function groupDigits(int: string): string {
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  if (digits.length <= 3 || !/^\d+$/.test(digits)) return int;
  let out = digits.slice(0, digits.length % 3 || 3);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return sign + out;
}

function grouped(n: number, decimals = 0): string {
  const [int, frac] = n.toFixed(decimals).split('.');
  const digits = groupDigits(int!);
  return frac ? `${digits}.${frac}` : digits;
}

/** A number as shown on the page (suppressed and not-applicable cells are handled by the caller). */
function formatNumber(n: number, kind: Kind): string {
  switch (kind) {
    case 'share':
      return `${grouped(n * 100, 2)}%`;
    case 'bp':
      return grouped(n, 2);
    case 'days':
      return Number.isInteger(n) ? String(n) : n.toFixed(1);
    default:
      return Number.isInteger(n) ? grouped(n) : String(n);
  }
}

const SUPPRESSED_HTML = '<span class="suppressed" title="已抑制 Suppressed">*</span>';
const NOT_APPLICABLE_HTML = '<span class="na" title="不适用 Not applicable">—</span>';

function htmlCell(cell: Cell, kind: Kind): string {
  if (cell === SUPPRESSED) return SUPPRESSED_HTML;
  if (cell === null) return NOT_APPLICABLE_HTML;
  if (typeof cell === 'number') return escapeHtml(formatNumber(cell, kind));
  return escapeHtml(cell);
}

/** `中文<span class="en">English</span>` for headings and table headers. */
const label = (text: LocalizedText): string => `${escapeHtml(text.zh)} <span class="en" lang="en">${escapeHtml(text.en)}</span>`;

const STYLE = `
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d5dde5; --head: #eef2f6; --bar: #2563a8; --bar2: #0f766e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif; }
main { max-width: 1360px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 1.6rem; margin: 0 0 12px; }
h2 { font-size: 1.2rem; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1rem; margin: 16px 0 6px; }
h1 .en, h2 .en, h3 .en { color: var(--muted); font-weight: normal; font-size: .8em; margin-left: .4em; }
th .en { display: block; color: var(--muted); font-weight: normal; font-size: .85em; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
.meta .en { color: var(--muted); }
.chart { max-width: 100%; height: auto; }
.chart text { font-size: 14px; fill: var(--ink); }
.chart .value { font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .9rem; margin: 4px 0 8px; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
caption .en { color: var(--muted); font-weight: normal; margin-left: .4em; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: right; vertical-align: top; }
thead th { background: var(--head); vertical-align: bottom; min-width: 4.5em; }
.grid { font-size: .8rem; }
th[scope="row"], td.text, th.text { text-align: left; }
td { white-space: nowrap; }
.grid th[scope="row"] { position: sticky; left: 0; background: #fff; z-index: 1; min-width: 7em; }
.grid thead th:first-child { position: sticky; left: 0; z-index: 2; }
.grid tfoot th[scope="row"] { background: #f7f9fb; }
.hint { color: var(--muted); font-size: .85rem; margin: 0 0 8px; }
tbody th[scope="row"] { font-weight: normal; }
tfoot th, tfoot td { font-weight: bold; background: #f7f9fb; }
.totals th[scope="row"] .en { display: inline; margin-left: .4em; color: var(--muted); font-size: .9em; }
.reasons { display: flex; flex-wrap: wrap; gap: 8px 32px; }
.suppressed { font-weight: bold; }
.na { color: var(--muted); }
.notes { margin-top: 32px; color: var(--muted); font-size: .85rem; }
.notes p { margin: 4px 0; }
.empty { color: var(--muted); }
@media print { main { max-width: none; padding: 0; } .scroll { overflow: visible; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
`;

interface Bar {
  label: string;
  value: Cell;
  kind: Kind;
}

/** A horizontal bar chart as inline SVG: label, bar, value; suppressed and n/a values get no bar. */
function barChart(id: string, title: LocalizedText, bars: readonly Bar[], color: string, unit: string): string {
  const labelWidth = id === 'cohort-funnel' ? 320 : 200;
  const barMax = 440;
  const rowHeight = 30;
  const width = labelWidth + barMax + 150;
  const height = bars.length * rowHeight + 8;
  const max = Math.max(0, ...bars.map((b) => (typeof b.value === 'number' ? b.value : 0)));
  const shown = (b: Bar): string =>
    b.value === SUPPRESSED ? '*' : typeof b.value === 'number' ? formatNumber(b.value, b.kind) + unit : '—';
  const summary = `${title.zh} ${title.en}: ${bars.map((b) => `${b.label} ${shown(b)}`).join('; ')}`;
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowHeight;
    const w = typeof b.value === 'number' && max > 0 ? Math.round((b.value / max) * barMax * 10) / 10 : 0;
    const bar = typeof b.value === 'number' ? `<rect x="${labelWidth}" y="${y + 4}" width="${w}" height="${rowHeight - 10}" rx="2" fill="${color}"/>` : '';
    return (
      `<g><text x="${labelWidth - 10}" y="${y + rowHeight / 2 + 5}" text-anchor="end">${escapeHtml(b.label)}</text>` +
      bar +
      `<text class="value" x="${labelWidth + w + 8}" y="${y + rowHeight / 2 + 5}">${escapeHtml(shown(b))}</text></g>`
    );
  });
  return (
    `<svg class="chart" role="img" aria-labelledby="${id}-title" aria-label="${escapeHtml(summary)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title id="${id}-title">${escapeHtml(summary)}</title>` +
    rows.join('') +
    `</svg>`
  );
}

function funnelChart(report: RenderableReport): string {
  const suppressed = suppressedOf(report);
  const bars = FUNNEL_STAGES.map((stage): Bar => ({
    label: `${stage.label.zh} ${stage.label.en}`,
    value: measureCell(report.totals, ['totals'], { label: stage.label, path: pathOf(stage.pointer), kind: 'count' }, suppressed),
    kind: 'count',
  }));
  return barChart('funnel', { zh: '对接漏斗', en: 'Funnel' }, bars, 'var(--bar)', '');
}

/** The monotonic funnel of the period's cohort (funnel.ts), each bar labelled with its unit. */
function cohortFunnelChart(report: RenderableReport): string {
  const suppressed = suppressedOf(report);
  const bars = COHORT_FUNNEL_STAGES.map((stage): Bar => ({
    label: `${stage.label.zh} ${stage.label.en} (${stage.unit.zh} ${stage.unit.en})`,
    value: measureCell(report.totals, ['totals'], { label: stage.label, path: pathOf(stage.pointer), kind: 'count' }, suppressed),
    kind: 'count',
  }));
  return barChart('cohort-funnel', { zh: '对接漏斗（本期申报批次）', en: 'Funnel of the period’s cohort' }, bars, 'var(--bar)', '');
}

function childrenChart(report: RenderableReport): string {
  const suppressed = suppressedOf(report);
  const measure: Measure = { label: TOTALS_LABELS['/granted/amountYuan'], path: ['granted', 'amountYuan'], kind: 'amount' };
  const bars = report.children.map((child, i): Bar & { code: string } => ({
    label: child.division.name,
    code: child.division.code,
    value: measureCell(child.totals, ['children', i, 'totals'], measure, suppressed),
    kind: 'amount',
  }));
  const amount = (b: (typeof bars)[number]): number => (typeof b.value === 'number' ? b.value : -1);
  // Published amounts, largest first (ties by code); suppressed ones after them, by code.
  bars.sort((a, b) => amount(b) - amount(a) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return barChart('children-granted', { zh: '各下级授信金额（元）', en: 'Credit granted by child (yuan)' }, bars, 'var(--bar2)', '');
}

function htmlTable(caption: LocalizedText, table: Table, rowHeaderColumn: number, footer?: Cell[]): string {
  const head = table.columns.map((c) => `<th scope="col"${c.kind === 'text' ? ' class="text"' : ''}>${label(c.label)}</th>`).join('');
  const rowHtml = (row: Cell[], rowClass = ''): string =>
    `<tr${rowClass}>${row
      .map((cell, i) => {
        const kind = table.columns[i]!.kind;
        if (i === rowHeaderColumn) return `<th scope="row">${htmlCell(cell, kind)}</th>`;
        return `<td${kind === 'text' ? ' class="text"' : ''}>${htmlCell(cell, kind)}</td>`;
      })
      .join('')}</tr>`;
  const body = table.rows.map((r) => rowHtml(r)).join('');
  const foot = footer ? `<tfoot>${rowHtml(footer)}</tfoot>` : '';
  return (
    `<div class="scroll" role="region" tabindex="0" aria-label="${escapeHtml(`表格：${caption.zh} Table: ${caption.en}`)}">` +
    `<table class="grid"><caption>${label(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody>${foot}</table></div>`
  );
}

function totalsTable(report: RenderableReport): string {
  const suppressed = suppressedOf(report);
  const rows = totalsMeasures(undefined)
    .map((m) => `<tr><th scope="row">${label(m.label)}</th><td>${htmlCell(measureCell(report.totals, ['totals'], m, suppressed), m.kind)}</td></tr>`)
    .join('');
  return (
    `<table class="totals"><caption>${label({ zh: '总计', en: 'Totals' })}</caption>` +
    `<thead><tr><th scope="col" class="text">${label(FIELD_LABELS.measure)}</th><th scope="col">${label(FIELD_LABELS.value)}</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`
  );
}

function reasonsTable(report: RenderableReport, kind: ReasonKind): string {
  const suppressed = suppressedOf(report);
  const present = new Set(Object.keys(report.totals[kind].byReason));
  const codes = reasonCodesOf(report)[kind].filter((code) => present.has(code));
  const caption = REASON_KIND_LABELS[kind];
  const captionHtml = `<caption>${label({ zh: `${caption.zh}分布`, en: `${caption.en}: by reason` })}</caption>`;
  if (codes.length === 0) return `<table>${captionHtml}<tbody><tr><td class="text empty">无 None</td></tr></tbody></table>`;
  const rows = codes
    .map((code) => {
      const m: Measure = { label: reasonLabel(kind, code), path: [kind, 'byReason', code], kind: 'count', reason: true };
      return `<tr><th scope="row">${label(m.label)}</th><td>${htmlCell(measureCell(report.totals, ['totals'], m, suppressed), 'count')}</td></tr>`;
    })
    .join('');
  return (
    `<table class="totals">${captionHtml}` +
    `<thead><tr><th scope="col" class="text">${label({ zh: '原因', en: 'Reason' })}</th><th scope="col">${label({ zh: '笔数', en: 'Count' })}</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`
  );
}

/** The children's columns on the page (all of them, with the reasons, are in the CSV and XLSX). */
const PAGE_CHILD_MEASURES: readonly TotalsMeasure[] = [
  '/declared',
  '/recommended',
  '/offered',
  '/accepted',
  '/declined/total',
  '/deadlinesMissed',
  '/granted/count',
  '/granted/amountYuan',
  '/creditLoanShare',
  '/weightedAnnualRateBp',
  '/firstLoans',
  '/mediumLongTermLoans',
  '/disbursed/amountYuan',
  '/medianDaysToDecision',
];

/** The task forces' figures on the page, after the coverage column. */
const PAGE_CHILD_TASK_FORCE_MEASURES: readonly TotalsMeasure[] = [
  '/visits/visited',
  '/visits/coverage',
  '/reviews/made',
  '/reviews/medianWorkingDays',
  '/reviews/overdue',
  '/escalations/opened',
  '/escalations/resolved',
];

function childrenTable(report: RenderableReport): string {
  const suppressed = suppressedOf(report);
  const measureOf = (pointer: TotalsMeasure): Measure => ({ label: TOTALS_LABELS[pointer], path: pathOf(pointer), kind: kindOf(pointer) });
  const measures = PAGE_CHILD_MEASURES.map(measureOf);
  const taskForceMeasures = PAGE_CHILD_TASK_FORCE_MEASURES.map(measureOf);
  const mixed = new Set(report.children.map((c) => c.division.level)).size > 1;
  const columns: Column[] = [
    { key: 'name', label: FIELD_LABELS.divisionName, kind: 'text' },
    { key: 'code', label: FIELD_LABELS.divisionCode, kind: 'text' },
    ...(mixed ? [{ key: 'level', label: FIELD_LABELS.level, kind: 'text' as const }] : []),
    ...measures.map(measureColumn),
    // Text in a numeric column: right-aligned like the numbers.
    { key: 'coverage', label: { zh: '有业务县数 / 县级单位数', en: 'Counties with activity / in division' }, kind: 'count' },
    ...taskForceMeasures.map(measureColumn),
  ];
  const row = (name: string, division: ReportDivision, totals: RenderableReport['totals'], base: (string | number)[]): Cell[] => [
    name,
    division.code,
    ...(mixed ? [levelText(division.level)] : []),
    ...measures.map((m) => measureCell(totals, base, m, suppressed)),
    `${totals.coverage.countiesWithActivity} / ${totals.coverage.countiesInDivision}`,
    ...taskForceMeasures.map((m) => measureCell(totals, base, m, suppressed)),
  ];
  const table: Table = {
    columns,
    rows: report.children.map((child, i) => row(child.division.name, child.division, child.totals, ['children', i, 'totals'])),
  };
  const footer = row(bilingual(FIELD_LABELS.divisionTotal), report.division, report.totals, ['totals']);
  const level = childLevelLabel(report);
  return htmlTable({ zh: `${level.zh}（下一级）`, en: level.en }, table, 0, footer) + '<p class="hint">完整指标（含各项原因分布）见 CSV 和 XLSX 文件。 <span lang="en">All measures, with the reasons, are in the CSV and XLSX files.</span></p>';
}

function banksTable(report: RenderableReport): string {
  const full = bankTable(report);
  const table: Table = {
    columns: [full.columns[1]!, full.columns[0]!, ...full.columns.slice(3)],
    rows: full.rows.map((row, i) => {
      const bank = report.banks[i]!;
      return [bank.name ? `${bank.name.zh} ${bank.name.en}` : bank.bankId, bank.bankId, ...row.slice(3)];
    }),
  };
  return htmlTable({ zh: '银行', en: 'Banks' }, table, 0);
}

/** What the visits, reviews, escalations and the cohort funnel count. */
const TASK_FORCE_NOTES: readonly LocalizedText[] = [
  {
    zh: '走访主体数按县、按自然月（北京时间）去重：同一主体一个月内多次走访计 1 户；跨月的报告期按月相加（同一主体在两个月各被走访计 2 户），上级为所辖各县之和。走访覆盖率 = 走访主体数 / 计划走访主体数（无计划时不适用，走访计划外主体时可超过 100%）。',
    en: 'Entities visited are distinct per county and calendar month (China time): an enterprise visited three times in a month counts once; a period longer than a month adds its months (an enterprise visited in two months counts twice), and a division adds its counties. Visit coverage = entities visited / entities planned (not applicable without a plan; above 100% when enterprises outside the plan were visited).',
  },
  {
    zh: '审核用时中位数按工作日计，自申报至审核决定；审核超期数计入其超期当日。转办事项按开办日、办结按办结日计入。',
    en: 'Median working days to review run from the declaration to the review decision; an overdue review counts on the day it became overdue. Escalations count on the day opened, resolutions on the day resolved.',
  },
  {
    zh: '对接漏斗（本期申报批次）单调递减：“触达”计走访主体数，加上未对应到当月走访的申报需求（故不小于申报数）；其后各环节计本期申报的需求中截至生成时已到达该环节的笔数（一笔需求推送多家银行只计 1 笔），因而每一环节不超过上一环节。',
    en: 'The funnel of the period’s cohort never increases: “reached” counts entities visited plus needs declared without a matched visit that month (so it is at least the needs declared); each later step counts the needs declared in the period that had reached it when the report was made (a need offered to three banks counts once), so no step exceeds the one before.',
  },
];

/**
 * The report as one self-contained HTML page (no script, no external resource): metadata, the
 * funnel and the children's granted amounts as inline SVG, tables of totals, reasons, children and
 * banks, and notes. Public edition: suppressed cells are `*`, with a footnote.
 */
export function htmlOf(report: RenderableReport): Buffer {
  const d = report.division;
  const title = titleOf(report);
  const period = periodText(report.period);
  const meta: [LocalizedText, string][] = [
    [FIELD_LABELS.divisionCode, escapeHtml(d.code)],
    [FIELD_LABELS.divisionName, `${escapeHtml(d.name)}${d.nameEn ? ` <span class="en" lang="en">${escapeHtml(d.nameEn)}</span>` : ''}`],
    [FIELD_LABELS.level, label(LEVEL_LABELS[d.level])],
    [FIELD_LABELS.period, `${escapeHtml(period.zh)} <span class="en" lang="en">${escapeHtml(period.en)}</span>`],
    [FIELD_LABELS.generatedAt, `<time datetime="${escapeHtml(report.generatedAt)}">${escapeHtml(chinaTime(report.generatedAt))}</time> <span class="en" lang="en">UTC+8</span>`],
    [FIELD_LABELS.edition, label(EDITION_LABELS[report.edition])],
    ...(report.edition === 'public' ? [[FIELD_LABELS.threshold, escapeHtml(String(report.threshold))] as [LocalizedText, string]] : []),
  ];
  const childLabel = childLevelLabel(report);
  const notes = [
    ...(report.edition === 'public' ? [suppressionNote(report.threshold)] : []),
    ...(report.provisionalDeadlineYears ? [provisionalNote(report.provisionalDeadlineYears)] : []),
    { zh: '— 不适用（如无授信时的利率和占比，无计时记录时的中位数）。', en: '— Not applicable (e.g. no rate or share when nothing was granted, no median without timed records).' },
    {
      zh: '各项按事件发生日（北京时间）计入报告期，按需求所在县统计；同一需求的各环节可能落在不同报告期。推送、受理、拒绝按银行推送笔数计，一笔需求可推送多家银行。',
      en: 'Each figure counts events on their China-time day, in the county of the need; the stages of one need may fall in different periods. Offers, acceptances and declines count referrals: a need may be offered to several banks.',
    },
    {
      zh: '信用贷款占比按金额计算；加权平均年利率按授信金额加权，单位为基点（1 基点 = 0.01%）；中位数单位为自然日。',
      en: 'Credit loan share is by amount; the weighted annual rate is weighted by granted amount, in basis points (1 bp = 0.01%); medians are in calendar days.',
    },
    ...TASK_FORCE_NOTES,
  ];
  const html = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${title.zh} · ${title.en}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(title.zh)} <span class="en" lang="en">${escapeHtml(title.en)}</span></h1>
<dl class="meta">
${meta.map(([k, v]) => `<dt>${label(k)}</dt><dd>${v}</dd>`).join('\n')}
</dl>
</header>
<section aria-labelledby="h-funnel">
<h2 id="h-funnel">对接漏斗 <span class="en" lang="en">Funnel: declared → recommended → offered → accepted → granted → disbursed</span></h2>
${funnelChart(report)}
</section>
<section aria-labelledby="h-cohort-funnel">
<h2 id="h-cohort-funnel">对接漏斗（本期申报批次） <span class="en" lang="en">Funnel of the period’s cohort: reached → declared → recommended → offered → accepted → granted → disbursed</span></h2>
${cohortFunnelChart(report)}
</section>
<section aria-labelledby="h-children-chart">
<h2 id="h-children-chart">${escapeHtml(childLabel.zh)}授信金额（元） <span class="en" lang="en">Credit granted by ${escapeHtml(childLabel.en.toLowerCase())} (yuan)</span></h2>
${report.children.length > 0 ? childrenChart(report) : '<p class="empty">无下级 No children</p>'}
</section>
<section aria-labelledby="h-totals">
<h2 id="h-totals">总计 <span class="en" lang="en">Totals</span></h2>
<div class="reasons">
${totalsTable(report)}
<div>
${reasonsTable(report, 'notRecommended')}
${reasonsTable(report, 'declined')}
</div>
</div>
</section>
<section aria-labelledby="h-children">
<h2 id="h-children">${escapeHtml(childLabel.zh)} <span class="en" lang="en">${escapeHtml(childLabel.en)}</span></h2>
${report.children.length > 0 ? childrenTable(report) : '<p class="empty">无下级 No children</p>'}
</section>
<section aria-labelledby="h-banks">
<h2 id="h-banks">银行 <span class="en" lang="en">Banks</span></h2>
${report.banks.length > 0 ? banksTable(report) : '<p class="empty">本期无银行业务 No bank activity in the period</p>'}
</section>
<footer class="notes">
<h2>说明 <span class="en" lang="en">Notes</span></h2>
${notes.map((n) => `<p>${escapeHtml(n.zh)}<br><span lang="en">${escapeHtml(n.en)}</span></p>`).join('\n')}
</footer>
</main>
</body>
</html>
`;
  return Buffer.from(html, 'utf8');
}
