// SMS notices (shared/domain/notifications.ts): which changes of a need call for one, what the
// message says (a template with the status link and nothing personal, within two SMS segments),
// the key that makes a replayed change send nothing twice, the notice tokens a need keeps, and the
// token check the status API uses (shared/adapters/tracking-token.ts).
import { describe, expect, it } from 'vitest';
import { ERASED_MARKER } from '../../shared/domain/data-retention';
import { statusPageUrl } from '../../shared/domain/need-record';
import {
  deliverNotice,
  keptNoticeTokens,
  NOTICE_TEMPLATES,
  NOTICE_TOKENS_KEPT,
  noticesFor,
  type NeedImage,
  type NoticeDeps,
} from '../../shared/domain/notifications';
import { renderSms, SMS_TEMPLATES, type SmsMessage } from '../../shared/domain/sms';
import { timelineEntry, type TimelineEntry } from '../../shared/domain/timeline';
import { hashTrackingToken, issueNoticeToken, issueTrackingToken, tokenOpensNeed } from '../../shared/adapters/tracking-token';

const NEED_ID = '01JCDXQ7Z3M8Y4N5P6R7S8T9VW';
const MOBILE = '13912345678';
const bank = { zh: '西湖测试银行', en: 'West Lake Test Bank' };
const at = (minute: number) => `2026-12-01T02:${String(minute).padStart(2, '0')}:00.000Z`;

const submitted = timelineEntry('submitted', at(0), 'submitted');
/** Every code, as the workflow and the owner's actions write it. */
const ENTRIES: TimelineEntry[] = [
  timelineEntry('screening', at(1), 'screening'),
  timelineEntry('recommended', at(1), 'recommended'),
  timelineEntry('not_recommended', at(1), 'not_recommended', { reasons: ['genuine_need'] }),
  timelineEntry('offered', at(1), 'offered'),
  timelineEntry('bank_deadline_missed', at(2), 'recommended', { bank }),
  timelineEntry('bank_unavailable', at(2), 'recommended', { bank }),
  timelineEntry('accepted', at(3), 'accepted', { bank }),
  timelineEntry('declined', at(3), 'recommended', { bank, reasonCode: 'insufficient_collateral', repairable: true }),
  timelineEntry('granted', at(4), 'granted', { bank, amountYuan: 480_000, annualRateBp: 385, termMonths: 12 }),
  timelineEntry('disbursed', at(5), 'disbursed', { bank, amountYuan: 480_000 }),
  timelineEntry('unmatched', at(5), 'unmatched'),
  timelineEntry('routing_failed', at(5), 'recommended'),
  timelineEntry('amended', at(6), 'submitted', { fields: ['/need/amountYuan'] }),
  timelineEntry('withdrawn', at(6), 'withdrawn'),
  timelineEntry('task_force_taken_up', at(6), 'unmatched'),
  timelineEntry('task_force_amended', at(6), 'submitted', { fields: ['/need/amountYuan'], agreement: 'phone' }),
  timelineEntry('task_force_handed_to_bank', at(6), 'submitted'),
  timelineEntry('task_force_resolved_offline', at(6), 'unmatched'),
  timelineEntry('task_force_closed', at(6), 'unmatched', { outcome: 'no_longer_needed' }),
  timelineEntry('entered_from_visit', at(6), 'submitted'),
  timelineEntry('awaiting_consent', at(6), 'awaiting_consent'),
  timelineEntry('in_review', at(6), 'in_review', { workingDays: 5, dueAt: at(7) }),
  timelineEntry('returned', at(7), 'returned', { needed: ['revenue_evidence'] }),
  timelineEntry('review_decided', at(8), 'recommended', { decision: 'recommend', reasons: [] }),
  timelineEntry('consent_confirmed', at(6), 'submitted'),
  { at: at(7), status: 'granted', note: '已获批 / Granted' },
];

const need = (timeline: readonly TimelineEntry[], mobile: unknown = MOBILE): NeedImage => ({ needId: NEED_ID, contact: { name: '王丽', mobile } as { mobile?: unknown }, timeline });
/** The change that appends `added` to a need that had `before`. */
const change = (added: readonly TimelineEntry[], before: readonly TimelineEntry[] = [submitted]) => noticesFor(need(before), need([...before, ...added]));

describe('noticesFor', () => {
  it('tells the owner of a recommendation or not, an acceptance, a decline, a grant, no match and a need awaiting its consent, and of nothing else', () => {
    const told = ENTRIES.filter((entry) => change([entry]).length === 1).map((entry) => ('code' in entry ? entry.code : 'note'));
    // And of the task force's review: returned for more information, or decided (not of the wait itself).
    expect(told).toEqual(['recommended', 'not_recommended', 'accepted', 'declined', 'granted', 'unmatched', 'task_force_taken_up', 'awaiting_consent', 'returned', 'review_decided']);
    expect(Object.keys(NOTICE_TEMPLATES).sort()).toEqual([...told].sort());
    expect(change([ENTRIES[6]!])).toEqual([{ key: expect.any(String), needId: NEED_ID, to: MOBILE, template: 'need_accepted' }]);
  });

  it('asks the owner of a need entered from a visit without consent to confirm it, from the inserted item (no old image)', () => {
    expect(noticesFor(undefined, need([timelineEntry('awaiting_consent', at(0), 'awaiting_consent')]))).toEqual([
      { key: expect.any(String), needId: NEED_ID, to: MOBILE, template: 'need_awaiting_consent' },
    ]);
    // Entered with a signed paper consent: nothing to confirm; the recommendation is told as for any need.
    expect(noticesFor(undefined, need([timelineEntry('entered_from_visit', at(0), 'submitted')]))).toEqual([]);
  });

  it('looks only at the entries the change appended', () => {
    const recommended = timelineEntry('recommended', at(1), 'recommended');
    const offered = timelineEntry('offered', at(1), 'offered');
    // The recommendation was told when it was written; the offer that follows is not told.
    expect(change([offered], [submitted, recommended])).toEqual([]);
    // A change that appended nothing (a notice token kept, the status rewritten) tells nothing.
    expect(noticesFor(need([submitted, recommended]), need([submitted, recommended]))).toEqual([]);
    expect(change([timelineEntry('screening', at(1), 'screening'), recommended, offered])).toEqual([expect.objectContaining({ template: 'need_recommended' })]);
  });

  it('sends one notice for a change that appended several, for the newest', () => {
    const declined = ENTRIES[7]!;
    const unmatched = timelineEntry('unmatched', at(3), 'unmatched');
    expect(change([declined, unmatched])).toEqual([expect.objectContaining({ template: 'need_unmatched' })]);
  });

  it('tells nobody when the need has no mobile number (erased, withdrawn)', () => {
    const accepted = ENTRIES[6]!;
    expect(noticesFor(need([submitted]), need([submitted, accepted], ERASED_MARKER))).toEqual([]);
    expect(noticesFor(need([submitted]), { ...need([submitted, accepted]), contact: {} })).toEqual([]);
    expect(noticesFor(need([submitted]), { needId: NEED_ID, timeline: [submitted, accepted] })).toEqual([]);
  });

  it('keys a notice by the need, the entry’s place and time, and its code: a replayed change has the same key, a later one another', () => {
    const declined = ENTRIES[7]!;
    const [first] = change([declined]);
    const [replayed] = change([declined]);
    expect(replayed!.key).toBe(first!.key);
    expect(first!.key).toBe(`notice#${NEED_ID}#1#${at(3)}#declined`);
    // The same code again later (a second bank declines): another notice.
    const offered = timelineEntry('offered', at(4), 'offered');
    const [second] = change([timelineEntry('declined', at(8), 'recommended', { bank, reasonCode: 'other', repairable: false })], [submitted, declined, offered]);
    expect(second!.key).not.toBe(first!.key);
    // No personal data in the key: it is stored (hashed) by the idempotency layer.
    expect(first!.key).not.toContain(MOBILE);
  });

  it('reads a need from before stream images had an old timeline (insert, or none) as new throughout', () => {
    expect(noticesFor(undefined, need([submitted, timelineEntry('recommended', at(1), 'recommended')]))).toHaveLength(1);
  });
});

/** Segments of a text message: 160/153 GSM-7 characters, or 70/67 UCS-2 ones (any Chinese character). */
function segments(text: string): number {
  const gsm = /^[\x20-\x7e\n\r]*$/.test(text);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  return text.length <= single ? 1 : Math.ceil(text.length / part);
}

describe('notice templates', () => {
  // The budget docs/sms.md states: a signature of up to 6 characters in 【】, a web origin of up to
  // 29 characters (https:// and a 21-character host), a 26-character need id, a 128-bit token.
  const origin = `https://${'x'.repeat(18)}.cn`;
  const link = statusPageUrl(origin, NEED_ID, issueNoticeToken().token);
  const signature = '【小微融资服务】';

  it('hold the status link and nothing else: no name, no bank, no amount, no number', () => {
    expect(origin).toHaveLength(29);
    for (const template of Object.values(NOTICE_TEMPLATES)) {
      expect(SMS_TEMPLATES[template].params).toEqual(['link']);
      const text = renderSms({ template, params: { link } });
      expect(text.endsWith(link)).toBe(true);
      const fixed = text.slice(0, -link.length);
      expect(fixed).toMatch(/^[\u4e00-\u9fff，：]+$/);
      expect(fixed).not.toMatch(/\d/);
    }
  });

  it('fit two SMS segments with the longest signature and web origin documented', () => {
    for (const template of Object.values(NOTICE_TEMPLATES)) {
      const text = signature + renderSms({ template, params: { link } });
      expect(`${template}: ${segments(text)} segments (${text.length} characters)`).toBe(`${template}: 2 segments (${text.length} characters)`);
    }
    // One character more of origin and the longest ones need a third.
    const longer = statusPageUrl(`${origin}x`, NEED_ID, issueNoticeToken().token);
    expect(Math.max(...Object.values(NOTICE_TEMPLATES).map((template) => segments(signature + renderSms({ template, params: { link: longer } }))))).toBe(3);
  });

  it('are Chinese only, while the status code stays bilingual', () => {
    expect(renderSms({ template: 'need_granted', params: { link } })).toBe(`您的融资需求已获银行批准，查看详情：${link}`);
    expect(renderSms({ template: 'status_code', params: { code: '123456', minutes: '10' } })).toMatch(/^您查看.+ Your code .+123456/);
  });
});

describe('deliverNotice', () => {
  function deps(keep: 'kept' | 'gone') {
    const sent: SmsMessage[] = [];
    const kept: { needId: string; mobile: string; hash: string }[] = [];
    const issued: string[] = [];
    const value: NoticeDeps = {
      issueNoticeToken: () => {
        const token = issueNoticeToken();
        issued.push(token.token);
        return token;
      },
      keepNoticeToken: async (needId, mobile, hash) => {
        kept.push({ needId, mobile, hash });
        return keep;
      },
      handOff: async (message) => void sent.push(message),
      statusUrl: (needId, token) => statusPageUrl('https://xw.example.cn', needId, token),
    };
    return { value, sent, kept, issued };
  }
  const [notice] = change([ENTRIES[8]!]);

  it('keeps a fresh notice token’s hash on the need, then hands off the template with a link holding that token', async () => {
    const d = deps('kept');
    expect(await deliverNotice(d.value, notice!)).toBe('handed_off');
    expect(d.issued).toHaveLength(1);
    expect(d.kept).toEqual([{ needId: NEED_ID, mobile: MOBILE, hash: hashTrackingToken(d.issued[0]!) }]);
    expect(d.sent).toEqual([{ to: MOBILE, template: 'need_granted', params: { link: statusPageUrl('https://xw.example.cn', NEED_ID, d.issued[0]!) } }]);
    // At least 128 random bits.
    expect(Buffer.from(d.issued[0]!, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it('sends nothing when the need no longer has that mobile number', async () => {
    const d = deps('gone');
    expect(await deliverNotice(d.value, notice!)).toBe('gone');
    expect(d.sent).toEqual([]);
  });
});

describe('notice tokens and the token check', () => {
  it('keep the newest three', () => {
    expect(keptNoticeTokens(undefined, 'a')).toEqual(['a']);
    expect(keptNoticeTokens(['a', 'b', 'c'], 'd')).toEqual(['b', 'c', 'd']);
    expect(NOTICE_TOKENS_KEPT).toBe(3);
  });

  it('open a need with its tracking token or a live notice token, and not with a dropped or foreign one', () => {
    const tracking = issueTrackingToken();
    const notices = Array.from({ length: 4 }, () => issueNoticeToken());
    let hashes: string[] | undefined;
    for (const notice of notices) hashes = keptNoticeTokens(hashes, notice.hash);
    const record = { trackingTokenHash: tracking.hash, noticeTokenHashes: hashes };

    expect(tokenOpensNeed(tracking.token, record)).toBe(true);
    for (const live of notices.slice(1)) expect(tokenOpensNeed(live.token, record)).toBe(true);
    // The oldest was pushed out by the fourth notice.
    expect(tokenOpensNeed(notices[0]!.token, record)).toBe(false);
    expect(tokenOpensNeed(issueNoticeToken().token, record)).toBe(false);
    // A hash is no token.
    expect(tokenOpensNeed(tracking.hash, record)).toBe(false);
    // A recovery drops them all (the store removes the list) and replaces the tracking token.
    const recovered = issueTrackingToken();
    const afterRecovery = { trackingTokenHash: recovered.hash };
    for (const notice of notices) expect(tokenOpensNeed(notice.token, afterRecovery)).toBe(false);
    expect(tokenOpensNeed(tracking.token, afterRecovery)).toBe(false);
    expect(tokenOpensNeed(recovered.token, afterRecovery)).toBe(true);
    // Empty notice slots match nothing, not even a token whose hash would be empty.
    expect(tokenOpensNeed('', { trackingTokenHash: tracking.hash, noticeTokenHashes: [] })).toBe(false);
  });
});
