// Verifies the officials' tokens (ID or access tokens of one OpenID Connect issuer) with `jose`:
// the issuer's discovery document gives `jwks_uri`; `createRemoteJWKSet` fetches and caches the keys
// (re-fetching on an unknown `kid`, at most once per cool-down). No crypto of our own.
//
// What is checked: the signature with a key of the issuer's JWKS, `alg` in {@link ALGORITHMS} (never
// `none`, never an HMAC), `iss`, `exp` and `nbf` (with {@link CLOCK_TOLERANCE_SECONDS}), `sub`, and
// the audience: `aud` (ID tokens; access tokens of most issuers) or, on a token without `aud`,
// `client_id` (Cognito's access tokens).
//
// When the keys cannot be fetched (the issuer is down, answers an error or garbage, or times out),
// the keys fetched last are used for up to {@link STALE_KEYS_SECONDS}; without them the verifier
// throws {@link IdentityUnavailable} (the authorizer's 503), never a token error.
import { createLocalJWKSet, createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { jwksCache, type ExportedJWKSCache } from 'jose';

export const ALGORITHMS = ['RS256', 'ES256', 'PS256'];
export const CLOCK_TOLERANCE_SECONDS = 30;
/** How long keys fetched earlier stay usable while the issuer's JWKS cannot be fetched. */
export const STALE_KEYS_SECONDS = 3600;
const FETCH_TIMEOUT_MS = 3000;

export interface OidcSettings {
  issuer: string;
  /** Accepted audiences (the pages' client id, …). */
  audiences: readonly string[];
}

/** The issuer's discovery document or keys could not be fetched: nothing is known about the token. */
export class IdentityUnavailable extends Error {
  override name = 'IdentityUnavailable';
}

/** The token is not a valid token of the issuer for us; `reason` is a code safe to log (no token content). */
export class InvalidToken extends Error {
  override name = 'InvalidToken';
  constructor(readonly reason: string) {
    super(`invalid token: ${reason}`);
  }
}

export interface OidcVerifier {
  /** The verified claims; throws {@link InvalidToken} or {@link IdentityUnavailable}. */
  verify(token: string): Promise<JWTPayload>;
}

type Fetch = typeof fetch;

/** A fetch whose every failure (network, timeout, a status other than 200) is an IdentityUnavailable. */
function guardedFetch(fetchImpl: Fetch, what: string): Fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await fetchImpl(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (cause) {
      throw new IdentityUnavailable(`${what} could not be fetched`, { cause });
    }
    if (response.status !== 200) throw new IdentityUnavailable(`${what} answered ${response.status}`);
    return response;
  };
}

/** A failure to get the keys, as opposed to a token that does not fit them. */
function isKeyFetchFailure(error: unknown): boolean {
  return (
    error instanceof IdentityUnavailable ||
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    // jose's generic error: a JWKS response that is not JSON.
    (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC')
  );
}

export interface OidcVerifierOptions {
  fetch?: Fetch;
  /** The clock (tests). */
  now?: () => number;
  /** How long fetched keys count as fresh before they are fetched again (jose's `cacheMaxAge`; default 10 minutes). */
  keysMaxAgeMs?: number;
}

export function oidcVerifier(settings: OidcSettings, options: OidcVerifierOptions = {}): OidcVerifier {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const issuer = settings.issuer;
  let keys: Promise<JWTVerifyGetKey> | undefined;

  async function discover(): Promise<JWTVerifyGetKey> {
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const response = await guardedFetch(fetchImpl, 'the discovery document')(url, { headers: { accept: 'application/json' } });
    const document = (await response.json().catch(() => undefined)) as { issuer?: unknown; jwks_uri?: unknown } | undefined;
    // OpenID Connect Discovery 1.0 §4.3: the document's issuer is exactly the configured one.
    if (document?.issuer !== issuer || typeof document.jwks_uri !== 'string') {
      throw new IdentityUnavailable('the discovery document does not describe the configured issuer');
    }
    const cache: ExportedJWKSCache | Record<string, never> = {};
    const remote = createRemoteJWKSet(new URL(document.jwks_uri), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      ...(options.keysMaxAgeMs === undefined ? {} : { cacheMaxAge: options.keysMaxAgeMs }),
      [customFetch]: guardedFetch(fetchImpl, 'the JWKS'),
      [jwksCache]: cache,
    });
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (!isKeyFetchFailure(error)) throw error;
        const cached = cache as Partial<ExportedJWKSCache>;
        if (cached.jwks && cached.uat !== undefined && now() - cached.uat < STALE_KEYS_SECONDS * 1000) {
          return createLocalJWKSet(cached.jwks)(header, token);
        }
        throw error instanceof IdentityUnavailable ? error : new IdentityUnavailable('the JWKS could not be read', { cause: error });
      }
    };
  }

  async function getKeys(): Promise<JWTVerifyGetKey> {
    // Discovered once; a failed discovery is tried again on the next token.
    keys ??= discover().catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
    return keys;
  }

  return {
    async verify(token) {
      // What can be refused without the keys is refused first, so that a bad token is a 401 even
      // while the issuer is unreachable (this decides nothing in the token's favour).
      precheck(token, issuer);
      const getKey = await getKeys();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer,
          algorithms: ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp', 'sub'],
          currentDate: new Date(now()),
        }));
      } catch (error) {
        if (error instanceof IdentityUnavailable) throw error;
        if (isKeyFetchFailure(error)) throw new IdentityUnavailable('the JWKS could not be read', { cause: error });
        if (error instanceof errors.JWTClaimValidationFailed) throw new InvalidToken(`${error.code}:${error.claim}`);
        if (error instanceof errors.JOSEError) throw new InvalidToken(error.code);
        throw new InvalidToken('malformed');
      }
      if (!audienceMatches(payload, settings.audiences)) throw new InvalidToken('audience');
      return payload;
    },
  };
}

/** Refuses, from the unverified token, what no key could make valid: its shape, its `alg`, another issuer. */
function precheck(token: string, issuer: string): void {
  let alg: unknown;
  let iss: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
    iss = decodeJwt(token).iss;
  } catch {
    throw new InvalidToken('malformed');
  }
  if (typeof alg !== 'string' || !ALGORITHMS.includes(alg)) throw new InvalidToken('alg');
  if (iss !== issuer) throw new InvalidToken('iss');
}

function audienceMatches(payload: JWTPayload, audiences: readonly string[]): boolean {
  const aud = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  if (aud.length > 0) return aud.some((value) => audiences.includes(value));
  return typeof payload.client_id === 'string' && audiences.includes(payload.client_id);
}
