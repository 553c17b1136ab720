// The status page (status.html#needId=…&token=…): fetches the need with the tracking token from
// the fragment and shows its status, details and timeline.
import { OPEN_STATUSES, type NeedStatusResponse } from '../../shared/domain/need-record';
import type { NeedProgress } from '../../shared/domain/need-progress';
import { needStatusRequest, type ApiOutcome } from './api';
import { byId, h, hideAlert, showAlert } from './dom';
import { formatChinaClock, formatChinaTime, formatMonths, formatYuan } from './format';
import { isMessageKey, t, type Language, type MessageKey } from './i18n';
import { setupLanguage } from './language';
import {
  chronological,
  guaranteeLabel,
  industryLabel,
  purposeLabel,
  sizeClassLabel,
  statusHelp,
  statusLabel,
} from './need-view';
import { parseStatusHash } from './status-link';
import { renderNeedChanges, setupNeedChanges } from './need-changes';
import { renderTaskForce } from './task-force-contact';
import { countyLabel, loadProvince } from './division-data';
import { formatRate, timelineText } from '../../shared/domain/timeline-text';

type View =
  | { kind: 'loading' }
  | { kind: 'loaded' }
  | { kind: 'notFound' }
  | { kind: 'failed'; title?: string; detail?: string };

let view: View = { kind: 'loading' };
let shown: { need: NeedStatusResponse; at: Date } | undefined;
let generation = 0;

const content = byId('status-content');
const alertBox = byId('status-alert');
const progress = byId('status-progress');
const refreshButton = byId<HTMLButtonElement>('refresh');

function setText(id: string, text: string): void {
  byId(id).textContent = text;
}

function chinaTime(iso: string, language: Language): HTMLTimeElement {
  return h('time', { datetime: iso }, formatChinaTime(iso) + t(language, 'time.chinaSuffix'));
}

function fact(label: string, value: Node | string): HTMLElement {
  return h('div', {}, h('dt', {}, label), h('dd', {}, value));
}

/** The bank card: who has the need and by when, or the terms granted (need-progress.ts). */
function renderBank(progress: NeedProgress | undefined, language: Language): void {
  const card = byId('status-bank');
  card.hidden = progress === undefined;
  if (!progress) return;
  const facts: HTMLElement[] = [];
  const bankName = progress.stage === 'considering' ? '' : progress.bank[language];
  if (progress.stage === 'considering') {
    byId('status-bank-summary').replaceChildren(t(language, 'status.bank.considering', { due: formatChinaTime(progress.answerDueBy) + t(language, 'time.chinaSuffix') }));
  } else {
    byId('status-bank-summary').textContent = t(language, progress.stage === 'accepted' ? 'status.bank.accepted' : 'status.bank.granted', { bank: bankName });
    facts.push(fact(t(language, 'status.bank.name'), bankName));
    if (progress.branch) {
      facts.push(fact(t(language, 'status.bank.branch'), progress.branch.name));
      facts.push(fact(t(language, 'status.bank.phone'), h('a', { href: `tel:${progress.branch.phone.replace(/[^\d+]/g, '')}` }, progress.branch.phone)));
      if (progress.branch.address) facts.push(fact(t(language, 'status.bank.address'), progress.branch.address));
    }
    if (progress.stage === 'accepted' && progress.decisionDueBy) facts.push(fact(t(language, 'status.bank.decisionDue'), chinaTime(progress.decisionDueBy, language)));
    if (progress.stage === 'granted') {
      facts.push(fact(t(language, 'status.bank.amount'), formatYuan(progress.terms.amountYuan, language)));
      facts.push(fact(t(language, 'status.bank.rate'), formatRate(progress.terms.annualRateBp)));
      facts.push(fact(t(language, 'status.bank.term'), formatMonths(progress.terms.termMonths, language)));
      if (isMessageKey(`loanType.${progress.terms.loanType}`)) facts.push(fact(t(language, 'status.bank.loanType'), t(language, `loanType.${progress.terms.loanType}` as MessageKey)));
      if (progress.disbursement) facts.push(fact(t(language, 'status.bank.disbursed'), `${formatYuan(progress.disbursement.amountYuan, language)} · ${progress.disbursement.disbursedOn}`));
    }
  }
  byId('status-bank-facts').replaceChildren(...facts);
}

function renderNeed(need: NeedStatusResponse, language: Language): void {
  renderBank(need.progress, language);
  renderNeedChanges(need, language);
  renderTaskForce(need, byId('status-bank'), language);
  const status = byId('status-value');
  status.textContent = statusLabel(need.status, language);
  status.dataset.status = need.status;
  setText('status-help', statusHelp(need.status, language));
  setText('status-needId', need.needId);
  byId('status-submittedAt').replaceChildren(chinaTime(need.submittedAt, language));
  setText('status-sizeClass', sizeClassLabel(need.sizeClass, language));

  setText('status-enterpriseName', need.enterprise.name);
  setText('status-county', countyLabel(need.enterprise.countyCode, language));
  setText('status-industry', industryLabel(need.enterprise.industryCode, language));

  setText('status-amount', formatYuan(need.need.amountYuan, language));
  setText('status-term', formatMonths(need.need.termMonths, language));
  setText('status-purpose', purposeLabel(need.need.purpose, language));
  setText('status-guarantee', guaranteeLabel(need.need.guarantee, language));
  setText('status-firstLoan', t(language, need.need.firstLoan ? 'common.yes' : 'common.no'));
  const description = need.need.description?.trim() ?? '';
  byId('status-description-row').hidden = description === '';
  setText('status-description', description);

  const entries = chronological(need.timeline);
  byId('timeline').replaceChildren(
    ...entries.map((entry) =>
      h(
        'li',
        { class: 'timeline-entry', 'data-status': entry.status },
        h('p', { class: 'timeline-head' }, h('strong', {}, statusLabel(entry.status, language)), ' ', chinaTime(entry.at, language)),
        h('p', { class: 'timeline-note' }, timelineText(entry, language)),
      ),
    ),
  );
  byId('timeline-empty').hidden = entries.length > 0;
}

function render(language: Language): void {
  refreshButton.setAttribute('aria-disabled', String(view.kind === 'loading'));
  // The last status fetched stays on screen while refreshing, or when a refresh fails.
  if (shown && view.kind !== 'notFound') {
    renderNeed(shown.need, language);
    content.hidden = false;
  } else {
    content.hidden = true;
  }
  switch (view.kind) {
    case 'loading':
      progress.textContent = t(language, 'status.loading');
      return;
    case 'loaded':
      hideAlert(alertBox);
      delete alertBox.dataset.problem;
      progress.textContent = shown
        ? t(language, 'status.updatedAt', { time: formatChinaClock(shown.at) + t(language, 'time.chinaSuffix') })
        : '';
      return;
    case 'notFound':
      progress.textContent = '';
      showAlert(alertBox, t(language, 'status.notFound.title'), t(language, 'status.notFound.detail'), [], { href: 'find.html', text: t(language, 'status.notFound.find') });
      alertBox.dataset.problem = 'not-found';
      return;
    case 'failed':
      progress.textContent = '';
      showAlert(alertBox, view.title ?? t(language, 'status.error.title'), view.detail ?? t(language, 'status.error.detail'));
      alertBox.dataset.problem = 'failed';
      return;
  }
}

function viewFor(outcome: ApiOutcome<NeedStatusResponse>): View {
  if (outcome.kind === 'ok') {
    shown = { need: outcome.body, at: new Date() };
    return { kind: 'loaded' };
  }
  if (outcome.kind === 'problem' && outcome.status === 404) return { kind: 'notFound' };
  if (outcome.kind === 'problem' && outcome.problem && outcome.status < 500) {
    return { kind: 'failed', title: outcome.problem.title, detail: outcome.problem.detail };
  }
  return { kind: 'failed' };
}

/** While the need is open, the page fetches it again on its own this often. */
const REFRESH_OPEN_MS = 10_000;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

async function load(): Promise<void> {
  clearTimeout(refreshTimer);
  const mine = ++generation;
  const link = parseStatusHash(location.hash);
  if (link?.needId !== shown?.need.needId) shown = undefined;
  if (!link) {
    view = { kind: 'notFound' };
    render(page.current());
    return;
  }
  view = { kind: 'loading' };
  render(page.current());
  const outcome = await needStatusRequest(link, page.current());
  if (mine !== generation) return; // a newer load (refresh, new link) has started
  view = viewFor(outcome);
  render(page.current());
  // The county's name: its province's division file, then shown in place of the code.
  if (shown) {
    void loadProvince(shown.need.enterprise.countyCode).then((names) => {
      if (names && mine === generation) render(page.current());
    });
  }
  if (view.kind !== 'loaded') alertBox.focus({ preventScroll: true });
  else if (shown && OPEN_STATUSES.has(shown.need.status)) refreshTimer = setTimeout(() => void load(), REFRESH_OPEN_MS);
}

const page = setupLanguage(render);

setupNeedChanges({
  link: () => parseStatusHash(location.hash),
  language: () => page.current(),
  changed: (need) => {
    clearTimeout(refreshTimer);
    generation++; // a load in flight would show the need as it was
    shown = { need, at: new Date() };
    view = { kind: 'loaded' };
    render(page.current());
    if (OPEN_STATUSES.has(need.status)) refreshTimer = setTimeout(() => void load(), REFRESH_OPEN_MS);
  },
});

refreshButton.addEventListener('click', () => {
  if (view.kind !== 'loading') void load();
});
window.addEventListener('hashchange', () => void load());
void load();
