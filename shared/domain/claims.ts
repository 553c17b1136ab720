// An official's identity from the verified claims of an OpenID Connect token (ID or access token of
// the configured issuer). The claim names are per stage (IdentityConfig.roleClaim / jurisdictionClaim);
// the defaults are Cognito's custom attributes. Only the Lambda authorizer reads claims: the functions
// get `role`, `jurisdiction` and `sub` from its context. What the official may do is ./authorization.ts.
import { isRole, type Caller, type Role } from './authorization';
import { isJurisdiction } from './jurisdiction';

// The claim names live in a module of their own (nothing imported), so the pages can read tokens without the authorization rules.
export { JURISDICTION_CLAIM, ROLE_CLAIM } from './claim-names';
import { JURISDICTION_CLAIM, ROLE_CLAIM } from './claim-names';
export const REGULATOR_ROLE: Role = 'regulator';

export interface ClaimNames {
  role: string;
  jurisdiction: string;
}

export const DEFAULT_CLAIM_NAMES: ClaimNames = Object.freeze({ role: ROLE_CLAIM, jurisdiction: JURISDICTION_CLAIM });

/**
 * A claim by name: the literal key first (`custom:role`, `cognito:groups`), else a dotted path into
 * nested objects (`realm_access.roles`, as Keycloak puts realm roles).
 */
function claim(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The role: a known role as a string, or the one known role in a list of roles (two known roles are ambiguous: none). */
function roleOf(value: unknown): Role | undefined {
  if (isRole(value)) return value;
  if (!Array.isArray(value)) return undefined;
  const known = [...new Set(value.filter(isRole))];
  return known.length === 1 ? known[0] : undefined;
}

export type ClaimProblem = 'subject' | 'role' | 'jurisdiction';

/**
 * The official behind verified claims, or what is missing: a non-empty `sub`, a known role and a
 * current division code as the jurisdiction (exactly: no trimming, no full-width digits, no aliases).
 */
export function callerFromClaims(
  claims: Record<string, unknown> | undefined | null,
  names: ClaimNames = DEFAULT_CLAIM_NAMES,
): { ok: true; caller: Caller & { role: Role } } | { ok: false; problem: ClaimProblem } {
  if (!claims) return { ok: false, problem: 'subject' };
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject === '') return { ok: false, problem: 'subject' };
  const role = roleOf(claim(claims, names.role));
  if (!role) return { ok: false, problem: 'role' };
  const jurisdiction = claim(claims, names.jurisdiction);
  if (!isJurisdiction(jurisdiction)) return { ok: false, problem: 'jurisdiction' };
  return { ok: true, caller: { subject, role, jurisdiction } };
}
