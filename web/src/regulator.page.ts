// The regulator page (regulator.html): sign in at the officials' OpenID Provider (./official-session.ts:
// Authorization Code + PKCE, tokens in memory only, refreshed before they expire, sign-out through
// end-session), pick a period, see the reports of the caller's jurisdiction as the division tree,
// open the HTML report in a new window and download CSV/XLSX through short-lived links. The ID
// token's claims are shown (who, role, jurisdiction); the server decides what the caller may see.
import type { ApiOutcome } from './api';
import { byId, h, hideAlert, setDescribedBy, showAlert } from './dom';
import { formatChinaTime } from './format';
import { t, type Language, type MessageKey } from './i18n';
import { setupLanguage } from './language';
import { OfficialSession, type SessionFailure } from './official-session';
import {
  fetchReportLink,
  fetchReportList,
  type DownloadFormat,
  type Edition,
  type ReportEntry,
  type ReportList,
} from './regulator-api';
import { jurisdictionPath } from './regulator-divisions';
import { defaultValue, isPeriodChoice, periodDefaults, periodIdFrom, type PeriodChoice } from './regulator-period';
import { isExpired } from './regulator-token';
import { buildReportTree, englishName, levelOfEntry, type TreeNode } from './regulator-tree';

/** A message whose text is made in the current language (so a language switch redraws it). */
interface Notice {
  kind: string;
  title: (language: Language) => string;
  detail: (language: Language) => string;
  items?: (language: Language) => string[];
}

type StatusView = (language: Language) => (Node | string)[];

let listing: ReportList | undefined;
let notice: Notice | undefined;
let status: StatusView | undefined;
let generation = 0;
const busy = new Set<string>();

const defaults = periodDefaults(new Date());
const periodValues: Record<PeriodChoice, string> = {
  month: defaultValue('month', defaults),
  day: defaultValue('day', defaults),
  monthToDate: defaultValue('monthToDate', defaults),
};
let periodChoice: PeriodChoice = 'month';
let periodError = false;

const alertBox = byId('reg-alert');
const signinSection = byId('signin');
const identitySection = byId('identity');
const reportsSection = byId('reports');
const signinButton = byId<HTMLButtonElement>('signin-button');
const periodForm = byId<HTMLFormElement>('period-form');
const periodInput = byId<HTMLInputElement>('period-value');
const periodErrorBox = byId('period-value-error');
const statusBox = byId('reports-status');
const treePart = byId('report-tree-part');
const tree = byId<HTMLUListElement>('report-tree');

// ------------------------------------------------------------------------------------ session

const officials = new OfficialSession({
  signedIn: (_official, renewed) => (renewed ? render(page.current()) : signedIn()),
  failed: (failure: SessionFailure) => fail(sessionNotice(failure)),
});

function sessionNotice(failure: SessionFailure): Notice {
  switch (failure.kind) {
    case 'not-configured':
      return { kind: 'not-configured', title: fixed('reg.error.config.title'), detail: fixed('reg.error.config.detail') };
    case 'network':
      return { kind: 'network', title: fixed('reg.error.network.title'), detail: fixed('reg.error.network.detail') };
    case 'expired':
      return { kind: 'expired', title: fixed('reg.error.expired.title'), detail: fixed('reg.error.expired.detail') };
    case 'signin-failed':
      return { kind: 'signin-failed', title: fixed('reg.error.signin.title'), detail: fixed('reg.error.signin.detail', { error: failure.error }) };
  }
}

/** Forgets the session on this page (tokens were only in memory). */
function endSession(): void {
  generation++;
  officials.forget();
  listing = undefined;
  status = undefined;
  busy.clear();
}

function currentEdition(): Edition {
  return document.querySelector<HTMLInputElement>('input[name="edition"]:checked')?.value === 'public' ? 'public' : 'full';
}

// ------------------------------------------------------------------------------------ notices

const fixed =
  (key: MessageKey, params: Readonly<Record<string, string | number>> = {}) =>
  (language: Language): string =>
    t(language, key, params);

function failureNotice(outcome: Exclude<ApiOutcome<unknown>, { kind: 'ok' }>, context: 'list' | 'report', period: string): Notice {
  if (outcome.kind === 'network') {
    // API Gateway's own 401 may come without CORS headers: then an expired token looks like this.
    if (officials.official && isExpired(officials.official.claims, new Date())) {
      return { kind: 'unauthorized', title: fixed('reg.error.unauthorized.title'), detail: fixed('reg.error.unauthorized.detail') };
    }
    return { kind: 'network', title: fixed('reg.error.network.title'), detail: fixed('reg.error.network.detail') };
  }
  const { status: code, problem } = outcome;
  switch (code) {
    case 401:
      return { kind: 'unauthorized', title: fixed('reg.error.unauthorized.title'), detail: fixed('reg.error.unauthorized.detail') };
    case 403:
      return {
        kind: 'forbidden',
        title: fixed('reg.error.forbidden.title'),
        detail: (language) => problem?.detail || t(language, 'reg.error.forbidden.detail'),
      };
    case 404:
      return context === 'list'
        ? {
            kind: 'not-found',
            title: fixed('reg.error.notFound.title'),
            detail: (language) =>
              t(language, 'reg.error.notFound.detail', { period }) +
              (officials.local ? (language === 'zh' ? '' : ' ') + t(language, 'reg.error.notFound.local', { period }) : ''),
          }
        : { kind: 'report-missing', title: fixed('reg.error.reportMissing.title'), detail: fixed('reg.error.reportMissing.detail') };
    case 400:
      return {
        kind: 'invalid',
        title: (language) => problem?.title || t(language, 'reg.error.invalid.title'),
        detail: () => problem?.detail ?? '',
        items: (language) => (problem?.errors ?? []).map((error) => error.message[language]),
      };
    default:
      return { kind: 'server', title: fixed('reg.error.server.title'), detail: fixed('reg.error.server.detail', { status: code }) };
  }
}

/** Shows a failure; a refused token ends the session (the page asks to sign in again). */
function fail(failure: Notice): void {
  if (failure.kind === 'unauthorized') endSession();
  notice = failure;
  if (failure.kind !== 'unauthorized') status = undefined;
  render(page.current());
  alertBox.focus({ preventScroll: false });
}

// ------------------------------------------------------------------------------------ rendering

function levelLabel(level: string, language: Language): string {
  const key = `reg.level.${level}`;
  return key === 'reg.level.national' || key === 'reg.level.province' || key === 'reg.level.prefecture' || key === 'reg.level.county'
    ? t(language, key)
    : level;
}

function divisionName(entry: ReportEntry, language: Language): string {
  const english = language === 'en' ? englishName(entry.division) : undefined;
  return english && english !== entry.division.name ? `${english} ${entry.division.name}` : entry.division.name;
}

function jurisdictionText(code: string | undefined, language: Language): string {
  const path = code === undefined ? undefined : jurisdictionPath(code);
  if (!code || !path || path.length === 0) return t(language, 'reg.identity.unknown') + (code ? ` (${code})` : '');
  const names = path.map((division) =>
    language === 'en' && division.nameEn && division.nameEn !== division.name ? `${division.nameEn} ${division.name}` : division.name,
  );
  const level = path[path.length - 1]!.level;
  const detail = `${code}${language === 'zh' ? '，' : ', '}${levelLabel(level, language)}`;
  return `${names.join(' › ')}${language === 'zh' ? `（${detail}）` : ` (${detail})`}`;
}

function renderIdentity(language: Language): void {
  const session = officials.official;
  if (!session) return;
  const { claims } = session;
  byId('identity-name').textContent = claims.name ?? '—';
  byId('identity-role').textContent = claims.role ? roleLabel(claims.role, language) : '—';
  byId('identity-jurisdiction').textContent = jurisdictionText(claims.jurisdiction, language);
  byId('identity-account').textContent = claims.account ?? '—';
  byId('identity-expires').textContent = claims.expiresAt
    ? formatChinaTime(claims.expiresAt.toISOString()) +
      t(language, 'time.chinaSuffix') +
      (isExpired(claims, new Date()) ? t(language, 'reg.identity.expired') : '')
    : '—';
}

function roleLabel(role: string, language: Language): string {
  return role === 'regulator' || role === 'task_force' || role === 'admin' ? t(language, `reg.role.${role}`) : role;
}

const PERIOD_TEXT: Readonly<Record<PeriodChoice, { label: MessageKey; hint: MessageKey }>> = {
  month: { label: 'reg.period.monthLabel', hint: 'reg.period.monthHint' },
  day: { label: 'reg.period.dayLabel', hint: 'reg.period.dayHint' },
  monthToDate: { label: 'reg.period.mtdLabel', hint: 'reg.period.mtdHint' },
};

function renderPeriod(language: Language): void {
  const text = PERIOD_TEXT[periodChoice];
  byId('period-value-label').textContent = t(language, text.label);
  byId('period-value-hint').textContent = t(language, text.hint);
  periodErrorBox.textContent = periodError ? t(language, 'reg.period.invalid') : '';
  periodErrorBox.hidden = !periodError;
  byId('period-value-field').classList.toggle('has-error', periodError);
  if (periodError) periodInput.setAttribute('aria-invalid', 'true');
  else periodInput.removeAttribute('aria-invalid');
  setDescribedBy(periodInput, 'period-value-error', periodError);
}

function actionButton(entry: ReportEntry, node: TreeNode<ReportEntry>, format: DownloadFormat, language: Language): HTMLButtonElement {
  const key: MessageKey = format === 'html' ? 'reg.action.html' : format === 'csv' ? 'reg.action.csv' : 'reg.action.xlsx';
  const name = divisionName(entry, language);
  return h(
    'button',
    {
      type: 'button',
      class: `button reg-action${format === 'html' ? ' reg-action-open' : ''}`,
      'data-format': format,
      'data-code': entry.division.code,
      'data-level': node.level,
    },
    t(language, key),
    h('span', { class: 'reg-sr' }, `：${name}${format === 'html' ? t(language, 'reg.action.newWindow') : ''}`),
  );
}

function treeItem(node: TreeNode<ReportEntry>, language: Language): HTMLLIElement {
  const { entry } = node;
  return h(
    'li',
    { class: 'reg-node', 'data-code': entry.division.code, 'data-level': node.level },
    h(
      'div',
      { class: 'reg-row' },
      h(
        'p',
        { class: 'reg-division' },
        h('span', { class: 'reg-name' }, divisionName(entry, language)),
        h('span', { class: 'reg-meta' }, `${levelLabel(node.level, language)} · ${entry.division.code}`),
      ),
      h(
        'div',
        { class: 'reg-actions' },
        actionButton(entry, node, 'html', language),
        actionButton(entry, node, 'csv', language),
        actionButton(entry, node, 'xlsx', language),
      ),
    ),
    node.children.length > 0 ? h('ul', { class: 'reg-tree' }, ...node.children.map((child) => treeItem(child, language))) : null,
  );
}

/** What the tree was last built for: it is rebuilt only when that changes, so focus stays on its buttons. */
let treeBuiltFor: { listing: ReportList | undefined; language: Language } | undefined;

function renderTree(language: Language): void {
  if (treeBuiltFor?.listing !== listing || treeBuiltFor?.language !== language) {
    treeBuiltFor = { listing, language };
    const roots = listing ? buildReportTree(listing.reports) : [];
    tree.replaceChildren(...roots.map((node) => treeItem(node, language)));
    treePart.hidden = roots.length === 0;
  }
  for (const button of tree.querySelectorAll<HTMLButtonElement>('button[data-format]')) {
    const { code = '', level = '', format = '' } = button.dataset;
    if (busy.has(`${level}:${code}:${format}`)) button.setAttribute('aria-disabled', 'true');
    else button.removeAttribute('aria-disabled');
  }
}

function render(language: Language): void {
  const signedIn = officials.official !== undefined;
  signinSection.hidden = signedIn;
  identitySection.hidden = !signedIn;
  reportsSection.hidden = !signedIn;
  if (!officials.configured) signinButton.setAttribute('aria-disabled', 'true');
  else signinButton.removeAttribute('aria-disabled');

  renderIdentity(language);
  renderPeriod(language);
  renderTree(language);
  statusBox.replaceChildren(...(status ? status(language) : []));

  if (notice) {
    showAlert(alertBox, notice.title(language), notice.detail(language), notice.items?.(language) ?? []);
    alertBox.dataset.problem = notice.kind;
  } else {
    hideAlert(alertBox);
    delete alertBox.dataset.problem;
  }
}

// ------------------------------------------------------------------------------------ actions

function currentPeriodId(): string | undefined {
  return periodIdFrom(periodChoice, periodInput.value);
}

async function loadList(period: string): Promise<void> {
  const session = officials.official;
  if (!session) return;
  const mine = ++generation;
  listing = undefined;
  notice = undefined;
  status = (language) => [t(language, 'reg.status.loading', { period })];
  render(page.current());
  const outcome = await fetchReportList(session.token, period, page.current());
  if (mine !== generation) return; // signed out, or a newer period asked for
  if (outcome.kind !== 'ok') {
    fail(failureNotice(outcome, 'list', period));
    return;
  }
  listing = outcome.body;
  const count = listing.reports.length;
  const shown = listing.period;
  status = (language) => [t(language, count > 0 ? 'reg.status.count' : 'reg.status.none', { period: shown, count })];
  render(page.current());
}

function signedIn(): void {
  notice = undefined;
  render(page.current());
  byId('reports-heading').focus();
  const period = currentPeriodId();
  if (period) void loadList(period);
}

function actionKey(entry: ReportEntry, level: string, format: DownloadFormat): string {
  return `${level}:${entry.division.code}:${format}`;
}

function startDownload(url: string): void {
  // The link answers with Content-Disposition: attachment, so following it downloads the file
  // and leaves the page as it is.
  const link = h('a', { href: url, download: '', rel: 'noopener', class: 'reg-sr' });
  document.body.append(link);
  link.click();
  link.remove();
}

function openingMessage(popup: Window, language: Language): void {
  try {
    popup.document.title = t(language, 'reg.docTitle');
    popup.document.body.textContent = t(language, 'status.loading');
  } catch {
    // not ours to write to: it is only a courtesy
  }
}

async function runAction(entry: ReportEntry, level: string, format: DownloadFormat): Promise<void> {
  const session = officials.official;
  if (!session || !listing) return;
  const key = actionKey(entry, level, format);
  if (busy.has(key)) return;
  const language = page.current();
  // Opened now, while the click still counts as the user's: browsers block windows opened later.
  const popup = format === 'html' ? window.open('', '_blank') : null;
  if (popup) openingMessage(popup, language);
  busy.add(key);
  const mine = generation;
  const edition = currentEdition();
  const period = listing.period;
  const name = (lang: Language) => divisionName(entry, lang);
  const editionText = (lang: Language) => t(lang, edition === 'full' ? 'reg.edition.fullShort' : 'reg.edition.publicShort');
  notice = undefined;
  status = (lang) => [t(lang, 'reg.status.linking', { division: name(lang) })];
  render(language);

  const outcome = await fetchReportLink(session.token, period, entry, format, edition, language);
  busy.delete(key);
  if (mine !== generation) {
    popup?.close();
    return;
  }
  if (outcome.kind !== 'ok') {
    popup?.close();
    fail(failureNotice(outcome, 'report', period));
    return;
  }
  const { url } = outcome.body;
  if (format !== 'html') {
    startDownload(url);
    status = (lang) => [t(lang, 'reg.status.downloading', { division: name(lang), format: format.toUpperCase(), edition: editionText(lang) })];
  } else if (popup && !popup.closed) {
    popup.opener = null;
    popup.location.replace(url);
    status = (lang) => [t(lang, 'reg.status.opened', { division: name(lang), edition: editionText(lang) })];
  } else {
    status = (lang) => [
      t(lang, 'reg.status.popupBlocked'),
      ' ',
      h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', id: 'report-open-link' }, t(lang, 'reg.status.openLink', { division: name(lang) })),
    ];
  }
  render(page.current());
}

// ------------------------------------------------------------------------------------ wiring

const page = setupLanguage(render);

function setPeriodChoice(choice: PeriodChoice, keepTyped = true): void {
  if (keepTyped) periodValues[periodChoice] = periodInput.value;
  periodChoice = choice;
  periodInput.type = choice === 'month' ? 'month' : 'date';
  periodInput.max = choice === 'month' ? defaults.today.slice(0, 7) : defaults.today;
  periodInput.placeholder = choice === 'month' ? 'YYYY-MM' : 'YYYY-MM-DD';
  periodInput.value = periodValues[choice];
  periodError = false;
  render(page.current());
}

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="period-kind"]')) {
  radio.addEventListener('change', () => {
    if (radio.checked && isPeriodChoice(radio.value)) setPeriodChoice(radio.value);
  });
}

periodForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const period = currentPeriodId();
  periodError = period === undefined;
  if (!period) {
    render(page.current());
    periodInput.focus();
    return;
  }
  void loadList(period);
});

signinButton.addEventListener('click', () => {
  if (!officials.configured || signinButton.getAttribute('aria-disabled') === 'true') return;
  signinButton.setAttribute('aria-disabled', 'true');
  signinButton.textContent = t(page.current(), 'reg.signin.busy');
  void officials.signIn(page.current()).catch(() => {
    signinButton.removeAttribute('aria-disabled');
    signinButton.textContent = t(page.current(), 'reg.signin.submit');
    fail({ kind: 'network', title: fixed('reg.error.network.title'), detail: fixed('reg.error.network.detail') });
  });
});

byId('signout').addEventListener('click', () => {
  // The provider's end-session page confirms, ends its session and comes back here.
  officials.signOut(page.current());
  endSession();
  notice = undefined;
  render(page.current());
  byId('signin-heading').focus();
});

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="edition"]')) {
  radio.addEventListener('change', () => {
    status = undefined;
    render(page.current());
  });
}

tree.addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>('button[data-format]');
  if (!button || !listing) return;
  const { code, level, format } = button.dataset;
  const entry =
    listing.reports.find((candidate) => candidate.division.code === code && levelOfEntry(candidate.division) === level) ??
    listing.reports.find((candidate) => candidate.division.code === code);
  if (!entry || !level || (format !== 'html' && format !== 'csv' && format !== 'xlsx')) return;
  void runAction(entry, level, format);
});

// Start: the form's defaults; the provider's answer when coming back from it; else, if this tab was
// signed in before the reload, a silent sign-in; else the sign-in button.
setPeriodChoice('month', false);
render(page.current());
void officials.start(page.current()).then(() => render(page.current()));
