// The negative-list section: the county's entries (GET /v1/counties/{countyCode}/negative-list), and
// for the county's own task force an addition form, "expire today" on an entry in force
// (POST …/{entryId}/expiry) and a CSV import (POST …/imports as text/csv, the CLI's columns: each
// row accepted or rejected on its own, the rejected lines said with their reasons). Coordinators
// pick a county and read. The server audits every change.
import { NEGATIVE_LIST_REASONS } from '../../shared/domain/reasons';
import type { NegativeListView } from '../../shared/domain/negative-list';
import { h, hideAlert, showAlert } from './dom';
import type { Language } from './i18n';
import { officialRequest, officialSend } from './workspace-api';
import type { WorkspaceContext, WorkspaceSection } from './workspace-context';
import { choiceSelect, clearFieldErrors, field, scrollingTable, showFieldErrors } from './workspace-form';
import { wt, type WorkspaceKey } from './workspace-i18n';
import { countyChooser } from './workspace-county';

type ReasonCode = keyof typeof NEGATIVE_LIST_REASONS;
const REASON_CODES = Object.keys(NEGATIVE_LIST_REASONS) as ReasonCode[];

interface ImportAnswer {
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  rows: { line: number; status: string; message?: { zh: string; en: string } }[];
}

/** The addition's body from the form: blanks left out. */
export function additionBody(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value.trim() !== ''));
}

export function negativeListSection(root: HTMLElement, context: WorkspaceContext): WorkspaceSection {
  let entries: NegativeListView[] = [];
  let message: (language: Language) => string = () => '';
  let imported: ImportAnswer | undefined;
  const intro = h('p', { class: 'hint' });
  const county = countyChooser('negative-county', context, () => void load());
  const controls = {
    creditCode: h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '30', required: true }),
    reasonCode: choiceSelect(REASON_CODES, () => ''),
    source: h('input', { type: 'text', maxlength: '200', required: true }),
    validTo: h('input', { type: 'date' }),
    note: h('input', { type: 'text', maxlength: '500' }),
  };
  const fields = Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, field(`negative-${name}`, '', control)])) as Record<keyof typeof controls, HTMLDivElement>;
  const alert = h('div', { class: 'alert', role: 'alert', tabindex: '-1' });
  const add = h('button', { type: 'submit', class: 'button button-primary' });
  const form = h('form', { class: 'ws-form', novalidate: true }, alert, fields.creditCode, fields.reasonCode, fields.source, fields.validTo, fields.note, add);
  const csv = h('input', { type: 'file', accept: '.csv,text/csv' });
  const csvField = field('negative-csv', '', csv);
  const importButton = h('button', { type: 'submit', class: 'button' });
  const importForm = h('form', { class: 'ws-inline-form', novalidate: true }, csvField, h('div', { class: 'ws-actions' }, importButton));
  const status = h('p', { class: 'ws-status', role: 'status', 'aria-live': 'polite', id: 'negative-status' });
  const rejected = h('ul', { class: 'alert-list', id: 'negative-rejected' });
  const heading = h('h3', {});
  const table = h('div', {});
  const readOnly = h('p', { class: 'hint' });
  root.append(intro, county.field, readOnly, form, importForm, status, rejected, heading, table);

  const own = (): boolean => context.county() !== undefined;
  const chosen = (): string => county.chosen();
  const label = (id: keyof typeof controls): HTMLLabelElement => fields[id].querySelector('label')!;
  const optional = (language: Language) => h('span', { class: 'optional' }, ` ${wt(language, 'ws.optional')}`);

  const draw = (language: Language): void => {
    intro.textContent = wt(language, 'ws.negative.intro');
    county.render(language);
    form.hidden = !own();
    importForm.hidden = !own();
    readOnly.hidden = own();
    readOnly.textContent = wt(language, 'ws.negative.readOnly');
    label('creditCode').textContent = wt(language, 'ws.negative.creditCode');
    label('reasonCode').textContent = wt(language, 'ws.negative.reason');
    label('source').textContent = wt(language, 'ws.negative.source');
    label('validTo').replaceChildren(wt(language, 'ws.negative.validTo'), optional(language));
    label('note').replaceChildren(wt(language, 'ws.negative.note'), optional(language));
    for (const option of controls.reasonCode.options) option.textContent = NEGATIVE_LIST_REASONS[option.value as ReasonCode][language];
    add.textContent = wt(language, 'ws.negative.add');
    csvField.querySelector('label')!.textContent = wt(language, 'ws.negative.import');
    importButton.textContent = wt(language, 'ws.negative.importSubmit');
    status.textContent = message(language);
    rejected.replaceChildren(
      ...(imported?.rows ?? [])
        .filter((row) => row.status !== 'added' && row.status !== 'updated' && row.status !== 'unchanged')
        .map((row) => h('li', {}, wt(language, 'ws.negative.rejectedRow', { line: row.line, message: row.message?.[language] ?? row.status }))),
    );
    heading.textContent = wt(language, 'ws.negative.entries');
    table.replaceChildren(
      entries.length === 0
        ? h('p', { class: 'hint' }, wt(language, 'ws.negative.empty'))
        : scrollingTable(
            wt(language, 'ws.negative.entries'),
            [wt(language, 'ws.negative.creditCode'), wt(language, 'ws.negative.reason'), wt(language, 'ws.negative.status'), wt(language, 'ws.negative.window'), wt(language, 'ws.negative.note'), ''],
            entries.map((entry) => [
              entry.creditCode,
              entry.reason[language],
              wt(language, `ws.negative.status.${entry.status}` as WorkspaceKey),
              `${entry.validFrom} – ${entry.validTo ?? ''}`,
              entry.note ?? '',
              own() && entry.status === 'in_force'
                ? h('button', { type: 'button', class: 'button-link', 'data-expire': entry.entryId, 'aria-label': `${wt(language, 'ws.negative.expire')} ${entry.creditCode}` }, wt(language, 'ws.negative.expire'))
                : '',
            ]),
          ),
    );
  };

  const load = async (): Promise<void> => {
    const token = context.token();
    const code = chosen();
    if (!token || !code) return;
    const outcome = await officialRequest<{ entries: NegativeListView[] }>(token, context.language(), 'GET', `/v1/counties/${code}/negative-list`);
    if (outcome.kind === 'ok') entries = outcome.body.entries;
    else context.reportFailure(outcome);
    draw(context.language());
  };

  const refused = (outcome: Exclude<Awaited<ReturnType<typeof officialRequest>>, { kind: 'ok' }>): void => {
    if (context.reportFailure(outcome) || outcome.kind !== 'problem') return;
    const errors = outcome.problem?.errors ?? [];
    const loose = showFieldErrors(form, 'negative', errors, context.language());
    showAlert(alert, errors.length > 0 ? wt(context.language(), 'ws.negative.errors', { count: errors.length }) : (outcome.problem?.title ?? ''), outcome.problem?.detail ?? '', loose);
    if (loose.length === errors.length) alert.focus();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = context.token();
    const code = context.county();
    if (!token || !code) return;
    hideAlert(alert);
    clearFieldErrors(form);
    const body = additionBody(Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, control.value])));
    void officialRequest<{ outcome: string; entry: NegativeListView }>(token, context.language(), 'POST', `/v1/counties/${code}/negative-list`, body).then(async (outcome) => {
      if (outcome.kind !== 'ok') return refused(outcome);
      const { entry } = outcome.body;
      message = (language) => wt(language, outcome.body.outcome === 'unchanged' ? 'ws.negative.unchanged' : 'ws.negative.added', { code: entry.creditCode, reason: entry.reason[language] });
      controls.creditCode.value = '';
      controls.note.value = '';
      await load();
    });
  });

  importForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = context.token();
    const code = context.county();
    const file = csv.files?.[0];
    if (!token || !code || !file) return;
    void officialSend<ImportAnswer>(token, context.language(), 'POST', `/v1/counties/${code}/negative-list/imports`, { contentType: 'text/csv', bytes: file }).then(async (outcome) => {
      if (outcome.kind !== 'ok') {
        imported = undefined;
        refused(outcome);
        return;
      }
      imported = outcome.body;
      message = (language) => wt(language, 'ws.negative.imported', { total: outcome.body.rowsTotal, accepted: outcome.body.rowsAccepted, rejected: outcome.body.rowsTotal - outcome.body.rowsAccepted });
      await load();
    });
  });

  table.addEventListener('click', (event) => {
    const entryId = (event.target as Element).closest<HTMLButtonElement>('button[data-expire]')?.dataset.expire;
    const token = context.token();
    const code = context.county();
    if (!entryId || !token || !code) return;
    void officialRequest<{ entry: NegativeListView }>(token, context.language(), 'POST', `/v1/counties/${code}/negative-list/${encodeURIComponent(entryId)}/expiry`, {}).then(async (outcome) => {
      if (outcome.kind !== 'ok') return refused(outcome);
      message = (language) => wt(language, 'ws.negative.expired', { code: outcome.body.entry.creditCode });
      await load();
    });
  });


  return { load: () => void load(), render: draw };
}
