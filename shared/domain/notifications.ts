// Telling the enterprise by SMS that something happened to its need: recommended (or not), accepted
// by a bank, declined by one, granted, unmatched. The needs table's stream feeds the notifier (a
// pipe, lib/notifications.ts) each change of a need with its old and new images; the timeline
// entries the change appended say what happened. A notice is a template (shared/domain/sms.ts) with
// a status link and nothing else: no name, no bank, no amount.
//
// The link carries a notice token of its own, not the owner's tracking token: issuing a tracking
// token would end the one on the receipt (a token is stored only as a hash, so it cannot be sent
// again). The need keeps the hashes of its newest NOTICE_TOKENS_KEPT notice tokens, so an older SMS
// still opens the page; a recovery through status links drops them all, as it ends the old tracking
// token (shared/adapters/status-link-store.ts). shared/adapters/tracking-token.ts tokenOpensNeed
// accepts either.
//
// Sending never holds up or fails the workflow: the notifier runs beside it, on the stream; the
// message goes to send-sms asynchronously (retries, a dead-letter queue, SmsFailed). A stream record
// delivered twice sends nothing twice: each notice runs once per key (Powertools idempotency).
import type { SmsMessage, SmsTemplateId } from './sms';
import type { TimelineCode, TimelineEntry } from './timeline-schema';

/**
 * The timeline codes the owner is told of, and the template of each. Extension point: a code added
 * to the timeline (e.g. issue 8's task force taking the need up, `task_force_*`) is announced by
 * adding its template to SMS_TEMPLATES and its line here; a key that is no timeline code does not
 * compile. `not_recommended` is told too, although the issue lists only the others: the owner can
 * amend the need, and nothing else would tell them.
 */
export const NOTICE_TEMPLATES = {
  recommended: 'need_recommended',
  not_recommended: 'need_not_recommended',
  accepted: 'need_accepted',
  declined: 'need_declined',
  granted: 'need_granted',
  unmatched: 'need_unmatched',
  // The county task force acted on the need's escalation (escalation.ts): every action appends this first.
  task_force_taken_up: 'need_taken_up',
  // Needs from visits (visit-need.ts): the need waits for the owner's consent, asked for by SMS.
  awaiting_consent: 'need_awaiting_consent',
  // The task force's review (review.ts): returned for more information, or decided (recommended or not: the page says which).
  returned: 'need_returned',
  review_decided: 'need_reviewed',
} as const satisfies Partial<Record<TimelineCode, SmsTemplateId>>;

/** How many notice tokens a need keeps (the newest): the links of older notices stop working. */
export const NOTICE_TOKENS_KEPT = 3;

/**
 * How long a notice's key is remembered: longer than the stream keeps a record (24 hours), so no
 * redelivery or redrive from the stream sends it again.
 */
export const NOTICE_KEY_SECONDS = 48 * 60 * 60;

/** What the notifier reads of a need's image on the stream. */
export interface NeedImage {
  needId: string;
  contact?: { mobile?: unknown };
  timeline?: readonly TimelineEntry[];
}

export interface Notice {
  /** Once per key: the need, the entry's place and time on the timeline, and its code. */
  key: string;
  needId: string;
  to: string;
  template: SmsTemplateId;
}

/**
 * A number the SMS port takes (11 digits, as the form normalised it); an erased or withdrawn need's
 * contact holds a marker or nothing. (No schema here: the status API imports this module's constant
 * and bundles no schema library.)
 */
const SENDABLE_MOBILE = /^1\d{10}$/;

const noticeKey = (needId: string, index: number, entry: { at: string; code: string }) => `notice#${needId}#${index}#${entry.at}#${entry.code}`;

/**
 * The notice a change of a need calls for: for the newest entry the change appended whose code is
 * told (one SMS per change: when a write appends several, e.g. a decline and then "unmatched", the
 * status link shows them all). None for a need without a mobile number (erased, withdrawn).
 */
export function noticesFor(before: NeedImage | undefined, after: NeedImage): Notice[] {
  const mobile = after.contact?.mobile;
  if (typeof mobile !== 'string' || !SENDABLE_MOBILE.test(mobile)) return [];
  const timeline = after.timeline ?? [];
  const known = before?.timeline?.length ?? 0;
  for (let index = timeline.length - 1; index >= known; index--) {
    const entry = timeline[index]!;
    if (!('code' in entry) || !Object.hasOwn(NOTICE_TEMPLATES, entry.code)) continue;
    const template = NOTICE_TEMPLATES[entry.code as keyof typeof NOTICE_TEMPLATES];
    return [{ key: noticeKey(after.needId, index, entry), needId: after.needId, to: mobile, template }];
  }
  return [];
}

/** The need's notice-token hashes once `added` joins them: the newest NOTICE_TOKENS_KEPT. */
export function keptNoticeTokens(existing: readonly string[] | undefined, added: string): string[] {
  return [...(existing ?? []), added].slice(-NOTICE_TOKENS_KEPT);
}

export type NoticeOutcome = 'handed_off' | 'gone';

export interface NoticeDeps {
  issueNoticeToken(): { token: string; hash: string };
  /**
   * Adds the hash to the need's notice tokens (keptNoticeTokens) while the need still has this
   * mobile number; 'gone' when it has not (erased or withdrawn since the change): nothing is sent.
   */
  keepNoticeToken(needId: string, mobile: string, hash: string): Promise<'kept' | 'gone'>;
  /** Hands the message to the sender, asynchronously. */
  handOff(message: SmsMessage): Promise<void>;
  statusUrl(needId: string, token: string): string;
}

/**
 * Sends one notice: a fresh notice token on the need, then the message with its link. The caller
 * runs it once per `notice.key` (a repeat must answer what the first run answered, sending nothing).
 */
export async function deliverNotice(deps: NoticeDeps, notice: Notice): Promise<NoticeOutcome> {
  const token = deps.issueNoticeToken();
  if ((await deps.keepNoticeToken(notice.needId, notice.to, token.hash)) === 'gone') return 'gone';
  await deps.handOff({ to: notice.to, template: notice.template, params: { link: deps.statusUrl(notice.needId, token.token) } });
  return 'handed_off';
}
