// The financing-need form (index.html): pickers, client-side validation with the server's own
// schema, submission with an idempotency key, field errors from either side, and the receipt.
import { needSubmissionSchema, ENTITY_TYPES, GUARANTEES, PURPOSES } from '../../shared/domain/need';
import { fieldErrorsFromZod } from '../../shared/domain/validation-messages';
import { loadedProvince, loadProvince, pickerLabel, type CountyNames, type PrefectureNames, type ProvinceNames } from './division-data';
import { findIndustry, industriesInSection, type Industry, type SectionLetter } from '../../shared/domain/industry';
import { FINANCE_NOTE, pickerSections, searchIndustries } from '../../shared/domain/industry-search';
import { CURRENT_CONSENT_VERSION } from '../../shared/domain/consent';
import { problemTypeUri, type FieldError, type LocalizedText } from '../../shared/domain/problem';
import type { SubmitNeedResponse } from '../../shared/domain/need-record';
import { submitNeedRequest } from './api';
import { byId, h, hideAlert, setDescribedBy, showAlert } from './dom';
import { formatYuan, yuanReading } from './format';
import {
  entityTypeKey,
  guaranteeKey,
  purposeKey,
  t,
  type Language,
  type MessageKey,
} from './i18n';
import { IdempotencyKeys, submitWithRetries } from './idempotency';
import { setupLanguage } from './language';
import { errorIdFor, parseYuan, sortFieldErrors, toSubmission, type FormValues } from './need-form';
import { ConsentBanks } from './consent-banks';
import { sizeClassLabel } from './need-view';
import { safeStatusUrl, withLanguage } from './status-link';

type AlertState =
  | { kind: 'text'; title: MessageKey; detail: MessageKey; params?: Record<string, string | number> }
  | { kind: 'problem'; title: string; detail: string; messages: LocalizedText[]; type?: string };

type CopyState = 'idle' | 'copied' | 'failed';

/** The answer to a second need for a credit code that has one open (problem type of submit-need's 409). */
const OPEN_NEED_PROBLEM = problemTypeUri('openNeedExists');

const state: {
  fieldErrors: Map<string, LocalizedText>;
  alert: AlertState | undefined;
  receipt: SubmitNeedResponse | undefined;
  /** The receipt is that of an earlier submission (whose outcome was unknown), not of the form as it is now. */
  receiptOfEarlier: boolean;
  copy: CopyState;
  submitting: false | 'sending' | 'confirming';
} = { fieldErrors: new Map(), alert: undefined, receipt: undefined, receiptOfEarlier: false, copy: 'idle', submitting: false };

const keys = new IdempotencyKeys();

const form = byId<HTMLFormElement>('need-form');
const formPart = byId('form-part');
const alertBox = byId('form-alert');
const submitButton = byId<HTMLButtonElement>('submit');
const province = byId<HTMLSelectElement>('enterprise-province');
const prefecture = byId<HTMLSelectElement>('enterprise-prefecture');
const county = byId<HTMLSelectElement>('enterprise-countyCode');
const section = byId<HTMLSelectElement>('enterprise-industrySection');
const industrySearch = byId<HTMLInputElement>('industry-search');
const industry = byId<HTMLSelectElement>('enterprise-industryCode');

// ---------------------------------------------------------------- select options

/** Replaces a select's options, keeping its value when that value is still offered. */
function setOptions(
  select: HTMLSelectElement,
  placeholder: string,
  options: readonly { value: string; label: string; lang?: string }[],
): void {
  const previous = select.value;
  select.replaceChildren(
    h('option', { value: '' }, placeholder),
    ...options.map((o) => h('option', { value: o.value, lang: o.lang }, o.label)),
  );
  select.value = options.some((o) => o.value === previous) ? previous : '';
}

function renderChoices(language: Language): void {
  const choose = t(language, 'common.chooseOne');
  setOptions(
    byId<HTMLSelectElement>('enterprise-entityType'),
    choose,
    ENTITY_TYPES.map((v) => ({ value: v, label: t(language, entityTypeKey(v)) })),
  );
  setOptions(
    byId<HTMLSelectElement>('need-purpose'),
    choose,
    PURPOSES.map((v) => ({ value: v, label: t(language, purposeKey(v)) })),
  );
  setOptions(
    byId<HTMLSelectElement>('need-guarantee'),
    choose,
    GUARANTEES.map((v) => ({ value: v, label: t(language, guaranteeKey(v)) })),
  );
}

/** The provinces, as the build put them into the page (web/build.ts); their prefectures and counties are fetched per province. */
const provinces: CountyNames[] = [...province.options]
  .filter((o) => o.value !== '')
  .map((o) => ({ code: o.value, name: o.textContent ?? '', nameEn: o.dataset.nameEn ?? '' }));

/** The chosen province's names, once its division file is loaded. */
function selectedProvince(): ProvinceNames | undefined {
  return province.value === '' ? undefined : loadedProvince(province.value);
}

function selectedPrefecture(): PrefectureNames | undefined {
  return selectedProvince()?.prefectures.find((p) => p.code === prefecture.value);
}

/** Whether the chosen province's division file could not be loaded (the prefecture step says so). */
let divisionsFailed = false;

/** Loads the chosen province's prefectures and counties, then shows them (a failed load is tried again on the next choice). */
function loadDivisions(): void {
  const code = province.value;
  divisionsFailed = false;
  if (code === '' || loadedProvince(code)) return renderDivisions(page.current());
  void loadProvince(code).then((loaded) => {
    if (province.value !== code) return;
    divisionsFailed = loaded === undefined;
    renderDivisions(page.current());
  });
}

/** Names in the page language; in English with the Chinese name beside it, as on the business licence. */
function renderDivisions(language: Language): void {
  setOptions(
    province,
    t(language, 'choose.province'),
    provinces.map((p) => ({ value: p.code, label: pickerLabel(p, language) })),
  );
  const prov = selectedProvince();
  setOptions(
    prefecture,
    t(language, prov ? 'choose.prefecture' : divisionsFailed ? 'choose.divisionsFailed' : 'choose.provinceFirst'),
    (prov?.prefectures ?? []).map((p) => ({ value: p.code, label: pickerLabel(p, language) })),
  );
  if (prov?.prefectures.length === 1) prefecture.value = prov.prefectures[0]!.code;
  const pref = selectedPrefecture();
  setOptions(
    county,
    t(language, pref ? 'choose.county' : prov ? 'choose.prefectureFirst' : 'choose.provinceFirst'),
    (pref?.counties ?? []).map((c) => ({ value: c.code, label: pickerLabel(c, language) })),
  );
  if (pref?.counties.length === 1) county.value = pref.counties[0]!.code;
}

const industryLabelOf = (i: Industry, language: Language) => `${i.code} ${language === 'zh' ? i.nameZh : i.nameEn}`;

function renderIndustries(language: Language): void {
  setOptions(
    section,
    t(language, 'choose.section'),
    pickerSections().map((s) => ({ value: s.letter, label: `${s.letter} ${language === 'zh' ? s.nameZh : s.nameEn}` })),
  );
  const letter = pickerSections().find((s) => s.letter === section.value)?.letter;
  const financeNote = byId('industry-finance-note');
  financeNote.hidden = letter !== 'J';
  financeNote.textContent = letter === 'J' ? FINANCE_NOTE[language] : '';
  const list = letter ? industriesInSection(letter as SectionLetter) : [];
  setOptions(
    industry,
    t(language, letter ? 'choose.industry' : 'choose.sectionFirst'),
    list.map((i) => ({ value: i.code, label: industryLabelOf(i, language) })),
  );
  if (list.length === 1) industry.value = list[0]!.code;
}

/** The everyday-words search above the section tree (shared/domain/industry-search.ts): a list of buttons. */
function renderIndustryResults(language: Language): void {
  const query = industrySearch.value;
  const matches = searchIndustries(query);
  const results = byId('industry-results');
  results.setAttribute('aria-label', t(language, 'industrySearch.results'));
  results.replaceChildren(
    ...matches.map(({ industry: found, matched }) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'button', 'data-code': found.code },
          industryLabelOf(found, language),
          matched !== found.code && matched !== found.nameZh && matched !== found.nameEn ? h('span', { class: 'matched' }, t(language, 'industrySearch.matched', { word: matched })) : null,
        ),
      ),
    ),
  );
  byId('industry-search-status').textContent =
    query.trim() === '' ? '' : matches.length === 0 ? t(language, 'industrySearch.none') : t(language, 'industrySearch.count', { count: matches.length });
}

/** A search result chosen: the section and the industry are set as if picked from the tree. */
function chooseIndustry(code: string): void {
  const chosen = findIndustry(code);
  if (!chosen) return;
  section.value = chosen.section;
  renderIndustries(page.current());
  industry.value = chosen.code;
  industry.dispatchEvent(new Event('change', { bubbles: true }));
  industrySearch.value = '';
  renderIndustryResults(page.current());
  byId('industry-search-status').textContent = t(page.current(), 'industrySearch.chosen', { industry: industryLabelOf(chosen, page.current()) });
  industry.focus();
}

/** The consent text names the banks serving the chosen county (consent-banks.ts). */
const consentBanks = new ConsentBanks(byId('consent-body'), () => page.current());

function renderConsent(language: Language): void {
  consentBanks.render(language);
  byId('consent-version').textContent = CURRENT_CONSENT_VERSION;
}

function renderReadings(language: Language): void {
  for (const input of form.querySelectorAll<HTMLInputElement>('input[data-yuan]')) {
    const reading = document.getElementById(`${input.id}-reading`);
    if (!reading) continue;
    const unit = document.querySelector<HTMLSelectElement>(`select[data-unit-for="${input.id}"]`)?.value;
    const value = parseYuan(input.value, unit);
    // Typed in 万元: the reading gives the yuan sent; typed in yuan: the amount in 万元 or 亿元.
    reading.textContent =
      typeof value === 'number' && unit === 'wan' && Number.isSafeInteger(value) ? `= ${formatYuan(value, language)}` : yuanReading(typeof value === 'number' ? value : undefined, language);
  }
}

// ---------------------------------------------------------------- errors

function isField(id: string): boolean {
  return document.getElementById(id)?.hasAttribute('data-field') ?? false;
}

/** The radios of a radio group, or the control itself. */
function controlsOf(field: HTMLElement): HTMLElement[] {
  return field instanceof HTMLFieldSetElement ? [field, ...field.querySelectorAll<HTMLElement>('input')] : [field];
}

/** The name a field goes by: its label, or its group's legend. */
function fieldName(field: HTMLElement): string {
  const label = field instanceof HTMLFieldSetElement ? field.querySelector('legend') : form.querySelector(`label[for="${field.id}"]`);
  return (label?.textContent ?? field.id).replace(/\*$/, '').trim();
}

/** Above the form: every field in error, in the form's order, each a link to its field. */
function renderErrorSummary(language: Language): void {
  const summary = byId('form-error-summary');
  const inError = [...form.querySelectorAll<HTMLElement>('[data-field]')].filter((field) => state.fieldErrors.has(field.id));
  summary.hidden = inError.length === 0;
  byId('form-error-summary-title').textContent = inError.length ? t(language, 'form.errorSummary', { count: inError.length }) : '';
  byId('form-error-summary-list').replaceChildren(
    ...inError.map((field) => h('li', {}, h('a', { href: `#${field.id}`, 'data-field-link': field.id }, `${fieldName(field)}：${state.fieldErrors.get(field.id)![language]}`))),
  );
}

function renderFieldErrors(language: Language): void {
  renderErrorSummary(language);
  for (const field of form.querySelectorAll<HTMLElement>('[data-field]')) {
    const message = state.fieldErrors.get(field.id);
    const errorId = errorIdFor(field.id);
    const errorElement = document.getElementById(errorId);
    if (errorElement) {
      errorElement.textContent = message ? message[language] : '';
      errorElement.hidden = !message;
    }
    for (const control of controlsOf(field)) {
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
      setDescribedBy(control, errorId, message !== undefined && errorElement !== null);
    }
    (field.closest('.field') ?? field).classList.toggle('has-error', message !== undefined);
  }
}

/** Where to put the focus for a field in error: the first empty step of a cascade, the chosen or first radio. */
function focusTarget(field: HTMLElement): HTMLElement {
  if (field === county) return [province, prefecture, county].find((s) => s.value === '') ?? county;
  if (field === industry) return section.value === '' ? section : industry;
  if (field instanceof HTMLFieldSetElement) {
    return field.querySelector<HTMLElement>('input:checked') ?? field.querySelector<HTMLElement>('input') ?? field;
  }
  return field;
}

function focusFirstError(): void {
  const first = [...form.querySelectorAll<HTMLElement>('[data-field]')].find((f) => state.fieldErrors.has(f.id));
  if (!first) return;
  const target = focusTarget(first);
  target.focus({ preventScroll: true });
  // Bring the label and the message into view too, not just the control.
  (target.closest('.field') ?? target).scrollIntoView({ block: 'center' });
}

function renderAlert(language: Language): void {
  const alert = state.alert;
  if (!alert) return hideAlert(alertBox);
  if (alert.kind === 'text') {
    showAlert(alertBox, t(language, alert.title, alert.params), t(language, alert.detail, alert.params));
  } else {
    // "Already open": the way back to that need's progress without its link.
    const find =
      alert.type === OPEN_NEED_PROBLEM
        ? { href: `find.html#${new URLSearchParams({ creditCode: byId<HTMLInputElement>('enterprise-creditCode').value.trim() }).toString()}`, text: t(language, 'form.openNeed.find') }
        : undefined;
    showAlert(
      alertBox,
      alert.title,
      alert.detail,
      alert.messages.map((m) => m[language]),
      find,
    );
  }
}

/** Shows a page-level problem; it takes the focus unless a field in error already has it. */
function showAlertState(alert: AlertState, language: Language, focus = true): void {
  state.alert = alert;
  renderAlert(language);
  if (!focus) return;
  alertBox.focus({ preventScroll: true });
  alertBox.scrollIntoView({ block: 'center' });
}

/** Places errors next to their fields (the rest goes into the page alert when `problem` is given). */
function applyErrors(errors: readonly FieldError[], language: Language, focus: boolean): FieldError[] {
  const { byField, unplaced } = sortFieldErrors(errors, isField);
  state.fieldErrors = byField;
  renderFieldErrors(language);
  if (focus) focusFirstError();
  return unplaced;
}

/** `bankIds`: the banks the consent names (consent-banks.ts ready()). */
function validate(bankIds: readonly string[] = []): { ok: true; body: string } | { ok: false; errors: FieldError[] } {
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') values[name] = value;
  const draft = toSubmission(values as FormValues, CURRENT_CONSENT_VERSION, bankIds);
  const parsed = needSubmissionSchema.safeParse(draft);
  if (!parsed.success) return { ok: false, errors: fieldErrorsFromZod(parsed.error.issues, draft) };
  // Send the normalised values (trimmed, half-width, canonical codes): the server parses them to the same result.
  return { ok: true, body: JSON.stringify(parsed.data) };
}

// ---------------------------------------------------------------- receipt

/** The note on the receipt of an earlier submission, made once and placed after the introduction. */
function earlierNote(): HTMLElement {
  let note = document.getElementById('receipt-earlier');
  if (!note) {
    note = h('p', { id: 'receipt-earlier', class: 'hint' });
    byId('receipt-title').nextElementSibling?.after(note);
  }
  return note;
}

function renderReceipt(language: Language): void {
  const receipt = state.receipt;
  if (!receipt) return;
  const note = earlierNote();
  note.hidden = !state.receiptOfEarlier;
  note.textContent = state.receiptOfEarlier ? t(language, 'receipt.earlier') : '';
  byId('receipt-needId').textContent = receipt.needId;
  byId('receipt-sizeClass').textContent = sizeClassLabel(receipt.sizeClass, language);
  const url = withLanguage(safeStatusUrl(receipt.statusUrl, { needId: receipt.needId, token: receipt.trackingToken }, location.href), language);
  byId<HTMLAnchorElement>('receipt-status-link').href = url;
  byId('receipt-url').textContent = url;
  byId('receipt-copy-status').textContent =
    state.copy === 'idle' ? '' : t(language, state.copy === 'copied' ? 'receipt.copied' : 'receipt.copyFailed');
}

function showReceipt(receipt: SubmitNeedResponse, language: Language, earlier: boolean): void {
  state.receipt = receipt;
  state.receiptOfEarlier = earlier;
  state.fieldErrors = new Map();
  state.alert = undefined;
  formPart.hidden = true;
  byId('receipt').hidden = false;
  renderReceipt(language);
  const heading = byId('receipt-title');
  heading.focus({ preventScroll: true });
  heading.scrollIntoView({ block: 'start' });
}

// ---------------------------------------------------------------- submission

function submitLabel(): MessageKey {
  return state.submitting === 'confirming' ? 'form.confirming' : state.submitting ? 'form.submitting' : 'form.submit';
}

function setSubmitting(submitting: typeof state.submitting, language: Language): void {
  state.submitting = submitting;
  submitButton.setAttribute('aria-disabled', String(submitting !== false));
  submitButton.classList.toggle('is-busy', submitting !== false);
  submitButton.textContent = t(language, submitLabel());
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function submit(): Promise<void> {
  if (state.submitting) return;
  const language = page.current();
  state.alert = undefined;
  renderAlert(language);

  // The chosen county's banks, named by the consent (fetched when the county was chosen; again now if that failed).
  setSubmitting('sending', language);
  const bankIds = await consentBanks.ready();
  setSubmitting(false, page.current());
  if (!bankIds) {
    showAlertState({ kind: 'text', title: 'alert.consentBanks.title', detail: 'alert.consentBanks.detail' }, page.current());
    return;
  }
  const checked = validate(bankIds);
  if (!checked.ok) {
    applyErrors(checked.errors, language, true);
    return;
  }
  applyErrors([], language, false);

  setSubmitting('sending', language);
  // Retried with the same Idempotency-Key while the outcome is unknown (idempotency.ts).
  const { outcome, settlement, earlier } = await submitWithRetries(
    keys,
    checked.body,
    (body, idempotencyKey) => submitNeedRequest(body, { idempotencyKey, language: page.current() }),
    { wait, onRetry: () => setSubmitting('confirming', page.current()) },
  );
  const now = page.current();
  setSubmitting(false, now);

  if (outcome.kind === 'ok') {
    showReceipt(outcome.body, now, earlier);
    return;
  }
  if (outcome.kind === 'network') {
    showAlertState({ kind: 'text', title: 'alert.network.title', detail: 'alert.network.detail' }, now);
    return;
  }
  if (settlement === 'unknown') {
    showAlertState({ kind: 'text', title: 'alert.unknown.title', detail: 'alert.unknown.detail' }, now);
    return;
  }
  const { status, problem } = outcome;
  if (!problem) {
    showAlertState(
      status >= 500
        ? { kind: 'text', title: 'alert.server.title', detail: 'alert.server.detail' }
        : { kind: 'text', title: 'alert.unexpected.title', detail: 'alert.unexpected.detail', params: { status } },
      now,
    );
    return;
  }
  const unplaced = applyErrors(problem.errors ?? [], now, status === 400);
  if (status !== 400 || unplaced.length > 0 || state.fieldErrors.size === 0) {
    showAlertState(
      { kind: 'problem', title: problem.title, detail: problem.detail, messages: unplaced.map((e) => e.message), type: problem.type },
      now,
      state.fieldErrors.size === 0,
    );
  }
}

// ---------------------------------------------------------------- wiring

function render(language: Language): void {
  renderChoices(language);
  renderDivisions(language);
  renderIndustries(language);
  renderIndustryResults(language);
  renderConsent(language);
  renderReadings(language);
  renderFieldErrors(language);
  renderAlert(language);
  renderReceipt(language);
  submitButton.textContent = t(language, submitLabel());
}

const page = setupLanguage(render);
consentBanks.follow(county);

province.addEventListener('change', () => {
  prefecture.value = '';
  county.value = '';
  loadDivisions();
});
// A province the browser kept from an earlier visit (back, reload): its prefectures and counties too.
if (province.value !== '') loadDivisions();
prefecture.addEventListener('change', () => {
  county.value = '';
  renderDivisions(page.current());
});
section.addEventListener('change', () => {
  industry.value = '';
  renderIndustries(page.current());
});
industrySearch.addEventListener('input', () => renderIndustryResults(page.current()));
// A link of the error summary takes the focus to its field (the first empty step of a cascade).
byId('form-error-summary-list').addEventListener('click', (event) => {
  const link = (event.target as HTMLElement).closest<HTMLAnchorElement>('a[data-field-link]');
  if (!link) return;
  event.preventDefault();
  const target = focusTarget(byId(link.dataset.fieldLink!));
  target.focus();
  (target.closest('.field') ?? target).scrollIntoView({ block: 'center' });
});
// Enter in the search box chooses the best result instead of submitting the form.
industrySearch.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter') return;
  event.preventDefault();
  const best = searchIndustries(industrySearch.value)[0];
  if (best) chooseIndustry(best.industry.code);
});
byId('industry-results').addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-code]');
  if (button) chooseIndustry(button.dataset.code!);
});

form.addEventListener('input', (event) => {
  if (event.target instanceof HTMLInputElement && event.target.hasAttribute('data-yuan')) renderReadings(page.current());
});
form.addEventListener('change', (event) => {
  if (event.target instanceof HTMLSelectElement && event.target.hasAttribute('data-unit-for')) renderReadings(page.current());
});

// Once a field has been marked, check it again as soon as it changes, so a fixed field loses its message.
form.addEventListener('change', () => {
  if (state.fieldErrors.size === 0) return;
  const checked = validate();
  const { byField } = sortFieldErrors(checked.ok ? [] : checked.errors, isField);
  let changed = false;
  for (const [id, message] of state.fieldErrors) {
    const now = byField.get(id);
    if (now === undefined) state.fieldErrors.delete(id);
    else if (now !== message) state.fieldErrors.set(id, now);
    else continue;
    changed = true;
  }
  if (changed) renderFieldErrors(page.current());
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void submit();
});

byId('receipt-copy').addEventListener('click', () => {
  const url = byId('receipt-url');
  const done = (copy: CopyState): void => {
    state.copy = copy;
    renderReceipt(page.current());
    // Could not copy: select the link, so that the person can copy it by hand.
    if (copy === 'failed') getSelection()?.selectAllChildren(url);
  };
  if (!navigator.clipboard) return done('failed');
  navigator.clipboard.writeText(url.textContent ?? '').then(
    () => done('copied'),
    () => done('failed'),
  );
});
