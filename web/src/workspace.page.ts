// The task-force workspace (workspace.html): an official signs in (./official-session.ts), and the
// page shows the sections their role and jurisdiction allow. A county-level task force records
// visits, imports files, reads its two lists with contacts, reviews and takes up escalations; a
// coordinator (a task force or regulator of a prefecture, province or the nation) follows the
// counties' progress and their lists read only. The server decides every call; the page only
// leaves out what would be refused.
import { byId, h, hideAlert, showAlert } from './dom';
import type { Language } from './i18n';
import { translate, setupLanguage } from './language';
import { countyLabel, loadProvince } from './division-data';
import { OfficialSession, type Official, type SessionFailure } from './official-session';
import type { WorkspaceContext, WorkspaceSection } from './workspace-context';
import { isWorkspaceKey, wt, type WorkspaceKey } from './workspace-i18n';
import { escalationsSection } from './workspace-escalations';
import { importsSection } from './workspace-imports';
import { listsSection } from './workspace-lists';
import { negativeListSection } from './workspace-negative-list';
import { progressSection } from './workspace-progress';
import { reviewsSection } from './workspace-reviews';
import { visitsSection } from './workspace-visits';

type Notice = { title: WorkspaceKey; detail: WorkspaceKey; params?: Record<string, string | number> };

let notice: Notice | undefined;
const alertBox = byId('ws-alert');
const signinButton = byId<HTMLButtonElement>('signin-button');

const isCountyLevel = (code: string): boolean => /^\d{6}$/.test(code) && code.slice(4) !== '00';

function jurisdictionOf(official: Official | undefined): string {
  return official?.claims.jurisdiction ?? '';
}

const context: WorkspaceContext = {
  token: () => session.official?.token,
  language: () => page.current(),
  jurisdiction: () => jurisdictionOf(session.official),
  county: () => {
    const official = session.official;
    return official?.claims.role === 'task_force' && isCountyLevel(jurisdictionOf(official)) ? jurisdictionOf(official) : undefined;
  },
  reportFailure(outcome) {
    if (outcome.kind === 'network') notice = { title: 'ws.error.network.title', detail: 'ws.error.network.detail' };
    else if (outcome.status === 401) notice = { title: 'ws.error.unauthorized.title', detail: 'ws.error.unauthorized.detail' };
    else if (outcome.status >= 500) notice = { title: 'ws.error.server.title', detail: 'ws.error.server.detail', params: { status: outcome.status } };
    else if (outcome.status === 403) {
      showAlert(alertBox, wt(page.current(), 'ws.error.forbidden.title'), outcome.problem?.detail ?? '');
      alertBox.focus();
      return true;
    } else return false;
    renderNotice(page.current());
    alertBox.focus();
    return true;
  },
};

const SECTION_FACTORIES: Record<string, (root: HTMLElement, ctx: WorkspaceContext) => WorkspaceSection> = {
  'ws-progress': progressSection,
  'ws-visits': visitsSection,
  'ws-imports': importsSection,
  'ws-lists': listsSection,
  'ws-reviews': reviewsSection,
  'ws-escalations': escalationsSection,
  'ws-negative': negativeListSection,
};
const sections = new Map<HTMLElement, WorkspaceSection>();
for (const element of document.querySelectorAll<HTMLElement>('main > section[data-nav]')) {
  const factory = SECTION_FACTORIES[element.id];
  if (factory) sections.set(element, factory(element.querySelector<HTMLElement>('.ws-body')!, context));
}

/** Sections this official may use: all for a county's task force; the read-only ones for a coordinator. */
function visibleSections(): HTMLElement[] {
  const official = session.official;
  if (!official) return [];
  const role = official.claims.role;
  if (role !== 'task_force' && role !== 'regulator') return [];
  const countyLevel = context.county() !== undefined;
  return [...sections.keys()].filter((element) => {
    if (element.hasAttribute('data-county-only')) return countyLevel;
    // The county's lists, reviews, escalations and negative list are the task forces' (a regulator follows progress only).
    if (element.id !== 'ws-progress') return role === 'task_force';
    return true;
  });
}

function renderNotice(language: Language): void {
  if (notice) showAlert(alertBox, wt(language, notice.title, notice.params), wt(language, notice.detail, notice.params));
  else hideAlert(alertBox);
}

function renderIdentity(language: Language): void {
  const official = session.official;
  byId('signin').hidden = official !== undefined || !session.configured;
  byId('identity').hidden = official === undefined;
  if (!official) return;
  const { claims } = official;
  byId('identity-name').textContent = claims.name ?? claims.account ?? '';
  const role = claims.role ?? '';
  byId('identity-role').textContent = isWorkspaceKey(`ws.role.${role}`) ? wt(language, `ws.role.${role}` as WorkspaceKey) : role;
  const jurisdiction = jurisdictionOf(official);
  byId('identity-jurisdiction').textContent = `${countyLabel(jurisdiction, language)} (${jurisdiction})`;
  const visible = visibleSections();
  byId('identity-mode').textContent = wt(language, visible.length === 0 ? 'ws.mode.none' : context.county() ? 'ws.mode.county' : 'ws.mode.coordinator');
}

function renderNav(language: Language, visible: readonly HTMLElement[]): void {
  const nav = byId('ws-nav');
  nav.hidden = visible.length === 0;
  nav.querySelector('ul')!.replaceChildren(
    ...visible.map((element) => h('li', {}, h('a', { href: `#${element.id}` }, wt(language, element.dataset.nav as WorkspaceKey)))),
  );
}

function render(language: Language): void {
  for (const element of document.querySelectorAll<HTMLElement>('[data-ws]')) {
    const key = element.dataset.ws ?? '';
    if (isWorkspaceKey(key)) element.textContent = wt(language, key);
  }
  if (!signinButton.hasAttribute('aria-disabled')) signinButton.textContent = wt(language, 'ws.signin.submit');
  renderNotice(language);
  renderIdentity(language);
  const visible = visibleSections();
  renderNav(language, visible);
  for (const [element, section] of sections) {
    element.hidden = !visible.includes(element);
    if (!element.hidden) section.render(language);
  }
}

function failed(failure: SessionFailure): void {
  switch (failure.kind) {
    case 'not-configured':
      notice = { title: 'ws.error.config.title', detail: 'ws.error.config.detail' };
      break;
    case 'network':
      notice = { title: 'ws.error.network.title', detail: 'ws.error.network.detail' };
      break;
    case 'expired':
      notice = { title: 'ws.error.expired.title', detail: 'ws.error.expired.detail' };
      break;
    case 'signin-failed':
      notice = { title: 'ws.error.signin.title', detail: 'ws.error.signin.detail', params: { error: failure.error } };
      break;
  }
  render(page.current());
  alertBox.focus();
}

const session = new OfficialSession({
  signedIn(official, renewed) {
    if (renewed) return;
    notice = undefined;
    // The jurisdiction's names (for the identity card and the progress table).
    void loadProvince(jurisdictionOf(official)).then(() => render(page.current()));
    render(page.current());
    for (const element of visibleSections()) sections.get(element)!.load();
    byId('identity-heading').focus();
  },
  failed,
});

const page = setupLanguage((language) => {
  translate(document, language);
  render(language);
});

signinButton.addEventListener('click', () => {
  if (!session.configured || signinButton.getAttribute('aria-disabled') === 'true') return;
  signinButton.setAttribute('aria-disabled', 'true');
  signinButton.textContent = wt(page.current(), 'ws.signin.busy');
  void session.signIn(page.current()).catch(() => {
    signinButton.removeAttribute('aria-disabled');
    failed({ kind: 'network' });
  });
});

byId('signout').addEventListener('click', () => {
  session.signOut(page.current());
  notice = undefined;
  render(page.current());
  byId('signin-heading').focus();
});

void session.start(page.current()).then(() => render(page.current()));
