// The escalations section: the county's inbox (GET /v1/counties/{countyCode}/escalations?state=open)
// — needs no bank matched, repairable declines with the bank's reason and what would put it right,
// overdue reviews, late bank answers — and, for the county's own task force, one action per item
// (POST …/escalations/{needId}/actions): amend with the enterprise's agreement and route again, hand
// to a named bank within the consent, record it resolved offline, or close it with an outcome.
import type { ConsentRecipient } from '../../shared/domain/consent';
import type { InboxItem } from '../../shared/domain/escalation';
import { AGREEMENT_METHODS, CLOSE_OUTCOMES, type EscalationAction } from '../../shared/domain/escalation-opening';
import { GUARANTEES, PURPOSES } from '../../shared/domain/need-codes';
import { AGREEMENT_TEXT, CLOSE_OUTCOME_TEXT } from '../../shared/domain/timeline-text';
import { fetchCountyBanks } from './consent-banks';
import { h, hideAlert, showAlert } from './dom';
import { formatChinaTime, formatYuan } from './format';
import { guaranteeKey, purposeKey, t, type Language } from './i18n';
import { officialRequest } from './workspace-api';
import type { WorkspaceContext, WorkspaceSection } from './workspace-context';
import { choiceSelect, clearFieldErrors, field, showFieldErrors, type Control } from './workspace-form';
import { wt, type WorkspaceKey } from './workspace-i18n';
import { countyChooser } from './workspace-county';

const wholeNumber = (raw: string): number | string | undefined => {
  const text = raw.replace(/[,，\s]/g, '');
  if (text === '') return undefined;
  return /^\d+$/.test(text) ? Number(text) : raw;
};

/** The body of an action from the form's values: only what the action takes, blanks left out. */
export function actionBody(action: EscalationAction, values: Record<string, string>): Record<string, unknown> {
  const note = (values.note ?? '').trim() !== '' ? { note: values.note } : {};
  switch (action) {
    case 'amend': {
      const need = Object.fromEntries(
        [
          ['amountYuan', wholeNumber(values.amountYuan ?? '')],
          ['termMonths', wholeNumber(values.termMonths ?? '')],
          ['purpose', values.purpose || undefined],
          ['guarantee', values.guarantee || undefined],
        ].filter(([, value]) => value !== undefined),
      );
      return { action, need, agreement: { how: values.how ?? '', ...note } };
    }
    case 'hand_to_bank':
      return { action, bankId: values.bankId ?? '', ...note };
    case 'resolved_offline':
      return { action, note: values.note ?? '' };
    case 'close':
      return { action, outcome: values.outcome ?? '', ...note };
  }
}

export function escalationsSection(root: HTMLElement, context: WorkspaceContext): WorkspaceSection {
  let items: InboxItem[] = [];
  let banks: ConsentRecipient[] = [];
  let open: InboxItem | undefined;
  let done: ((language: Language) => string) | undefined;
  const intro = h('p', { class: 'hint' });
  const county = countyChooser('esc-county', context, () => void load());
  const list = h('div', { id: 'esc-list' });
  const status = h('p', { class: 'ws-status', role: 'status', 'aria-live': 'polite', id: 'esc-status' });
  // The action form, shown under the item taken up.
  const action = h('select', {});
  const controls: Record<string, Control> = {
    amountYuan: h('input', { type: 'text', inputmode: 'numeric' }),
    termMonths: h('input', { type: 'text', inputmode: 'numeric' }),
    purpose: choiceSelect(PURPOSES, () => '', ''),
    guarantee: choiceSelect(GUARANTEES, () => '', ''),
    how: choiceSelect(AGREEMENT_METHODS, () => '', ''),
    bankId: h('select', {}),
    outcome: choiceSelect(CLOSE_OUTCOMES, () => '', ''),
    note: h('textarea', { rows: '2', maxlength: '500' }),
  };
  const fields = Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, field(`esc-${name}`, '', control)]));
  const actionField = field('esc-action', '', action);
  const alert = h('div', { class: 'alert', role: 'alert', tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' });
  const form = h('form', { class: 'ws-form ws-panel', novalidate: true, id: 'esc-form', hidden: true }, h('h3', { tabindex: '-1' }), alert, actionField, ...Object.values(fields), submit);
  const refresh = h('button', { type: 'button', class: 'button', id: 'esc-refresh' });
  root.append(intro, county.field, refresh, status, list, form);

  const own = (): boolean => context.county() !== undefined;
  const SHOWN: Record<EscalationAction, string[]> = {
    amend: ['amountYuan', 'termMonths', 'purpose', 'guarantee', 'how', 'note'],
    hand_to_bank: ['bankId', 'note'],
    resolved_offline: ['note'],
    close: ['outcome', 'note'],
  };

  const itemView = (item: InboxItem, language: Language): HTMLElement =>
    h(
      'li',
      { class: 'ws-item', 'data-need': item.needId },
      h('p', { class: 'ws-item-title' }, h('strong', {}, item.kindLabel[language]), ' · ', item.need?.enterpriseName ?? item.needId),
      h(
        'dl',
        { class: 'facts' },
        item.need ? h('div', {}, h('dt', {}, wt(language, 'ws.lists.amount')), h('dd', {}, `${formatYuan(item.need.amountYuan, language)} · ${item.need.termMonths} ${t(language, 'unit.months')}`)) : null,
        item.reason ? h('div', {}, h('dt', {}, wt(language, 'ws.esc.reason')), h('dd', {}, `${item.reason[language]}${item.bank?.[language] ? ` (${item.bank[language]})` : ''}`)) : null,
        item.reason?.repair ? h('div', {}, h('dt', {}, wt(language, 'ws.esc.repair')), h('dd', {}, item.reason.repair[language])) : null,
        h('div', {}, h('dt', {}, wt(language, 'ws.esc.openedAt')), h('dd', {}, formatChinaTime(item.openedAt))),
      ),
      own() && item.actions.length > 0
        ? h('button', { type: 'button', class: 'button', 'data-take': item.needId, 'aria-label': `${wt(language, 'ws.esc.handle')}：${item.need?.enterpriseName ?? item.needId}` }, wt(language, 'ws.esc.handle'))
        : null,
    );

  const draw = (language: Language): void => {
    intro.textContent = wt(language, 'ws.esc.intro');
    refresh.textContent = wt(language, 'ws.refresh');
    county.render(language);
    status.textContent = done ? done(language) : '';
    list.replaceChildren(items.length === 0 ? h('p', { class: 'hint' }, wt(language, 'ws.esc.empty')) : h('ul', { class: 'ws-items' }, ...items.map((item) => itemView(item, language))));
    form.hidden = open === undefined;
    if (!open) return;
    form.querySelector('h3')!.textContent = `${wt(language, 'ws.esc.handle')}：${open.need?.enterpriseName ?? open.needId}`;
    actionField.querySelector('label')!.textContent = wt(language, 'ws.esc.action');
    const current = (action.value || open.actions[0]) as EscalationAction;
    action.replaceChildren(...open.actions.map((code) => h('option', { value: code, selected: code === current }, wt(language, `ws.esc.action.${code}` as WorkspaceKey))));
    const labels: Record<string, string> = {
      amountYuan: wt(language, 'ws.esc.amount'),
      termMonths: wt(language, 'ws.esc.term'),
      purpose: t(language, 'field.need.purpose'),
      guarantee: t(language, 'field.need.guarantee'),
      how: wt(language, 'ws.esc.agreement'),
      bankId: wt(language, 'ws.esc.bank'),
      outcome: wt(language, 'ws.esc.outcome'),
      note: wt(language, 'ws.esc.note'),
    };
    for (const [name, box] of Object.entries(fields)) {
      box.querySelector('label')!.textContent = labels[name]!;
      box.hidden = !SHOWN[current].includes(name);
    }
    const text = (select: Control, label: (code: string) => string) => {
      for (const option of (select as HTMLSelectElement).options) option.textContent = option.value ? label(option.value) : t(language, 'common.chooseOne');
    };
    text(controls.purpose!, (code) => t(language, purposeKey(code as never)));
    text(controls.guarantee!, (code) => t(language, guaranteeKey(code as never)));
    text(controls.how!, (code) => AGREEMENT_TEXT[code as keyof typeof AGREEMENT_TEXT][language]);
    text(controls.outcome!, (code) => CLOSE_OUTCOME_TEXT[code as keyof typeof CLOSE_OUTCOME_TEXT][language]);
    const allowed = open.need?.consentBankIds;
    const bankChoice = controls.bankId as HTMLSelectElement;
    const keepBank = bankChoice.value;
    bankChoice.replaceChildren(
      h('option', { value: '' }, t(language, 'common.chooseOne')),
      ...banks.filter((bank) => !allowed || allowed.includes(bank.bankId)).map((bank) => h('option', { value: bank.bankId, selected: bank.bankId === keepBank }, language === 'zh' ? bank.nameZh : bank.nameEn)),
    );
    submit.textContent = wt(language, 'ws.esc.submit');
  };

  const load = async (): Promise<void> => {
    const token = context.token();
    const code = county.chosen();
    if (!token || !code) return;
    const outcome = await officialRequest<{ escalations: InboxItem[] }>(token, context.language(), 'GET', `/v1/counties/${code}/escalations?state=open`);
    if (outcome.kind === 'ok') items = outcome.body.escalations;
    else context.reportFailure(outcome);
    if (open && !items.some((item) => item.needId === open!.needId)) open = undefined;
    draw(context.language());
  };

  list.addEventListener('click', (event) => {
    const needId = (event.target as Element).closest<HTMLButtonElement>('button[data-take]')?.dataset.take;
    const item = items.find((candidate) => candidate.needId === needId);
    if (!item) return;
    open = item;
    form.reset();
    action.value = '';
    hideAlert(alert);
    clearFieldErrors(form);
    draw(context.language());
    form.querySelector('h3')!.focus();
  });
  action.addEventListener('change', () => draw(context.language()));
  refresh.addEventListener('click', () => void load());

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = context.token();
    const code = context.county();
    const item = open;
    if (!token || !code || !item) return;
    hideAlert(alert);
    clearFieldErrors(form);
    const values = Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, control.value]));
    const chosen = action.value as EscalationAction;
    void officialRequest<InboxItem>(token, context.language(), 'POST', `/v1/counties/${code}/escalations/${item.needId}/actions`, actionBody(chosen, values)).then(async (outcome) => {
      if (outcome.kind === 'ok') {
        const name = item.need?.enterpriseName ?? item.needId;
        done = (language) => wt(language, 'ws.esc.saved', { name });
        open = undefined;
        await load();
        status.focus();
        return;
      }
      if (context.reportFailure(outcome) || outcome.kind !== 'problem') return;
      const errors = outcome.problem?.errors ?? [];
      // Pointers are /need/amountYuan, /agreement/how, /bankId …: the field is the last part.
      const flat = errors.map((error) => ({ ...error, pointer: `/${error.pointer.split('/').filter(Boolean).pop() ?? ''}` }));
      const loose = showFieldErrors(form, 'esc', flat, context.language());
      showAlert(alert, errors.length > 0 ? wt(context.language(), 'ws.esc.errors', { count: errors.length }) : (outcome.problem?.title ?? ''), outcome.problem?.detail ?? '', loose);
      if (loose.length === errors.length) alert.focus();
    });
  });

  return {
    load: () => {
      const code = context.county();
      if (code) void fetchCountyBanks(code).then((found) => (banks = found ?? []));
      void load();
    },
    render: draw,
  };
}
