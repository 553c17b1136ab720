// Finding a need again (shared/domain/status-link.ts) over an in-memory store: what a match, a
// non-match, a wrong or expired code and the limits do, and that the answers and the work done
// never tell a match from a non-match.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NeedRecord } from '../../shared/domain/need-record';
import type { SmsMessage } from '../../shared/domain/sms';
import {
  requestStatusLink,
  STATUS_LINK_RULES,
  statusLinkRequestSchema,
  statusLinkVerifySchema,
  verifyStatusLink,
  type RateWindow,
  type StatusLinkDeps,
  type StatusLinkStore,
  type StoredCode,
} from '../../shared/domain/status-link';
import { freshCreditCode } from '../support/needs';

type Need = Pick<NeedRecord, 'needId' | 'status' | 'updatedAt' | 'contact'> & { trackingTokenHash: string };

class MemoryStore implements StatusLinkStore {
  readonly needs = new Map<string, Need>();
  readonly codes = new Map<string, StoredCode>();
  readonly windows = new Map<string, number>();
  /** Calls per method: the work a request does. */
  readonly calls: string[] = [];

  async latestNeed(creditCode: string) {
    this.calls.push('latestNeed');
    return this.needs.get(creditCode);
  }
  async count(windows: readonly RateWindow[], _now: Date, code?: { needId: string; codeHash: string; expiresAt: Date }) {
    this.calls.push('count');
    const full = windows.filter((w) => (this.windows.get(w.key) ?? 0) >= w.max);
    if (full.length > 0) return { ok: false as const, full };
    for (const w of windows) this.windows.set(w.key, (this.windows.get(w.key) ?? 0) + 1);
    if (code) this.codes.set(code.needId, { codeHash: code.codeHash, expiresAt: code.expiresAt.toISOString(), wrongTries: 0 });
    return { ok: true as const };
  }
  async getCode(needId: string) {
    this.calls.push('getCode');
    return this.codes.get(needId);
  }
  async recordWrongTry(needId: string, codeHash: string) {
    const code = this.codes.get(needId);
    if (code?.codeHash === codeHash) code.wrongTries++;
  }
  async redeem(needId: string, codeHash: string, trackingTokenHash: string, now: Date) {
    const code = this.codes.get(needId);
    if (!code || code.codeHash !== codeHash || code.wrongTries >= STATUS_LINK_RULES.maxWrongTries || Date.parse(code.expiresAt) <= now.getTime()) return 'gone' as const;
    this.codes.delete(needId);
    for (const need of this.needs.values()) if (need.needId === needId) need.trackingTokenHash = trackingTokenHash;
    return 'redeemed' as const;
  }
}

const T0 = new Date('2026-12-01T02:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function setUp(status: NeedRecord['status'] = 'offered', updatedAt = T0.toISOString()) {
  const store = new MemoryStore();
  const creditCode = freshCreditCode();
  store.needs.set(creditCode, { needId: '01NEED', status, updatedAt, contact: { name: '王丽', mobile: '13800138000' }, trackingTokenHash: 'old' });
  const sent: (SmsMessage | undefined)[] = [];
  let codes = 0;
  const deps: StatusLinkDeps = {
    store,
    handOff: async (message) => void sent.push(message),
    hash: (value) => createHash('sha256').update(`key:${value}`).digest('base64url'),
    newCode: () => String(123456 + codes++),
    issueTrackingToken: () => ({ token: `token-${codes}`, hash: `hash-${codes}` }),
  };
  return { store, deps, sent, creditCode, mobile: '13800138000' };
}

describe('requesting a code', () => {
  it('sends a 6-digit code to the mobile of an open need, and the code opens it with a fresh token', async () => {
    const { deps, sent, creditCode, mobile, store } = setUp();
    expect(await requestStatusLink(deps, { creditCode, mobile }, T0)).toEqual({ kind: 'accepted' });
    expect(sent).toEqual([{ to: mobile, template: 'status_code', params: { code: '123456', minutes: '10' } }]);
    const verified = await verifyStatusLink(deps, { creditCode, mobile, code: '123456' }, at(60));
    expect(verified).toEqual({ kind: 'verified', needId: '01NEED', trackingToken: 'token-1' });
    expect(store.needs.get(creditCode)!.trackingTokenHash).toBe('hash-1');
    // A code is used once.
    expect(await verifyStatusLink(deps, { creditCode, mobile, code: '123456' }, at(61))).toEqual({ kind: 'refused' });
  });

  it('answers a non-match exactly as a match, with the same work, and sends nothing', async () => {
    const cases = [
      { name: 'unknown credit code', change: (s: ReturnType<typeof setUp>) => ({ creditCode: freshCreditCode(), mobile: s.mobile }) },
      { name: 'another mobile', change: (s: ReturnType<typeof setUp>) => ({ creditCode: s.creditCode, mobile: '13900139000' }) },
    ];
    const matched = setUp();
    const matchAnswer = await requestStatusLink(matched.deps, { creditCode: matched.creditCode, mobile: matched.mobile }, T0);
    for (const { name, change } of cases) {
      const s = setUp();
      const answer = await requestStatusLink(s.deps, change(s), T0);
      expect(answer, name).toEqual(matchAnswer);
      expect(s.store.calls, name).toEqual(matched.store.calls);
      expect(s.sent, name).toEqual([undefined]);
      expect(s.store.codes.size, name).toBe(0);
    }
  });

  it('finds a need closed within 90 days, not one closed longer ago', async () => {
    const recent = setUp('granted', at(-89 * 86_400).toISOString());
    await requestStatusLink(recent.deps, { creditCode: recent.creditCode, mobile: recent.mobile }, T0);
    expect(recent.sent[0]?.template).toBe('status_code');
    const old = setUp('granted', at(-91 * 86_400).toISOString());
    await requestStatusLink(old.deps, { creditCode: old.creditCode, mobile: old.mobile }, T0);
    expect(old.sent).toEqual([undefined]);
  });

  it('limits requests per mobile and per credit code, with the time to wait, whether or not they match', async () => {
    const s = setUp();
    for (let i = 0; i < 3; i++) expect((await requestStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile }, at(i))).kind).toBe('accepted');
    const fourth = await requestStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile }, at(5));
    expect(fourth.kind).toBe('limited');
    // The 10-minute window began at 02:00:00: 595 s left at 02:00:05.
    expect(fourth).toEqual({ kind: 'limited', retryAfterSeconds: 595 });
    // Another credit code from the same mobile is limited too (per mobile) — and so is an unknown one.
    expect((await requestStatusLink(s.deps, { creditCode: freshCreditCode(), mobile: s.mobile }, at(6))).kind).toBe('limited');
    // The same credit code from other mobiles: limited per credit code.
    expect((await requestStatusLink(s.deps, { creditCode: s.creditCode, mobile: '13900139000' }, at(7))).kind).toBe('limited');
    // The next window opens again, until the day's limit of 10.
    expect((await requestStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile }, at(600))).kind).toBe('accepted');
    // A refused request wrote no code: the code sent last is still the one that works.
    expect(s.sent.filter(Boolean)).toHaveLength(4);
  });
});

describe('verifying a code', () => {
  it('ends a code after 5 wrong tries, even for the right code afterwards', async () => {
    const s = setUp();
    await requestStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile }, T0);
    for (let i = 0; i < 5; i++) expect(await verifyStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile, code: '000000' }, at(i + 1))).toEqual({ kind: 'refused' });
    expect(await verifyStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile, code: '123456' }, at(10))).toEqual({ kind: 'refused' });
  });

  it('refuses a code after 10 minutes', async () => {
    const s = setUp();
    await requestStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile }, T0);
    expect(await verifyStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile, code: '123456' }, at(600))).toEqual({ kind: 'refused' });
  });

  it('refuses the right code from another mobile, and a new request replaces the code', async () => {
    const s = setUp();
    await requestStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile }, T0);
    expect(await verifyStatusLink(s.deps, { creditCode: s.creditCode, mobile: '13900139000', code: '123456' }, at(1))).toEqual({ kind: 'refused' });
    await requestStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile }, at(2));
    expect(await verifyStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile, code: '123456' }, at(3))).toEqual({ kind: 'refused' });
    expect((await verifyStatusLink(s.deps, { creditCode: s.creditCode, mobile: s.mobile, code: '123457' }, at(4))).kind).toBe('verified');
  });

  it('bounds guessing: at most 10 verifications per 10 minutes per mobile and per credit code', async () => {
    const s = setUp();
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push((await verifyStatusLink(s.deps, { creditCode: freshCreditCode(), mobile: s.mobile, code: '000000' }, at(i))).kind);
    expect(answers.slice(0, 10).every((kind) => kind === 'refused')).toBe(true);
    expect(answers[10]).toBe('limited');
  });
});

describe('the request shapes', () => {
  it('normalise the credit code and mobile as the form does, and want a 6-digit code', () => {
    const creditCode = freshCreditCode();
    expect(statusLinkRequestSchema.parse({ creditCode: ` ${creditCode.toLowerCase()} `, mobile: '+86 138-0013-8000' })).toEqual({ creditCode, mobile: '13800138000' });
    expect(statusLinkVerifySchema.safeParse({ creditCode, mobile: '13800138000', code: '12345' }).success).toBe(false);
    expect(statusLinkVerifySchema.safeParse({ creditCode, mobile: '13800138000', code: '123456', extra: 1 }).success).toBe(false);
    expect(statusLinkRequestSchema.safeParse({ creditCode: creditCode.slice(0, 17) + (creditCode.endsWith('0') ? '1' : '0'), mobile: '13800138000' }).success).toBe(false);
  });
});
