// Finding a need again without its link: the owner gives the need's credit code and mobile number;
// when an open or recently closed need matches, a 6-digit one-time code goes to that mobile by SMS;
// the code (with the same two) opens the status page with a fresh tracking token, and the earlier
// token stops working. Nothing in the answers says whether a need exists: a request is answered 202
// with one body whatever matched, and does the same reads, one write and one message hand-off
// either way. Guessing is bounded: a code lasts 10 minutes and 5 wrong tries, and requests are
// limited per mobile and per credit code.
import * as z from 'zod';
import { contactSchema, enterpriseSchema } from './need';
import { OPEN_STATUSES, type NeedRecord } from './need-record';
import type { SmsMessage } from './sms';

export const STATUS_LINK_RULES = {
  codeDigits: 6,
  codeSeconds: 10 * 60,
  maxWrongTries: 5,
  /** A need closed this many days ago or less can still be found. */
  recentDays: 90,
  /** Code requests, counted per mobile and per credit code in each window. */
  requestLimits: [
    { windowSeconds: 10 * 60, max: 3 },
    { windowSeconds: 24 * 60 * 60, max: 10 },
  ],
  /** Verification attempts, counted the same way (on top of the 5 tries per code). */
  verifyLimits: [
    { windowSeconds: 10 * 60, max: 10 },
    { windowSeconds: 24 * 60 * 60, max: 30 },
  ],
} as const;

export const statusLinkRequestSchema = z
  .strictObject({ creditCode: enterpriseSchema.shape.creditCode, mobile: contactSchema.shape.mobile })
  .meta({ title: 'Find a need again: its credit code and the mobile number given with it' });

export const statusLinkVerifySchema = z
  .strictObject({
    creditCode: enterpriseSchema.shape.creditCode,
    mobile: contactSchema.shape.mobile,
    code: z.string({ error: 'status_link.code' }).trim().regex(/^\d{6}$/, { error: 'status_link.code' }).meta({ example: '123456' }),
  })
  .meta({ title: 'The one-time code sent by SMS, with the credit code and mobile it was asked for' });

/** The one answer to every code request that is not refused (whether or not a need matched). */
export const statusLinkAcceptedSchema = z
  .strictObject({ status: z.literal('accepted'), message: z.strictObject({ zh: z.string(), en: z.string() }) })
  .meta({ title: 'StatusLinkAccepted' });

export const statusLinkVerifiedSchema = z
  .strictObject({
    needId: z.string(),
    statusUrl: z.string().meta({ description: 'The status page with a fresh tracking token in the fragment; the earlier token stops working' }),
  })
  .meta({ title: 'StatusLinkVerified' });

export const STATUS_LINK_ACCEPTED: z.output<typeof statusLinkAcceptedSchema> = {
  status: 'accepted',
  message: {
    zh: '如果信息与一条进行中或近期的融资需求相符，我们已向该手机号发送 6 位验证码，10 分钟内有效。',
    en: 'If these match an open or recent financing need, a 6-digit code is on its way to that mobile, valid 10 minutes.',
  },
};

export type StatusLinkVerified = z.output<typeof statusLinkVerifiedSchema>;
export type StatusLinkRequest = z.output<typeof statusLinkRequestSchema>;
export type StatusLinkVerification = z.output<typeof statusLinkVerifySchema>;

/** One counting window of one limit: the store adds 1 unless `max` is reached. */
export interface RateWindow {
  /** Opaque, without personal data: a hash of what is counted, the kind of request and the window. */
  key: string;
  max: number;
  /** When the window ends (the Retry-After of a refusal). */
  endsAt: Date;
}

export interface StoredCode {
  codeHash: string;
  expiresAt: string;
  wrongTries: number;
}

/** What finding a need again needs from the store. */
export interface StatusLinkStore {
  /** The need most recently declared under the credit code (or the open one), or undefined. */
  latestNeed(creditCode: string): Promise<Pick<NeedRecord, 'needId' | 'status' | 'updatedAt' | 'contact'> | undefined>;
  /**
   * One write: adds 1 to every window (refused whole, with the windows that were full, when any is
   * full) and, with `code`, replaces the need's code (wrong tries back to 0).
   */
  count(windows: readonly RateWindow[], now: Date, code?: { needId: string; codeHash: string; expiresAt: Date }): Promise<{ ok: true } | { ok: false; full: RateWindow[] }>;
  getCode(needId: string): Promise<StoredCode | undefined>;
  /** Counts a wrong try of this code (no-op when the code was replaced meanwhile). */
  recordWrongTry(needId: string, codeHash: string): Promise<void>;
  /**
   * The code is used up and the need answers to the new token hash (and no longer to the notice
   * tokens of earlier SMS notices), in one transaction conditional on the code being this one,
   * unexpired and under the tries; 'gone' when it was not.
   */
  redeem(needId: string, codeHash: string, trackingTokenHash: string, now: Date): Promise<'redeemed' | 'gone'>;
}

export interface StatusLinkDeps {
  store: StatusLinkStore;
  /** Hands a message to the sender (asynchronously); `undefined` hands over nothing, at the same cost. */
  handOff(message: SmsMessage | undefined): Promise<void>;
  /** A keyed one-way hash (for codes and for the counted values: no personal data in keys). */
  hash(value: string): string;
  newCode(): string;
  issueTrackingToken(): { token: string; hash: string };
}

export type Limited = { kind: 'limited'; retryAfterSeconds: number };

/** The windows a request from these two values counts in (per mobile and per credit code). */
export function rateWindows(
  hash: (value: string) => string,
  kind: 'request' | 'verify',
  values: { creditCode: string; mobile: string },
  now: Date,
): RateWindow[] {
  const limits = kind === 'request' ? STATUS_LINK_RULES.requestLimits : STATUS_LINK_RULES.verifyLimits;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return (['mobile', 'creditCode'] as const).flatMap((scope) =>
    limits.map(({ windowSeconds, max }) => {
      const start = nowSeconds - (nowSeconds % windowSeconds);
      return { key: `${kind}#${scope}#${windowSeconds}#${start}#${hash(`${scope}:${values[scope]}`)}`, max, endsAt: new Date((start + windowSeconds) * 1000) };
    }),
  );
}

function limited(full: readonly RateWindow[], now: Date): Limited {
  const latest = Math.max(...full.map((window) => window.endsAt.getTime()));
  return { kind: 'limited', retryAfterSeconds: Math.max(1, Math.ceil((latest - now.getTime()) / 1000)) };
}

/** An open need, or one closed (its last change) at most `recentDays` ago. */
export function findable(need: Pick<NeedRecord, 'status' | 'updatedAt'>, now: Date): boolean {
  if (OPEN_STATUSES.has(need.status)) return true;
  return now.getTime() - Date.parse(need.updatedAt) <= STATUS_LINK_RULES.recentDays * 86_400_000;
}

const codeHashOf = (deps: Pick<StatusLinkDeps, 'hash'>, needId: string, code: string) => deps.hash(`code:${needId}:${code}`);

/** POST /v1/status-links: 'accepted' whatever matched, or limited. */
export async function requestStatusLink(deps: StatusLinkDeps, input: StatusLinkRequest, now: Date): Promise<{ kind: 'accepted' } | Limited> {
  const need = await deps.store.latestNeed(input.creditCode);
  const match = need && need.contact.mobile === input.mobile && findable(need, now) ? need : undefined;
  const code = match ? deps.newCode() : undefined;
  const counted = await deps.store.count(
    rateWindows(deps.hash, 'request', input, now),
    now,
    match && code
      ? { needId: match.needId, codeHash: codeHashOf(deps, match.needId, code), expiresAt: new Date(now.getTime() + STATUS_LINK_RULES.codeSeconds * 1000) }
      : undefined,
  );
  if (!counted.ok) return limited(counted.full, now);
  await deps.handOff(
    match && code ? { to: input.mobile, template: 'status_code', params: { code, minutes: String(STATUS_LINK_RULES.codeSeconds / 60) } } : undefined,
  );
  return { kind: 'accepted' };
}

/** POST /v1/status-links/verify: the need with a fresh tracking token, a refusal that says nothing more, or limited. */
export async function verifyStatusLink(
  deps: StatusLinkDeps,
  input: StatusLinkVerification,
  now: Date,
): Promise<{ kind: 'verified'; needId: string; trackingToken: string } | { kind: 'refused' } | Limited> {
  const counted = await deps.store.count(rateWindows(deps.hash, 'verify', input, now), now);
  if (!counted.ok) return limited(counted.full, now);
  const need = await deps.store.latestNeed(input.creditCode);
  if (!need || need.contact.mobile !== input.mobile) return { kind: 'refused' };
  const stored = await deps.store.getCode(need.needId);
  if (!stored || Date.parse(stored.expiresAt) <= now.getTime() || stored.wrongTries >= STATUS_LINK_RULES.maxWrongTries) return { kind: 'refused' };
  if (codeHashOf(deps, need.needId, input.code) !== stored.codeHash) {
    await deps.store.recordWrongTry(need.needId, stored.codeHash);
    return { kind: 'refused' };
  }
  const token = deps.issueTrackingToken();
  if ((await deps.store.redeem(need.needId, stored.codeHash, token.hash, now)) === 'gone') return { kind: 'refused' };
  return { kind: 'verified', needId: need.needId, trackingToken: token.token };
}
