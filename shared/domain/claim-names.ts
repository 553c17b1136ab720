// The default names of the claims that carry an official's role and jurisdiction (Cognito's custom
// attributes; a stage may name others: ./claims.ts). No imports: the pages read tokens with them.
export const JURISDICTION_CLAIM = 'custom:jurisdiction';
export const ROLE_CLAIM = 'custom:role';
