// A regulator's identity as the API sees it: claims of a JWT verified by API Gateway (Cognito user
// pool in AWS, the local issuer locally). Cognito names custom attributes `custom:<name>`.
export const JURISDICTION_CLAIM = 'custom:jurisdiction';
export const ROLE_CLAIM = 'custom:role';
export const REGULATOR_ROLE = 'regulator';

export interface Regulator {
  subject: string;
  jurisdiction: string;
}

/** The regulator behind verified claims, or undefined when the claims do not make one. */
export function regulatorFromClaims(claims: Record<string, unknown> | undefined | null): Regulator | undefined {
  if (!claims) return undefined;
  const jurisdiction = claims[JURISDICTION_CLAIM] ?? claims.jurisdiction;
  const role = claims[ROLE_CLAIM] ?? claims.role;
  const subject = claims.sub;
  if (typeof jurisdiction !== 'string' || !/^\d{6}$/.test(jurisdiction)) return undefined;
  if (role !== REGULATOR_ROLE || typeof subject !== 'string' || subject === '') return undefined;
  return { subject, jurisdiction };
}
