// The official's ID token on the page: its payload decoded for display only (name, role,
// jurisdiction, account, expiry). The API's authorizer verifies the token (signature, issuer,
// audience, expiry), and the server decides what the caller may see.
// Pure functions (atob and TextDecoder exist in browsers and in Node).
import { JURISDICTION_CLAIM, ROLE_CLAIM } from '../../shared/domain/claim-names';

export interface TokenClaims {
  /** The `custom:jurisdiction` claim (or `jurisdiction`), when it is a string. */
  jurisdiction?: string;
  role?: string;
  /** The official's name (`name`). */
  name?: string;
  /** `email`, `preferred_username` or `cognito:username`, else `sub`: what to show as the account. */
  account?: string;
  /** From `exp` (seconds since the epoch). */
  expiresAt?: Date;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Base64url (no padding needed) to UTF-8 text; undefined when it is not. */
function base64UrlText(segment: string): string | undefined {
  if (!SEGMENT.test(segment) || segment.length % 4 === 1) return undefined;
  try {
    const binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(segment.length / 4) * 4, '='));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function jsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The payload of a compact JWS (`header.payload.signature`, all base64url, header and payload JSON
 * objects), without checking the signature; undefined for anything else (including unsigned tokens
 * with an empty signature part, which the server refuses anyway).
 */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !SEGMENT.test(part))) return undefined;
  const header = jsonObject(base64UrlText(parts[0]!));
  if (!header || typeof header.alg !== 'string') return undefined;
  return jsonObject(base64UrlText(parts[1]!));
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** The claims the page shows; undefined when the token cannot be decoded. */
export function tokenClaims(token: string): TokenClaims | undefined {
  const payload = decodeJwtPayload(token);
  if (!payload) return undefined;
  const claims: TokenClaims = {};
  const jurisdiction = text(payload[JURISDICTION_CLAIM]) ?? text(payload.jurisdiction);
  if (jurisdiction !== undefined) claims.jurisdiction = jurisdiction;
  const role = text(payload[ROLE_CLAIM]) ?? text(payload.role);
  if (role !== undefined) claims.role = role;
  const name = text(payload.name);
  if (name !== undefined) claims.name = name;
  const account = text(payload.email) ?? text(payload.preferred_username) ?? text(payload['cognito:username']) ?? text(payload.sub);
  if (account !== undefined) claims.account = account;
  if (typeof payload.exp === 'number' && Number.isFinite(payload.exp)) {
    const expiresAt = new Date(payload.exp * 1000);
    if (!Number.isNaN(expiresAt.getTime())) claims.expiresAt = expiresAt;
  }
  return claims;
}

/** True when the token says it has expired by `now` (the server decides; this is for display). */
export function isExpired(claims: TokenClaims, now: Date): boolean {
  return claims.expiresAt !== undefined && claims.expiresAt.getTime() <= now.getTime();
}
