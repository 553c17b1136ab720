// The local OpenID Provider's signing keys (kept in the data folder, so tokens and sessions' keys
// survive a restart) and, for tests and scripts only, tokens minted with them: the same issuer, key
// id, audience and claims as the ID tokens the provider (local/oidc-provider.ts) issues after a
// sign-in. The pages never use this path; they sign in through the provider's login page.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { REGULATOR_ROLE } from '../shared/domain/claims';
import { accountClaims } from './oidc-accounts';

/** The pages' client id at the local provider, and so the ID tokens' `aud`. */
export const WEB_CLIENT_ID = 'smefin-web';
/** Where the provider is mounted on the local API's port: the issuer is `<apiUrl>/oidc`. */
export const OIDC_PATH = '/oidc';
export const SIGNING_ALG = 'RS256';
const KEY_FILE = 'oidc-keys.json';

export interface ProviderKeys {
  /** The signing key as a private JWK (with `kid`, `alg`, `use`). */
  signingJwk: JWK;
  /** Keys of the provider's signed cookies. */
  cookieKeys: string[];
  /** The issuer the provider last ran as (for `npm run token` while it is not running). */
  issuer?: string;
}

export function issuerFor(apiUrl: string): string {
  return `${apiUrl.replace(/\/+$/, '')}${OIDC_PATH}`;
}

function keyFile(dataDir: string): string {
  return path.join(dataDir, KEY_FILE);
}

export function readKeys(dataDir: string): ProviderKeys | undefined {
  const file = keyFile(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ProviderKeys) : undefined;
}

function writeKeys(dataDir: string, keys: ProviderKeys): void {
  writeFileSync(keyFile(dataDir), JSON.stringify(keys), { mode: 0o600 });
}

/** The provider's keys from the data folder, created on first use; `issuer` is recorded when given. */
export async function loadOrCreateKeys(dataDir: string, issuer?: string): Promise<ProviderKeys> {
  let keys = readKeys(dataDir);
  if (!keys) {
    const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    keys = {
      signingJwk: { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: SIGNING_ALG, use: 'sig' },
      cookieKeys: [randomBytes(32).toString('base64url')],
    };
    writeKeys(dataDir, keys);
  }
  if (issuer !== undefined && keys.issuer !== issuer) {
    keys = { ...keys, issuer };
    writeKeys(dataDir, keys);
  }
  return keys;
}

/** The public half of the signing key, as the provider's JWKS lists it. */
export function publicJwk(keys: ProviderKeys): JWK {
  const { kty, n, e, crv, x, y, kid, alg, use } = keys.signingJwk;
  return Object.fromEntries(Object.entries({ kty, n, e, crv, x, y, kid, alg, use }).filter(([, value]) => value !== undefined)) as JWK;
}

export interface MintClaims {
  jurisdiction: string;
  role?: string;
  subject?: string;
  name?: string;
  /** Negative: an expired token (tests). */
  expiresInSeconds?: number;
}

/**
 * Test-only: an ID token as the provider would issue it to the pages after a sign-in (issuer, key
 * id, `aud` smefin-web, `sub`, `custom:role`, `custom:jurisdiction`), without a login.
 */
export async function mintToken(keys: ProviderKeys, issuer: string, claims: MintClaims): Promise<string> {
  const key = await importJWK(keys.signingJwk, SIGNING_ALG);
  const now = Math.floor(Date.now() / 1000);
  const { sub, ...rest } = accountClaims({
    subject: claims.subject ?? `token-${claims.role ?? REGULATOR_ROLE}-${claims.jurisdiction}`,
    role: claims.role ?? REGULATOR_ROLE,
    jurisdiction: claims.jurisdiction,
    ...(claims.name ? { name: claims.name } : {}),
  });
  return new SignJWT({ ...rest, auth_time: now })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: keys.signingJwk.kid! })
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience(WEB_CLIENT_ID)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresInSeconds ?? 3600))
    .sign(key);
}
