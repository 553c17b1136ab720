// The regulators' identity provider, locally: an ES256 key pair kept in the data folder, tokens
// shaped like Cognito ID tokens (custom:jurisdiction, custom:role), and a verifier for the local API
// Gateway emulation, which checks them the way the Cognito authorizer does (signature, expiry, issuer).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { JURISDICTION_CLAIM, REGULATOR_ROLE, ROLE_CLAIM } from '../shared/domain/claims';

export const LOCAL_ISSUER = 'https://smefin.local/issuer';
export const LOCAL_AUDIENCE = 'smefin-local';
const KEY_FILE = 'jwt-keys.json';

interface KeyFile {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function loadOrCreateKeys(dataDir: string): Promise<KeyFile> {
  const file = path.join(dataDir, KEY_FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const keys: KeyFile = {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
  };
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

export function jwks(keys: KeyFile): { keys: JWK[] } {
  return { keys: [keys.publicJwk] };
}

export async function mintToken(
  keys: KeyFile,
  claims: { jurisdiction: string; role?: string; subject?: string; expiresInSeconds?: number },
): Promise<string> {
  const key = await importJWK(keys.privateJwk, 'ES256');
  return new SignJWT({
    [JURISDICTION_CLAIM]: claims.jurisdiction,
    [ROLE_CLAIM]: claims.role ?? REGULATOR_ROLE,
    token_use: 'id',
  })
    .setProtectedHeader({ alg: 'ES256', kid: keys.privateJwk.kid! })
    .setSubject(claims.subject ?? `regulator-${claims.jurisdiction}`)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${claims.expiresInSeconds ?? 3600}s`)
    .sign(key);
}

/** Verifies a token as API Gateway's Cognito authorizer does; the claims, or undefined. */
export function tokenVerifier(keys: KeyFile): (token: string) => Promise<JWTPayload | undefined> {
  const keySet = createLocalJWKSet(jwks(keys));
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keySet, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, algorithms: ['ES256'] });
      return payload;
    } catch {
      return undefined;
    }
  };
}
