// The lists section: a county's declaration list (申报清单) or recommendation list (推荐清单) from
// GET /v1/lists/{countyCode}, shown as a table and downloaded as CSV or Excel. The county's own task
// force sees contacts (each view and download is audited by the server); a coordinator picks one of
// the counties in their jurisdiction and sees the lists without contacts.
import type { ListRow } from '../../shared/domain/lists';
import type { NeedStatus } from '../../shared/domain/need-record';
import { loadProvince } from './division-data';
import { h, hideAlert, showAlert } from './dom';
import { formatYuan } from './format';
import { needStatusKey, t, type Language } from './i18n';
import { downloadFile, officialRequest } from './workspace-api';
import type { WorkspaceContext, WorkspaceSection } from './workspace-context';
import { field, scrollingTable } from './workspace-form';
import { countyChooser } from './workspace-county';
import { wt } from './workspace-i18n';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function listsSection(root: HTMLElement, context: WorkspaceContext): WorkspaceSection {
  let rows: ListRow[] | undefined;
  let contacts = false;
  let loading = false;
  const intro = h('p', { class: 'hint' });
  const which = h('select', {}, h('option', { value: 'declared' }), h('option', { value: 'recommended' }));
  const county = countyChooser('lists-county', context, () => void load());
  const whichField = field('lists-which', '', which);
  const show = h('button', { type: 'submit', class: 'button button-primary' });
  const csv = h('button', { type: 'button', class: 'button', 'data-format': 'csv' });
  const xlsx = h('button', { type: 'button', class: 'button', 'data-format': 'xlsx' });
  const form = h('form', { class: 'ws-inline-form', novalidate: true }, county.field, whichField, h('div', { class: 'ws-actions' }, show, csv, xlsx));
  const status = h('p', { class: 'ws-status', role: 'status', 'aria-live': 'polite' });
  const alert = h('div', { class: 'alert', role: 'alert', tabindex: '-1' });
  const table = h('div', {});
  root.append(intro, form, alert, status, table);

  const chosenCounty = (): string => county.chosen();

  const draw = (language: Language): void => {
    intro.textContent = wt(language, 'ws.lists.intro');
    county.render(language);
    whichField.querySelector('label')!.textContent = wt(language, 'ws.lists.title');
    which.options[0]!.textContent = wt(language, 'ws.lists.declared');
    which.options[1]!.textContent = wt(language, 'ws.lists.recommended');
    show.textContent = wt(language, 'ws.lists.show');
    csv.textContent = wt(language, 'ws.lists.csv');
    xlsx.textContent = wt(language, 'ws.lists.xlsx');
    if (loading) status.textContent = wt(language, 'ws.loading');
    else if (rows) status.textContent = `${wt(language, 'ws.lists.count', { count: rows.length })} · ${wt(language, contacts ? 'ws.lists.contactsAudited' : 'ws.lists.noContacts')}`;
    else status.textContent = '';
    if (!rows) {
      table.replaceChildren();
      return;
    }
    if (rows.length === 0) {
      table.replaceChildren(h('p', { class: 'hint' }, wt(language, 'ws.lists.empty')));
      return;
    }
    table.replaceChildren(
      scrollingTable(
        wt(language, which.value === 'declared' ? 'ws.lists.declared' : 'ws.lists.recommended'),
        [
          wt(language, 'ws.lists.enterprise'),
          wt(language, 'ws.lists.amount'),
          wt(language, 'ws.lists.status'),
          wt(language, 'ws.lists.submittedAt'),
          wt(language, 'ws.lists.reasons'),
          ...(contacts ? [wt(language, 'ws.lists.contact')] : []),
        ],
        rows.map((row) => [
          `${row.enterpriseName} (${row.creditCode})`,
          formatYuan(row.amountYuan, language),
          statusLabel(row.status, language),
          row.submittedAtChina,
          row.screening.reasons.map((reason) => (language === 'zh' ? reason.zh : reason.code)).join('；') || '—',
          ...(contacts && row.contact ? [`${row.contact.name} ${row.contact.mobile}`] : []),
        ]),
      ),
    );
  };

  const load = async (): Promise<void> => {
    const token = context.token();
    const code = chosenCounty();
    if (!token || !code) return;
    loading = true;
    hideAlert(alert);
    draw(context.language());
    const outcome = await officialRequest<{ needs: ListRow[]; contacts: boolean }>(token, context.language(), 'GET', `/v1/lists/${code}?list=${which.value}&format=json`);
    loading = false;
    if (outcome.kind === 'ok') {
      rows = outcome.body.needs;
      contacts = outcome.body.contacts;
    } else {
      rows = undefined;
      if (!context.reportFailure(outcome) && outcome.kind === 'problem') showAlert(alert, outcome.problem?.title ?? '', outcome.problem?.detail ?? '');
    }
    draw(context.language());
  };

  const download = async (format: 'csv' | 'xlsx'): Promise<void> => {
    const token = context.token();
    const code = chosenCounty();
    if (!token || !code) return;
    hideAlert(alert);
    const outcome = await downloadFile(token, context.language(), `/v1/lists/${code}?list=${which.value}&format=${format}`, format === 'csv' ? 'text/csv' : XLSX, `${code}-${which.value}.${format}`);
    if (outcome.kind !== 'ok' && !context.reportFailure(outcome) && outcome.kind === 'problem') showAlert(alert, outcome.problem?.title ?? '', outcome.problem?.detail ?? '');
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  csv.addEventListener('click', () => void download('csv'));
  xlsx.addEventListener('click', () => void download('xlsx'));
  which.addEventListener('change', () => void load());

  return {
    load: () => {
      void loadProvince(context.jurisdiction()).then(() => {
        // A coordinator's chooser loads its first county as it fills; the county's own task force loads here.
        draw(context.language());
        if (context.county()) void load();
      });
    },
    render: draw,
  };
}

function statusLabel(status: NeedStatus, language: Language): string {
  try {
    return t(language, needStatusKey(status));
  } catch {
    return status;
  }
}
