// Tokens handed to enterprises, stored only as SHA-256 hashes (base64url):
// - the tracking token of the receipt (or of a recovery through status links): 256 random bits;
// - notice tokens, one in the link of each SMS notice (shared/domain/notifications.ts): 128 random
//   bits, so the link fits the SMS; the need keeps the newest few, and a recovery drops them.
// Either opens the need (tokenOpensNeed): the status API, and the owner's actions on the need.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NOTICE_TOKENS_KEPT } from '../domain/notifications';

export function issueTrackingToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashTrackingToken(token) };
}

export function issueNoticeToken(): { token: string; hash: string } {
  const token = randomBytes(16).toString('base64url');
  return { token, hash: hashTrackingToken(token) };
}

export function hashTrackingToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** The token hashes a need answers to, as the need item keeps them. */
export interface NeedTokens {
  trackingTokenHash: string;
  /** The newest notice tokens' hashes (absent before the first notice, and after a recovery). */
  noticeTokenHashes?: readonly string[];
}

/**
 * Whether a bearer token opens the need: its tracking token or one of its live notice tokens. The
 * same work whatever matches: every slot is compared (an empty one against nothing that can match),
 * in constant time, without stopping at the first match.
 */
export function tokenOpensNeed(token: string, need: NeedTokens): boolean {
  const presented = Buffer.from(hashTrackingToken(token));
  const slots = [need.trackingTokenHash, ...Array.from({ length: NOTICE_TOKENS_KEPT }, (_, i) => need.noticeTokenHashes?.at(-1 - i))];
  let opens = false;
  for (const slot of slots) {
    const stored = slot === undefined ? Buffer.alloc(presented.length) : Buffer.from(slot);
    const equal = stored.length === presented.length && timingSafeEqual(stored, presented);
    opens = (equal && slot !== undefined) || opens;
  }
  return opens;
}
