// Finding the status link again (find.html): the credit code and mobile of the need ask for a code by
// SMS (POST /v1/status-links, always 202); the code opens the status page with a fresh link (POST
// /v1/status-links/verify). `find.html#creditCode=…` fills the code in (the form's "already open" answer).
import type { FieldError, LocalizedText } from '../../shared/domain/problem';
import { statusLinkRequest, statusLinkVerify, type ApiOutcome } from './api';
import { byId, hideAlert, setDescribedBy, showAlert } from './dom';
import { t, type Language, type MessageKey } from './i18n';
import { setupLanguage } from './language';
import { errorIdFor, fieldIdForPointer } from './need-form';
import { withLanguage } from './status-link';

const requestForm = byId<HTMLFormElement>('find-request');
const verifyForm = byId<HTMLFormElement>('find-verify');
const alertBox = byId('find-alert');
const creditCode = byId<HTMLInputElement>('find-creditCode');
const mobile = byId<HTMLInputElement>('find-mobile');
const code = byId<HTMLInputElement>('find-code');
const sendButton = byId<HTMLButtonElement>('find-send');
const checkButton = byId<HTMLButtonElement>('find-check');

type Alert = { kind: 'text'; title: MessageKey; detail: MessageKey; params?: Record<string, number> } | { kind: 'problem'; title: string; detail: string; messages: LocalizedText[] };

const state: { alert?: Alert; errors: Map<string, LocalizedText>; busy?: 'sending' | 'verifying' } = { errors: new Map() };

/** Field ids of this page by pointer: `/creditCode` → find-creditCode. */
const fieldFor = (pointer: string) => `find-${fieldIdForPointer(pointer)}`;
const FIELDS = [creditCode, mobile, code];

function renderErrors(language: Language): void {
  for (const input of FIELDS) {
    const message = state.errors.get(input.id);
    const errorElement = byId(errorIdFor(input.id));
    errorElement.textContent = message ? message[language] : '';
    errorElement.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    setDescribedBy(input, errorElement.id, message !== undefined);
  }
}

function render(language: Language): void {
  renderErrors(language);
  sendButton.textContent = t(language, state.busy === 'sending' ? 'find.sending' : 'find.send');
  checkButton.textContent = t(language, state.busy === 'verifying' ? 'find.verifying' : 'find.verify');
  sendButton.setAttribute('aria-disabled', String(state.busy !== undefined));
  checkButton.setAttribute('aria-disabled', String(state.busy !== undefined));
  const alert = state.alert;
  if (!alert) hideAlert(alertBox);
  else if (alert.kind === 'text') showAlert(alertBox, t(language, alert.title, alert.params), t(language, alert.detail, alert.params));
  else showAlert(alertBox, alert.title, alert.detail, alert.messages.map((m) => m[language]));
}

const page = setupLanguage(render);

/** Shows an answer that was not the success: field errors next to their fields, the rest in the alert. */
function showOutcome(outcome: Exclude<ApiOutcome<unknown>, { kind: 'ok' }>): void {
  state.errors = new Map();
  state.alert = undefined;
  if (outcome.kind === 'problem' && outcome.status === 429) {
    state.alert = { kind: 'text', title: 'find.limited.title', detail: 'find.limited.detail', params: { minutes: Math.max(1, Math.ceil((outcome.retryAfterSeconds ?? 600) / 60)) } };
  } else if (outcome.kind === 'problem' && outcome.problem && outcome.status < 500) {
    const unplaced: FieldError[] = [];
    for (const error of outcome.problem.errors ?? []) {
      const id = fieldFor(error.pointer);
      if (FIELDS.some((input) => input.id === id)) {
        if (!state.errors.has(id)) state.errors.set(id, error.message);
      } else unplaced.push(error);
    }
    if (state.errors.size === 0 || unplaced.length > 0) {
      state.alert = { kind: 'problem', title: outcome.problem.title, detail: outcome.problem.detail, messages: unplaced.map((e) => e.message) };
    }
  } else {
    state.alert = { kind: 'text', title: 'find.error.title', detail: 'find.error.detail' };
  }
  render(page.current());
  const first = FIELDS.find((input) => state.errors.has(input.id) && !input.closest('[hidden]'));
  (first ?? alertBox).focus();
}

async function sendCode(): Promise<void> {
  if (state.busy) return;
  state.busy = 'sending';
  render(page.current());
  const outcome = await statusLinkRequest({ creditCode: creditCode.value, mobile: mobile.value }, page.current());
  state.busy = undefined;
  if (outcome.kind !== 'ok') return showOutcome(outcome);
  state.errors = new Map();
  state.alert = undefined;
  verifyForm.hidden = false;
  render(page.current());
  code.value = '';
  code.focus();
}

requestForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void sendCode();
});

byId('find-again').addEventListener('click', () => void sendCode());

verifyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (state.busy) return;
  state.busy = 'verifying';
  render(page.current());
  void statusLinkVerify({ creditCode: creditCode.value, mobile: mobile.value, code: code.value }, page.current()).then((outcome) => {
    state.busy = undefined;
    if (outcome.kind !== 'ok') return showOutcome(outcome);
    // The status page of this site (the link's origin is the stage's web origin: the same site).
    const link = new URL(withLanguage(new URL(outcome.body.statusUrl, location.href).href, page.current()));
    location.assign(`${link.pathname.replace(/^.*\//, '')}${link.hash}`);
  });
});

const prefilled = new URLSearchParams(location.hash.slice(1)).get('creditCode');
if (prefilled) creditCode.value = prefilled;
