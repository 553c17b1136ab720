// The status page's actions: amend the need (prefilled with what it holds: change only what the bank
// or the screening asked for) and withdraw it, through POST /v1/needs/{needId}/amendments and
// /withdrawal. What the server answers is shown as it says it: field messages next to their fields,
// a refusal with its reason; the need as it is now replaces the page's view.
import type { NeedStatusResponse } from '../../shared/domain/need-record';
import type { Guarantee, Purpose } from '../../shared/domain/need';
import type { Language } from '../../shared/domain/problem';
import { needChangeRequest, type ApiOutcome } from './api';
import { byId, h, hideAlert, setDescribedBy, showAlert } from './dom';
import { t, type MessageKey } from './i18n';
import type { StatusLink } from './status-link';
import { consentTextFor, CURRENT_CONSENT_VERSION, type ConsentRecipient } from '../../shared/domain/consent';
import { fetchCountyBanks } from './consent-banks';

/** The choices of the form's selects (shared/domain/need.ts PURPOSES and GUARANTEES; a unit test keeps them equal). */
export const PURPOSE_CHOICES = ['working_capital', 'equipment', 'expansion', 'technology', 'renewal', 'other'] as const satisfies readonly Purpose[];
export const GUARANTEE_CHOICES = ['credit', 'collateral', 'guarantor', 'pledge', 'any'] as const satisfies readonly Guarantee[];

/** The amendable fields: form control id → the body's JSON pointer. */
const FIELDS = {
  'amend-amountYuan': '/need/amountYuan',
  'amend-termMonths': '/need/termMonths',
  'amend-purpose': '/need/purpose',
  'amend-guarantee': '/need/guarantee',
  'amend-description': '/need/description',
  'amend-hasFixedPremises': '/enterprise/hasFixedPremises',
} as const;

type Amendment = {
  need?: Record<string, string | number>;
  enterprise?: { hasFixedPremises: boolean };
  consent?: { shareWithBanks: true; textVersion: string; bankIds: string[] };
};

/** A whole number typed with separators or full-width digits, or the text as typed (the server says what is wrong with it). */
function wholeNumber(text: string): number | string {
  const compact = text.replace(/[\s,，]/g, '').replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  return /^\d{1,15}$/.test(compact) ? Number(compact) : text;
}

/** The body: only what differs from the need as shown. */
export function amendmentBody(need: NeedStatusResponse, values: { amountYuan: string; termMonths: string; purpose: string; guarantee: string; description: string; hasFixedPremises: boolean }): Amendment {
  const changes: Record<string, string | number> = {};
  const amount = wholeNumber(values.amountYuan);
  if (amount !== need.need.amountYuan) changes.amountYuan = amount;
  const term = wholeNumber(values.termMonths);
  if (term !== need.need.termMonths) changes.termMonths = term;
  if (values.purpose !== need.need.purpose) changes.purpose = values.purpose;
  if (values.guarantee !== need.need.guarantee) changes.guarantee = values.guarantee;
  if (values.description.trim() !== (need.need.description ?? '')) changes.description = values.description;
  return {
    ...(Object.keys(changes).length > 0 ? { need: changes } : {}),
    ...(values.hasFixedPremises !== need.enterprise.hasFixedPremises ? { enterprise: { hasFixedPremises: values.hasFixedPremises } } : {}),
  };
}

export interface NeedChangesPage {
  link(): StatusLink | undefined;
  language(): Language;
  /** The need as the server now has it. */
  changed(need: NeedStatusResponse): void;
}

let current: NeedStatusResponse | undefined;
/** The banks serving the need's county now, once fetched (for a renewed consent). */
let serving: { countyCode: string; banks: ConsentRecipient[] } | undefined;
/** Repaints the page (set up once). */
let repaint: (() => void) | undefined;

/** The serving banks the need's consent does not name yet: a renewed consent may add them. */
export function banksToAdd(need: Pick<NeedStatusResponse, 'consentBankIds'>, servingNow: readonly ConsentRecipient[]): ConsentRecipient[] {
  if (!need.consentBankIds) return []; // a consent before named consent covers every bank serving the county
  const named = new Set(need.consentBankIds);
  return servingNow.filter((bank) => !named.has(bank.bankId));
}

const input = (id: string) => byId<HTMLInputElement>(id);
const select = (id: string) => byId<HTMLSelectElement>(id);

function fillChoices(language: Language): void {
  for (const [id, choices, prefix] of [
    ['amend-purpose', PURPOSE_CHOICES, 'purpose'],
    ['amend-guarantee', GUARANTEE_CHOICES, 'guarantee'],
  ] as const) {
    const element = select(id);
    const chosen = element.value;
    element.replaceChildren(...choices.map((code) => h('option', { value: code }, t(language, `${prefix}.${code}` as MessageKey))));
    if (chosen) element.value = chosen;
  }
}

function prefill(need: NeedStatusResponse): void {
  input('amend-amountYuan').value = String(need.need.amountYuan);
  input('amend-termMonths').value = String(need.need.termMonths);
  select('amend-purpose').value = need.need.purpose;
  select('amend-guarantee').value = need.need.guarantee;
  byId<HTMLTextAreaElement>('amend-description').value = need.need.description ?? '';
  input('amend-hasFixedPremises').checked = need.enterprise.hasFixedPremises;
}

function clearFieldErrors(): void {
  for (const id of Object.keys(FIELDS)) {
    const error = byId(`${id}-error`);
    error.hidden = true;
    error.textContent = '';
    setDescribedBy(byId(id), `${id}-error`, false);
    byId(id).removeAttribute('aria-invalid');
  }
}

/** What the server said, next to the fields it names and in the alert for the rest. */
function showOutcome(outcome: ApiOutcome<NeedStatusResponse>, language: Language): void {
  const alert = byId('actions-alert');
  if (outcome.kind === 'network') {
    showAlert(alert, t(language, 'actions.error.title'), t(language, 'actions.error.network'));
    alert.focus();
    return;
  }
  if (outcome.kind !== 'problem') return;
  const problem = outcome.problem;
  const unplaced: string[] = [];
  let first: HTMLElement | undefined;
  for (const error of problem?.errors ?? []) {
    const id = Object.entries(FIELDS).find(([, pointer]) => error.pointer === pointer || error.pointer.startsWith(`${pointer}/`))?.[0];
    if (!id) {
      unplaced.push(error.message[language]);
      continue;
    }
    const element = byId(`${id}-error`);
    element.textContent = error.message[language];
    element.hidden = false;
    setDescribedBy(byId(id), `${id}-error`, true);
    byId(id).setAttribute('aria-invalid', 'true');
    first ??= byId(id);
  }
  showAlert(alert, problem?.title ?? t(language, 'actions.error.title'), problem?.detail ?? t(language, 'actions.error.detail'), unplaced);
  (first ?? alert).focus();
}

async function send(page: NeedChangesPage, kind: 'amendments' | 'withdrawal', body: Amendment | undefined, button: HTMLButtonElement): Promise<void> {
  const link = page.link();
  if (!link || button.getAttribute('aria-disabled') === 'true') return;
  const language = page.language();
  button.setAttribute('aria-disabled', 'true');
  button.classList.add('is-busy');
  clearFieldErrors();
  hideAlert(byId('actions-alert'));
  const outcome = await needChangeRequest(link, kind, body, language);
  button.removeAttribute('aria-disabled');
  button.classList.remove('is-busy');
  if (outcome.kind === 'ok') {
    byId('amend-form').hidden = true;
    byId('withdraw-confirm').hidden = true;
    byId('actions-done').textContent = t(language, doneMessage(kind, body, current));
    page.changed(outcome.body);
    byId('actions-done').focus();
    return;
  }
  showOutcome(outcome, language);
}

/** What the page says once a change is recorded. */
function doneMessage(kind: 'amendments' | 'withdrawal', body: Amendment | undefined, before: NeedStatusResponse | undefined): MessageKey {
  if (kind === 'withdrawal') return 'actions.withdraw.done';
  if (body?.consent && !body.need) return before?.actions.confirmConsent ? 'actions.consent.confirmed' : 'actions.consent.done';
  return 'actions.amend.done';
}

/**
 * The consent the page asks for: a need entered from a visit without one (actions.confirmConsent)
 * is confirmed by consenting to every bank serving the county now; any other open need is offered
 * the banks that began serving the county after its consent.
 */
export function consentToAsk(need: Pick<NeedStatusResponse, 'consentBankIds' | 'actions'>, servingNow: readonly ConsentRecipient[]): { kind: 'confirm' | 'renew'; banks: ConsentRecipient[] } | undefined {
  if (need.actions.confirmConsent) return { kind: 'confirm', banks: [...servingNow] };
  const added = banksToAdd(need, servingNow);
  return added.length > 0 ? { kind: 'renew', banks: added } : undefined;
}

/** Wires the controls once. */
export function setupNeedChanges(page: NeedChangesPage): void {
  byId('amend-open').addEventListener('click', () => {
    if (!current) return;
    prefill(current);
    byId('amend-form').hidden = false;
    byId('actions-done').textContent = '';
    input('amend-amountYuan').focus();
  });
  byId('amend-cancel').addEventListener('click', () => {
    byId('amend-form').hidden = true;
    clearFieldErrors();
    hideAlert(byId('actions-alert'));
    byId('amend-open').focus();
  });
  byId('amend-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!current) return;
    const body = amendmentBody(current, {
      amountYuan: input('amend-amountYuan').value,
      termMonths: input('amend-termMonths').value,
      purpose: select('amend-purpose').value,
      guarantee: select('amend-guarantee').value,
      description: byId<HTMLTextAreaElement>('amend-description').value,
      hasFixedPremises: input('amend-hasFixedPremises').checked,
    });
    void send(page, 'amendments', body, byId<HTMLButtonElement>('amend-submit'));
  });
  byId('withdraw-open').addEventListener('click', () => {
    byId('withdraw-confirm').hidden = false;
    byId('withdraw-confirm-button').focus();
  });
  byId('withdraw-cancel').addEventListener('click', () => {
    byId('withdraw-confirm').hidden = true;
    byId('withdraw-open').focus();
  });
  byId('withdraw-confirm-button').addEventListener('click', () => void send(page, 'withdrawal', undefined, byId<HTMLButtonElement>('withdraw-confirm-button')));
  byId('consent-renew').addEventListener('click', () => {
    if (!serving) return;
    // The consent just read: the text version shown and every bank it names.
    const body: Amendment = { consent: { shareWithBanks: true, textVersion: CURRENT_CONSENT_VERSION, bankIds: serving.banks.map((bank) => bank.bankId) } };
    void send(page, 'amendments', body, byId<HTMLButtonElement>('consent-renew'));
  });
  repaint = () => {
    if (current) renderNeedChanges(current, page.language());
  };
}

function renderConsentRenewal(need: NeedStatusResponse, language: Language): boolean {
  const open = need.status !== 'withdrawn' && need.status !== 'granted' && need.status !== 'disbursed';
  if (open && serving?.countyCode !== need.enterprise.countyCode) {
    const countyCode = need.enterprise.countyCode;
    void fetchCountyBanks(countyCode).then((banks) => {
      if (!banks) return;
      serving = { countyCode, banks };
      repaint?.();
    });
  }
  const ask = open && serving?.countyCode === need.enterprise.countyCode ? consentToAsk(need, serving.banks) : undefined;
  byId('consent-block').hidden = ask === undefined;
  if (!ask || !serving) return false;
  byId('consent-new-banks').textContent =
    ask.kind === 'confirm'
      ? t(language, 'actions.consent.confirmIntro')
      : t(language, 'actions.consent.newBanks', { banks: ask.banks.map((bank) => (language === 'zh' ? bank.nameZh : bank.nameEn)).join(language === 'zh' ? '、' : ', ') });
  byId('consent-renewal-text').textContent = consentTextFor(CURRENT_CONSENT_VERSION, language, serving.banks);
  const button = byId('consent-renew');
  button.dataset.i18n = ask.kind === 'confirm' ? 'actions.consent.confirm' : 'actions.consent.renew';
  button.textContent = t(language, button.dataset.i18n as MessageKey);
  return true;
}

/** Shows the actions the need allows now, in the page's language. */
export function renderNeedChanges(need: NeedStatusResponse, language: Language): void {
  current = need;
  const { amend, withdraw } = need.actions ?? { amend: false, withdraw: false };
  const renew = renderConsentRenewal(need, language);
  byId('status-actions').hidden = !amend && !withdraw && !renew && byId('actions-done').textContent === '';
  byId('amend-block').hidden = !amend;
  byId('withdraw-block').hidden = !withdraw;
  if (!amend) byId('amend-form').hidden = true;
  if (!withdraw) byId('withdraw-confirm').hidden = true;
  fillChoices(language);
}
