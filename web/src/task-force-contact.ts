// The county task force's contact on the status page (need-status `taskForce`): a "need help?" card
// under the bank's, always there when the county has a contact loaded, and saying that the task
// force can help now where the owner needs a person (not recommended, no bank left).
import type { NeedStatus, NeedStatusResponse } from '../../shared/domain/need-record';
import type { TaskForceContact } from '../../shared/domain/task-force';
import { h } from './dom';
import { t, type Language } from './i18n';

/** Where no bank has the need and the owner needs a person. */
const NEEDS_A_PERSON: ReadonlySet<NeedStatus> = new Set(['not_recommended', 'unmatched']);

const CARD_ID = 'status-task-force';

/** The card's facts: office, phone (a tel: link), address, and the opening hours when known. */
function facts(contact: TaskForceContact, language: Language): HTMLElement[] {
  const fact = (label: string, value: Node | string) => h('div', {}, h('dt', {}, label), h('dd', {}, value));
  return [
    fact(t(language, 'status.taskForce.office'), contact.office[language]),
    fact(t(language, 'status.taskForce.phone'), h('a', { href: `tel:${contact.phone.replace(/[^\d+]/g, '')}` }, contact.phone)),
    fact(t(language, 'status.taskForce.address'), contact.address[language]),
    ...(contact.hours ? [fact(t(language, 'status.taskForce.hours'), contact.hours[language])] : []),
  ];
}

/**
 * Shows the need's task-force contact in a card placed after `after` (made once), or hides the card
 * when the need has none.
 */
export function renderTaskForce(need: Pick<NeedStatusResponse, 'status' | 'taskForce'>, after: HTMLElement, language: Language): void {
  let card = document.getElementById(CARD_ID);
  const contact = need.taskForce;
  if (!contact) {
    if (card) card.hidden = true;
    return;
  }
  if (!card) {
    card = h('section', { class: 'card', id: CARD_ID, 'aria-labelledby': `${CARD_ID}-heading` });
    after.after(card);
  }
  card.hidden = false;
  card.dataset.needsPerson = String(NEEDS_A_PERSON.has(need.status));
  card.replaceChildren(
    h('h2', { id: `${CARD_ID}-heading` }, t(language, 'status.taskForce')),
    h('p', {}, t(language, NEEDS_A_PERSON.has(need.status) ? 'status.taskForce.now' : 'status.taskForce.any')),
    h('dl', { class: 'facts' }, ...facts(contact, language)),
  );
}
