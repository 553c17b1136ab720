// A need entered by the task force from a recorded visit (POST
// /v1/counties/{countyCode}/visits/{visitedOn}/{visitId}/needs): the public form's fields, labels
// and server-side checks, the enterprise's name, credit code and county taken from the visit, and
// the consent: a signed paper consent (its reference and the banks it names) or none yet, in which
// case the enterprise confirms it itself from a text message and no bank sees the need before.
import { CURRENT_CONSENT_VERSION, type ConsentRecipient } from '../../shared/domain/consent';
import { INDUSTRY_SECTIONS, industriesInSection } from '../../shared/domain/industry';
import { ENTITY_TYPES, GUARANTEES, PURPOSES } from '../../shared/domain/need-codes';
import { h, hideAlert, showAlert } from './dom';
import { entityTypeKey, guaranteeKey, needStatusKey, purposeKey, t, type Language, type MessageKey } from './i18n';
import { officialRequest } from './workspace-api';
import type { WorkspaceContext } from './workspace-context';
import { choiceSelect, clearFieldErrors, field, showFieldErrors, type Control } from './workspace-form';
import { wt } from './workspace-i18n';
import type { VisitRow } from './workspace-visits';

const NUMBER_FIELDS = ['enterprise.employees', 'enterprise.annualRevenueYuan', 'enterprise.totalAssetsYuan', 'enterprise.yearsInOperation', 'need.amountYuan', 'need.termMonths'];

/** A whole number when the text is one (separators dropped); the text itself otherwise, so the API's message speaks to it. */
const wholeNumber = (raw: string): number | string => {
  const text = raw.replace(/[,，\s]/g, '');
  return /^\d+$/.test(text) ? Number(text) : raw;
};

/** The request body from the form's values (dotted names), the visit and the consent chosen. */
export function visitNeedBody(
  visit: Pick<VisitRow, 'name' | 'creditCode'>,
  countyCode: string,
  values: Record<string, string>,
  consent: { kind: 'paper'; reference: string; bankIds: readonly string[] } | undefined,
): Record<string, unknown> {
  const value = (name: string): unknown => {
    const raw = values[name] ?? '';
    if (NUMBER_FIELDS.includes(name)) return raw.trim() === '' ? undefined : wholeNumber(raw);
    if (raw === 'true' || raw === 'false') return raw === 'true';
    return raw === '' ? undefined : raw;
  };
  const group = (prefix: string, names: readonly string[]) =>
    Object.fromEntries(names.map((name) => [name, value(`${prefix}.${name}`)]).filter(([, v]) => v !== undefined));
  return {
    enterprise: {
      name: visit.name,
      creditCode: visit.creditCode,
      countyCode,
      ...group('enterprise', ['entityType', 'industryCode', 'employees', 'annualRevenueYuan', 'totalAssetsYuan', 'yearsInOperation', 'hasFixedPremises']),
    },
    contact: group('contact', ['name', 'mobile']),
    need: group('need', ['amountYuan', 'termMonths', 'purpose', 'guarantee', 'firstLoan', 'description']),
    ...(consent ? { consent: { kind: 'paper', reference: consent.reference, textVersion: CURRENT_CONSENT_VERSION, bankIds: [...consent.bankIds] } } : {}),
  };
}

export interface VisitNeedPanel {
  element: HTMLElement;
  open(visit: VisitRow, banks: readonly ConsentRecipient[]): void;
  render(language: Language): void;
}

export function visitNeedPanel(context: WorkspaceContext, saved: (visit: VisitRow, needId: string, message: (language: Language) => string) => void): VisitNeedPanel {
  let visit: VisitRow | undefined;
  let banks: readonly ConsentRecipient[] = [];
  const yesNo = () => h('select', {}, h('option', { value: '' }), h('option', { value: 'true' }), h('option', { value: 'false' }));
  const industry = h('select', {});
  const controls: Record<string, Control> = {
    'enterprise.entityType': choiceSelect(ENTITY_TYPES, () => '', ''),
    'enterprise.industryCode': industry,
    'enterprise.employees': h('input', { type: 'text', inputmode: 'numeric' }),
    'enterprise.annualRevenueYuan': h('input', { type: 'text', inputmode: 'numeric' }),
    'enterprise.totalAssetsYuan': h('input', { type: 'text', inputmode: 'numeric' }),
    'enterprise.yearsInOperation': h('input', { type: 'text', inputmode: 'numeric' }),
    'enterprise.hasFixedPremises': yesNo(),
    'contact.name': h('input', { type: 'text', autocomplete: 'off' }),
    'contact.mobile': h('input', { type: 'tel', autocomplete: 'off', inputmode: 'tel' }),
    'need.amountYuan': h('input', { type: 'text', inputmode: 'numeric' }),
    'need.termMonths': h('input', { type: 'text', inputmode: 'numeric' }),
    'need.purpose': choiceSelect(PURPOSES, () => '', ''),
    'need.guarantee': choiceSelect(GUARANTEES, () => '', ''),
    'need.firstLoan': yesNo(),
    'need.description': h('textarea', { rows: '3', maxlength: '500' }),
  };
  const idOf = (name: string) => `vn-${name.replace('.', '-')}`;
  const fields = Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, field(idOf(name), '', control)]));
  const paper = h('input', { type: 'radio', name: 'vn-consent-kind', id: 'vn-consent-paper', value: 'paper', checked: true });
  const none = h('input', { type: 'radio', name: 'vn-consent-kind', id: 'vn-consent-none', value: 'none' });
  const reference = h('input', { type: 'text', autocomplete: 'off', maxlength: '100' });
  const referenceField = field('vn-consent-reference', '', reference);
  const banksBox = h('fieldset', { class: 'field ws-checks', id: 'vn-consent-bankIds' });
  const consentBox = h(
    'fieldset',
    { class: 'field radios', id: 'vn-consent' },
    h('legend', {}),
    h('p', { class: 'field-error', id: 'vn-consent-error', hidden: true }),
    h('div', { class: 'choices' }, h('div', { class: 'choice' }, paper, h('label', { for: 'vn-consent-paper' })), h('div', { class: 'choice' }, none, h('label', { for: 'vn-consent-none' }))),
  );
  const heading = h('h3', { tabindex: '-1', id: 'vn-heading' });
  const intro = h('p', { class: 'hint' });
  const alert = h('div', { class: 'alert', role: 'alert', tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' });
  const cancel = h('button', { type: 'button', class: 'button' });
  const form = h('form', { class: 'ws-form', novalidate: true }, intro, alert, ...Object.values(fields), consentBox, referenceField, banksBox, h('div', { class: 'ws-actions' }, submit, cancel));
  const element = h('div', { class: 'ws-panel', id: 'visit-need', hidden: true }, heading, form);

  const render = (language: Language): void => {
    if (!visit) return;
    heading.textContent = wt(language, 'ws.vn.title', { name: visit.name });
    intro.textContent = wt(language, 'ws.vn.intro');
    for (const [name, box] of Object.entries(fields)) box.querySelector('label')!.textContent = t(language, `field.${name}` as MessageKey);
    fields['enterprise.industryCode']!.querySelector('label')!.textContent = wt(language, 'ws.vn.industry');
    const label = (select: Control, key: (code: string) => string) => {
      for (const option of (select as HTMLSelectElement).options) option.textContent = option.value ? key(option.value) : t(language, 'common.chooseOne');
    };
    label(controls['enterprise.entityType']!, (code) => t(language, entityTypeKey(code as never)));
    label(controls['need.purpose']!, (code) => t(language, purposeKey(code as never)));
    label(controls['need.guarantee']!, (code) => t(language, guaranteeKey(code as never)));
    for (const name of ['enterprise.hasFixedPremises', 'need.firstLoan']) label(controls[name]!, (code) => t(language, code === 'true' ? 'common.yes' : 'common.no'));
    const chosenIndustry = industry.value;
    industry.replaceChildren(
      h('option', { value: '' }, t(language, 'common.chooseOne')),
      ...INDUSTRY_SECTIONS.map((section) =>
        h(
          'optgroup',
          { label: `${section.letter} ${language === 'zh' ? section.nameZh : section.nameEn}` },
          ...industriesInSection(section.letter).map((entry) => h('option', { value: entry.code, selected: entry.code === chosenIndustry }, `${entry.code} ${language === 'zh' ? entry.nameZh : entry.nameEn}`)),
        ),
      ),
    );
    consentBox.querySelector('legend')!.textContent = wt(language, 'ws.vn.consent');
    consentBox.querySelector('label[for=vn-consent-paper]')!.textContent = wt(language, 'ws.vn.consent.paper');
    consentBox.querySelector('label[for=vn-consent-none]')!.textContent = wt(language, 'ws.vn.consent.none');
    referenceField.querySelector('label')!.textContent = wt(language, 'ws.vn.reference');
    referenceField.hidden = !paper.checked;
    banksBox.hidden = !paper.checked;
    const checked = new Set([...banksBox.querySelectorAll<HTMLInputElement>('input:checked')].map((box) => box.value));
    banksBox.replaceChildren(
      h('legend', {}, wt(language, 'ws.vn.banks')),
      h('p', { class: 'field-error', id: 'vn-consent-bankIds-error', hidden: true }),
      ...banks.map((bank) =>
        h(
          'div',
          { class: 'choice' },
          h('input', { type: 'checkbox', id: `vn-bank-${bank.bankId}`, value: bank.bankId, checked: checked.has(bank.bankId) }),
          h('label', { for: `vn-bank-${bank.bankId}` }, language === 'zh' ? bank.nameZh : bank.nameEn),
        ),
      ),
    );
    submit.textContent = wt(language, 'ws.vn.submit');
    cancel.textContent = wt(language, 'ws.vn.cancel');
  };

  for (const radio of [paper, none]) radio.addEventListener('change', () => render(context.language()));
  cancel.addEventListener('click', () => {
    element.hidden = true;
    visit = undefined;
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = context.token();
    const county = context.county();
    const current = visit;
    if (!token || !county || !current) return;
    const language = context.language();
    hideAlert(alert);
    clearFieldErrors(form);
    const values = Object.fromEntries(Object.entries(controls).map(([name, control]) => [name, control.value]));
    const bankIds = [...banksBox.querySelectorAll<HTMLInputElement>('input:checked')].map((box) => box.value);
    const consent = paper.checked ? { kind: 'paper' as const, reference: reference.value, bankIds } : undefined;
    const path = `/v1/counties/${county}/visits/${current.visitedOn}/${current.visitId}/needs`;
    void officialRequest<{ needId: string; status: string }>(token, language, 'POST', path, visitNeedBody(current, county, values, consent)).then((outcome) => {
      if (outcome.kind === 'ok') {
        element.hidden = true;
        saved(current, outcome.body.needId, (language) => wt(language, 'ws.vn.saved', { status: statusText(outcome.body.status, language) }));
        return;
      }
      if (context.reportFailure(outcome) || outcome.kind !== 'problem') return;
      const errors = outcome.problem?.errors ?? [];
      const loose = showFieldErrors(form, 'vn', errors, context.language());
      showAlert(alert, errors.length > 0 ? wt(context.language(), 'ws.vn.errors', { count: errors.length }) : (outcome.problem?.title ?? ''), outcome.problem?.detail ?? '', loose);
      if (loose.length === errors.length) alert.focus();
    });
  });

  return {
    element,
    open(next, servingBanks) {
      visit = next;
      banks = servingBanks;
      form.reset();
      hideAlert(alert);
      clearFieldErrors(form);
      if (next.estimatedAmountYuan !== undefined) (controls['need.amountYuan'] as HTMLInputElement).value = String(next.estimatedAmountYuan);
      element.hidden = false;
      render(context.language());
      heading.focus();
    },
    render,
  };
}

function statusText(status: string, language: Language): string {
  try {
    return t(language, needStatusKey(status as never));
  } catch {
    return status;
  }
}
