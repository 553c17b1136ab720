// The visits section (a county's own task force): record one visit (POST
// /v1/counties/{countyCode}/visits: the same validation as the API, field messages beside their
// fields, a repeat of the same enterprise and day saved once), and the month's visits (GET …/visits
// ?month=, 200 a page) with the action to enter a need from a visit.
import type { ConsentRecipient } from '../../shared/domain/consent';
import { VISIT_METHOD_LABELS, VISIT_METHODS, VISIT_OUTCOME_LABELS, VISIT_OUTCOMES, type VisitMethod, type VisitOutcome } from '../../shared/domain/visit-labels';
import { fetchCountyBanks } from './consent-banks';
import { h, showAlert, hideAlert } from './dom';
import type { Language } from './i18n';
import { officialRequest } from './workspace-api';
import type { WorkspaceContext, WorkspaceSection } from './workspace-context';
import { choiceSelect, clearFieldErrors, field, scrollingTable, showFieldErrors } from './workspace-form';
import { wt } from './workspace-i18n';
import { visitNeedPanel } from './workspace-visit-need';

export interface VisitRow {
  visitId: string;
  creditCode: string;
  name: string;
  visitedOn: string;
  method: VisitMethod;
  outcome: VisitOutcome;
  officer: string;
  estimatedAmountYuan?: number;
  needId?: string;
}

/** Today in China time, `YYYY-MM-DD`. */
export const chinaToday = (now = new Date()): string => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** The body of POST …/visits from the form's values: blanks left out, the amount a number when it is one. */
export function visitBody(values: Record<string, string>, bankIds: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {
    creditCode: values.creditCode ?? '',
    name: values.name ?? '',
    visitedOn: values.visitedOn ?? '',
    method: values.method ?? '',
    outcome: values.outcome ?? '',
    bankIds: [...bankIds],
  };
  const amount = (values.estimatedAmountYuan ?? '').replace(/[,，\s]/g, '');
  if (amount !== '') body.estimatedAmountYuan = /^\d+$/.test(amount) ? Number(amount) : amount;
  if ((values.note ?? '').trim() !== '') body.note = values.note;
  return body;
}

export function visitsSection(root: HTMLElement, context: WorkspaceContext): WorkspaceSection {
  let banks: ConsentRecipient[] = [];
  let visits: VisitRow[] = [];
  let nextCursor: string | undefined;
  let saving = false;
  let result: ((language: Language) => string) | undefined;

  const controls = {
    creditCode: h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '30', required: true }),
    name: h('input', { type: 'text', autocomplete: 'organization', maxlength: '100', required: true }),
    visitedOn: h('input', { type: 'date', required: true }),
    method: choiceSelect(VISIT_METHODS, () => ''),
    outcome: choiceSelect(VISIT_OUTCOMES, () => ''),
    estimatedAmountYuan: h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off' }),
    note: h('textarea', { rows: '3', maxlength: '500' }),
  };
  const fields = Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, field(`visit-${name}`, '', control)])) as Record<keyof typeof controls, HTMLDivElement>;
  const banksBox = h('fieldset', { class: 'field ws-checks', id: 'visit-bankIds' }, h('legend', {}));
  const errorSummary = h('div', { class: 'alert', role: 'alert', tabindex: '-1' });
  const outcomeBox = h('p', { class: 'ws-status', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' });
  const intro = h('p', { class: 'hint' });
  const form = h(
    'form',
    { class: 'ws-form', novalidate: true },
    intro,
    errorSummary,
    fields.creditCode,
    fields.name,
    fields.visitedOn,
    fields.method,
    fields.outcome,
    banksBox,
    fields.estimatedAmountYuan,
    fields.note,
    submit,
    outcomeBox,
  );
  const listHeading = h('h3', { id: 'visits-list-heading', tabindex: '-1' });
  const listBox = h('div', {});
  const more = h('button', { type: 'button', class: 'button', hidden: true });
  const needPanel = visitNeedPanel(context, (_visit, _needId, message) => {
    result = message;
    void loadVisits();
    outcomeBox.scrollIntoView({ block: 'nearest' });
  });
  root.append(form, listHeading, listBox, more, needPanel.element);

  listBox.addEventListener('click', (event) => {
    const visitId = (event.target as Element).closest<HTMLButtonElement>('button[data-visit]')?.dataset.visit;
    const visit = visits.find((candidate) => candidate.visitId === visitId);
    if (visit) needPanel.open(visit, banks);
  });

  const label = (id: keyof typeof controls): HTMLLabelElement => fields[id].querySelector('label')!;

  const draw = (language: Language): void => {
    intro.textContent = wt(language, 'ws.visits.intro');
    label('creditCode').textContent = wt(language, 'ws.visits.creditCode');
    label('name').textContent = wt(language, 'ws.visits.name');
    label('visitedOn').textContent = wt(language, 'ws.visits.visitedOn');
    label('method').textContent = wt(language, 'ws.visits.method');
    label('outcome').textContent = wt(language, 'ws.visits.outcome');
    label('estimatedAmountYuan').replaceChildren(wt(language, 'ws.visits.amount'), h('span', { class: 'optional' }, ` ${wt(language, 'ws.optional')}`));
    label('note').replaceChildren(wt(language, 'ws.visits.note'), h('span', { class: 'optional' }, ` ${wt(language, 'ws.optional')}`));
    for (const option of controls.method.options) option.textContent = VISIT_METHOD_LABELS[option.value as VisitMethod][language];
    for (const option of controls.outcome.options) option.textContent = VISIT_OUTCOME_LABELS[option.value as VisitOutcome][language];
    const checked = new Set([...banksBox.querySelectorAll<HTMLInputElement>('input:checked')].map((box) => box.value));
    banksBox.replaceChildren(
      h('legend', {}, wt(language, 'ws.visits.banks'), h('span', { class: 'optional' }, ` ${wt(language, 'ws.optional')}`)),
      h('p', { class: 'field-error', id: 'visit-bankIds-error', hidden: true }),
      ...(banks.length === 0
        ? [h('p', { class: 'hint' }, wt(language, 'ws.visits.banksNone'))]
        : banks.map((bank) =>
            h(
              'div',
              { class: 'choice' },
              h('input', { type: 'checkbox', id: `visit-bank-${bank.bankId}`, name: 'bankIds', value: bank.bankId, checked: checked.has(bank.bankId) }),
              h('label', { for: `visit-bank-${bank.bankId}` }, language === 'zh' ? bank.nameZh : bank.nameEn),
            ),
          )),
    );
    submit.textContent = wt(language, saving ? 'ws.saving' : 'ws.visits.submit');
    outcomeBox.textContent = result ? result(language) : '';
    needPanel.render(language);
    listHeading.textContent = wt(language, 'ws.visits.list');
    more.textContent = wt(language, 'ws.visits.more');
    more.hidden = nextCursor === undefined;
    listBox.replaceChildren(
      visits.length === 0
        ? h('p', { class: 'hint' }, wt(language, 'ws.visits.listEmpty'))
        : scrollingTable(
            wt(language, 'ws.visits.list'),
            [wt(language, 'ws.visits.name'), wt(language, 'ws.visits.visitedOn'), wt(language, 'ws.visits.creditCode'), wt(language, 'ws.visits.method'), wt(language, 'ws.visits.outcome'), wt(language, 'ws.visits.officer'), ''],
            visits.map((visit) => [
              visit.name,
              visit.visitedOn,
              visit.creditCode,
              VISIT_METHOD_LABELS[visit.method]?.[language] ?? visit.method,
              VISIT_OUTCOME_LABELS[visit.outcome]?.[language] ?? visit.outcome,
              visit.officer,
              visit.needId
                ? wt(language, 'ws.visits.needLinked')
                : visit.outcome === 'need_found'
                  ? h('button', { type: 'button', class: 'button-link', 'data-visit': visit.visitId, 'aria-label': `${wt(language, 'ws.visits.needAction')}：${visit.name}` }, wt(language, 'ws.visits.needAction'))
                  : '',
            ]),
          ),
    );
  };

  const loadVisits = async (cursor?: string): Promise<void> => {
    const token = context.token();
    const county = context.county();
    if (!token || !county) return;
    const month = chinaToday().slice(0, 7);
    const outcome = await officialRequest<{ visits: VisitRow[]; nextCursor?: string }>(
      token,
      context.language(),
      'GET',
      `/v1/counties/${county}/visits?month=${month}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (outcome.kind !== 'ok') {
      context.reportFailure(outcome);
      return;
    }
    visits = cursor ? [...visits, ...outcome.body.visits] : outcome.body.visits;
    // Newest day first.
    visits.sort((a, b) => b.visitedOn.localeCompare(a.visitedOn) || a.name.localeCompare(b.name));
    nextCursor = outcome.body.nextCursor;
    draw(context.language());
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (saving) return;
    const token = context.token();
    const county = context.county();
    if (!token || !county) return;
    const language = context.language();
    const values = Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, control.value]));
    const bankIds = [...banksBox.querySelectorAll<HTMLInputElement>('input:checked')].map((box) => box.value);
    saving = true;
    result = undefined;
    hideAlert(errorSummary);
    clearFieldErrors(form);
    draw(language);
    void officialRequest<VisitRow>(token, language, 'POST', `/v1/counties/${county}/visits`, visitBody(values, bankIds)).then(async (outcome) => {
      saving = false;
      if (outcome.kind === 'ok') {
        const { name, visitedOn: day } = outcome.body;
        result = (language) => wt(language, outcome.status === 201 ? 'ws.visits.saved' : 'ws.visits.repeat', { name, day });
        if (outcome.status === 201) {
          controls.creditCode.value = '';
          controls.name.value = '';
          controls.estimatedAmountYuan.value = '';
          controls.note.value = '';
        }
        draw(context.language());
        await loadVisits();
        return;
      }
      draw(context.language());
      if (outcome.kind === 'problem' && outcome.status === 400 && outcome.problem?.errors) {
        const errors = outcome.problem.errors;
        const loose = showFieldErrors(form, 'visit', errors, context.language());
        showAlert(errorSummary, wt(context.language(), 'ws.visits.errors', { count: errors.length }), '', loose);
        if (loose.length === errors.length) errorSummary.focus();
        return;
      }
      if (!context.reportFailure(outcome) && outcome.kind === 'problem') {
        showAlert(errorSummary, outcome.problem?.title ?? '', outcome.problem?.detail ?? '');
        errorSummary.focus();
      }
    });
  });

  more.addEventListener('click', () => void loadVisits(nextCursor));

  return {
    load: () => {
      const county = context.county();
      controls.visitedOn.value = chinaToday();
      controls.visitedOn.max = chinaToday();
      if (county) {
        void fetchCountyBanks(county).then((found) => {
          banks = found ?? [];
          draw(context.language());
        });
      }
      void loadVisits();
    },
    render: draw,
  };
}
