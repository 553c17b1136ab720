// The progress section: the month's live figures of the official's division and its children (a
// prefecture's counties, a province's prefectures) from GET /v1/progress/{divisionCode}; a
// division with overdue reviews or escalations not taken up is highlighted, in words as well as
// colour. Every county of a prefecture is listed, the quiet ones with zeros.
import type { Report, ReportChild } from '../../shared/domain/report';
import { loadProvince, loadedProvince, pickerLabel } from './division-data';
import { h } from './dom';
import { formatChinaTime } from './format';
import type { Language } from './i18n';
import { officialRequest } from './workspace-api';
import type { WorkspaceContext, WorkspaceSection } from './workspace-context';
import { field, scrollingTable } from './workspace-form';
import { wt, type WorkspaceKey } from './workspace-i18n';

type Totals = ReportChild['totals'];

/** A figure of the totals, by path; undefined while the report has no such figure. */
function figure(totals: Totals, path: string): number | undefined {
  let value: unknown = totals;
  for (const part of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return typeof value === 'number' ? value : undefined;
}

/** Escalations opened in the month and not resolved in it (a month's balance, not the inbox's stock). */
const openEscalations = (totals: Totals): number | undefined => {
  const opened = figure(totals, 'escalations.opened');
  const resolved = figure(totals, 'escalations.resolved');
  return opened === undefined || resolved === undefined ? undefined : Math.max(0, opened - resolved);
};

/** The columns, each a figure of the report's totals. */
export const PROGRESS_COLUMNS: readonly { key: WorkspaceKey; value: (totals: Totals) => number | undefined | null; ratio?: boolean }[] = [
  { key: 'ws.progress.visited', value: (totals) => figure(totals, 'visits.visited') },
  { key: 'ws.progress.planned', value: (totals) => figure(totals, 'visits.planned') },
  { key: 'ws.progress.coverage', value: (totals) => totals.visits?.coverage ?? null, ratio: true },
  { key: 'ws.progress.declared', value: (totals) => totals.declared },
  { key: 'ws.progress.recommended', value: (totals) => totals.recommended },
  { key: 'ws.progress.offered', value: (totals) => figure(totals, 'funnel.offered') ?? totals.offered },
  { key: 'ws.progress.granted', value: (totals) => totals.granted.count },
  { key: 'ws.progress.unmatched', value: (totals) => totals.unmatched },
  { key: 'ws.progress.reviewsOverdue', value: (totals) => figure(totals, 'reviews.overdue') },
  { key: 'ws.progress.escalationsOpen', value: openEscalations },
];

/** Overdue reviews, or escalations not taken up: the division is flagged. */
export const isOverdue = (totals: Totals): boolean => (figure(totals, 'reviews.overdue') ?? 0) > 0 || (openEscalations(totals) ?? 0) > 0;

function cell(totals: Totals, column: (typeof PROGRESS_COLUMNS)[number], language: Language): string {
  const value = column.value(totals);
  if (value === undefined || value === null) return '—';
  return column.ratio ? `${(value * 100).toFixed(1)}%` : value.toLocaleString(language === 'zh' ? 'zh-CN' : 'en');
}

export function progressSection(root: HTMLElement, context: WorkspaceContext): WorkspaceSection {
  let report: Report | undefined;
  let loading = false;
  const month = h('input', { type: 'month', required: true });
  const monthField = field('progress-month', '', month);
  const show = h('button', { type: 'submit', class: 'button' });
  const form = h('form', { class: 'ws-inline-form', novalidate: true }, monthField, show);
  const status = h('p', { class: 'ws-status', role: 'status', 'aria-live': 'polite' });
  const table = h('div', {});
  const note = h('p', { class: 'hint' });
  root.append(form, status, table, note);

  const childrenOf = (current: Report): ReportChild[] => {
    if (current.children.length > 0) return current.children;
    // No activity yet: list the prefecture's counties (or the county itself) with zeros.
    const province = loadedProvince(current.division.code);
    const group = province?.prefectures.find((p) => p.code === current.division.code);
    const zero = current.totals;
    if (group) return group.counties.map((county) => ({ division: { code: county.code, name: county.name, level: 'county' }, totals: zero }));
    return [];
  };

  const draw = (language: Language): void => {
    monthField.querySelector('label')!.textContent = wt(language, 'ws.progress.month');
    show.textContent = wt(language, 'ws.progress.show');
    note.textContent = wt(language, 'ws.progress.overdueNote');
    if (loading) status.textContent = wt(language, 'ws.loading');
    else status.textContent = report ? wt(language, 'ws.progress.asOf', { time: formatChinaTime(report.generatedAt) }) : '';
    if (!report) {
      table.replaceChildren();
      return;
    }
    const rows: { name: string; totals: Totals }[] = childrenOf(report).map((child) => ({
      name: countyLabelOrName(child.division.code, child.division.name, language),
      totals: child.totals,
    }));
    rows.push({ name: `${wt(language, 'ws.progress.total')}：${countyLabelOrName(report.division.code, report.division.name, language)}`, totals: report.totals });
    table.replaceChildren(
      scrollingTable(
        wt(language, 'ws.progress.title'),
        [wt(language, 'ws.progress.division'), ...PROGRESS_COLUMNS.map((column) => wt(language, column.key))],
        rows.map((row) => [
          isOverdue(row.totals) ? h('span', {}, row.name, ' ', h('strong', { class: 'ws-flag' }, wt(language, 'ws.progress.overdue'))) : row.name,
          ...PROGRESS_COLUMNS.map((column) => cell(row.totals, column, language)),
        ]),
        (index) => (isOverdue(rows[index]!.totals) ? 'ws-overdue' : undefined),
      ),
    );
  };

  const load = async (): Promise<void> => {
    const token = context.token();
    const division = context.jurisdiction();
    if (!token || !division) return;
    loading = true;
    draw(context.language());
    const query = month.value ? `?month=${encodeURIComponent(month.value)}` : '';
    const [outcome] = await Promise.all([officialRequest<Report>(token, context.language(), 'GET', `/v1/progress/${division}${query}`), loadProvince(division)]);
    loading = false;
    if (outcome.kind === 'ok') report = outcome.body;
    else if (!context.reportFailure(outcome)) report = undefined;
    draw(context.language());
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });

  return {
    load: () => {
      if (!month.value) month.value = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
      void load();
    },
    render: draw,
  };
}

/** The division's name in `language` from its province's file (the report's Chinese name until it is loaded). */
function countyLabelOrName(code: string, name: string, language: Language): string {
  const province = loadedProvince(code);
  if (!province) return name;
  if (province.code === code) return pickerLabel(province, language);
  for (const group of province.prefectures) {
    if (group.code === code) return pickerLabel(group, language);
    const county = group.counties.find((c) => c.code === code);
    if (county) return pickerLabel(county, language);
  }
  return name;
}
