// Officials' sign-in on the pages: OpenID Connect Authorization Code with PKCE (oauth4webapi) at the
// issuer `config.json` names (`oidcIssuer`, `oidcClientId`). Tokens are kept in memory only: what
// survives the redirect to the provider and back is the request's state, nonce and PKCE verifier
// (sessionStorage, removed once used) and a flag that this tab was signed in, so a reload signs in
// again without a form (prompt=none) while the provider's session lasts. The ID token is the bearer
// token of the API; it is refreshed (rotating refresh token) a minute before it expires.
import * as oauth from 'oauth4webapi';

export interface OidcConfig {
  issuer: string;
  clientId: string;
}

/** The issuer and client id from the pages' `config.json`; undefined when sign-in is not configured. */
export function oidcConfigFrom(config: unknown): OidcConfig | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  const { oidcIssuer, oidcClientId } = config as { oidcIssuer?: unknown; oidcClientId?: unknown };
  if (typeof oidcIssuer !== 'string' || typeof oidcClientId !== 'string' || oidcClientId.trim() === '') return undefined;
  try {
    const url = new URL(oidcIssuer);
    if (url.search !== '' || url.hash !== '') return undefined;
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) return undefined;
    return { issuer: oidcIssuer, clientId: oidcClientId };
  } catch {
    return undefined;
  }
}

/** Plain http is accepted for the local provider only. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** What the page shows and sends: the ID token and the claims the provider validated in it. */
export interface SignedIn {
  idToken: string;
  claims: oauth.IDToken;
  expiresAt: Date;
  refreshToken?: string;
}

export type CallbackOutcome =
  | { kind: 'none' }
  | { kind: 'signed-in'; session: SignedIn }
  /** The provider said no (`login_required` after a silent attempt, `access_denied` when cancelled, …). */
  | { kind: 'error'; error: string };

const PENDING_KEY = 'smefin.oidc.pending';
const SIGNED_IN_KEY = 'smefin.oidc.signedIn';
/** Refresh this long before the ID token expires. */
export const REFRESH_MARGIN_MS = 60_000;

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
}

function storage(): Storage | undefined {
  try {
    return sessionStorage;
  } catch {
    return undefined;
  }
}

/** When to refresh a session: a margin before expiry, at once if that has passed. */
export function refreshDelayMs(expiresAt: Date, now: Date, margin = REFRESH_MARGIN_MS): number {
  return Math.max(0, expiresAt.getTime() - now.getTime() - margin);
}

export class OidcClient {
  private server: Promise<oauth.AuthorizationServer> | undefined;
  private readonly client: oauth.Client;
  private readonly options: { [oauth.allowInsecureRequests]?: boolean };

  constructor(
    private readonly config: OidcConfig,
    /** The page itself, without query or fragment: the registered redirect and post-logout URI. */
    private readonly redirectUri: string,
  ) {
    this.client = { client_id: config.clientId };
    this.options = new URL(config.issuer).protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
  }

  private authorizationServer(): Promise<oauth.AuthorizationServer> {
    this.server ??= (async () => {
      const issuer = new URL(this.config.issuer);
      const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...this.options });
      return oauth.processDiscoveryResponse(issuer, response);
    })();
    this.server.catch(() => (this.server = undefined));
    return this.server;
  }

  /** Whether this tab signed in before (a reload then tries a silent sign-in). */
  wasSignedIn(): boolean {
    return storage()?.getItem(SIGNED_IN_KEY) === '1';
  }

  /** Leaves for the provider's login page (or, silently, straight back with a code while its session lasts). */
  async signIn(options: { silent?: boolean; language: string }): Promise<void> {
    const as = await this.authorizationServer();
    const pending: Pending = {
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
      verifier: oauth.generateRandomCodeVerifier(),
    };
    storage()?.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: this.config.clientId,
      redirect_uri: this.redirectUri,
      response_type: 'code',
      scope: 'openid profile',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      ui_locales: options.language,
      ...(options.silent ? { prompt: 'none' } : {}),
    }).toString();
    location.assign(url.href);
  }

  /** Reads the provider's answer in the page's address, if there is one, and exchanges the code. */
  async handleCallback(current: URL): Promise<CallbackOutcome> {
    if (!current.searchParams.has('state')) return { kind: 'none' };
    const raw = storage()?.getItem(PENDING_KEY);
    storage()?.removeItem(PENDING_KEY);
    history.replaceState(null, '', this.redirectUri);
    if (!raw) return { kind: 'error', error: 'no_pending_request' };
    const pending = JSON.parse(raw) as Pending;
    const as = await this.authorizationServer();
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(as, this.client, current, pending.state);
    } catch (error) {
      if (!(error instanceof oauth.AuthorizationResponseError)) throw error;
      if (error.error === 'login_required') storage()?.removeItem(SIGNED_IN_KEY);
      return { kind: 'error', error: error.error };
    }
    const response = await oauth.authorizationCodeGrantRequest(as, this.client, oauth.None(), params, this.redirectUri, pending.verifier, this.options);
    const result = await oauth.processAuthorizationCodeResponse(as, this.client, response, { expectedNonce: pending.nonce, requireIdToken: true });
    storage()?.setItem(SIGNED_IN_KEY, '1');
    return { kind: 'signed-in', session: sessionOf(result) };
  }

  /** New tokens with the (rotating) refresh token; throws when the provider refuses (session ended). */
  async refresh(session: SignedIn): Promise<SignedIn> {
    if (!session.refreshToken) throw new Error('no refresh token');
    const as = await this.authorizationServer();
    const response = await oauth.refreshTokenGrantRequest(as, this.client, oauth.None(), session.refreshToken, this.options);
    return sessionOf(await oauth.processRefreshTokenResponse(as, this.client, response));
  }

  /** Forgets this tab's sign-in and leaves for the provider's end-session page, which comes back here. */
  async signOut(session: SignedIn | undefined, language: string): Promise<void> {
    storage()?.removeItem(SIGNED_IN_KEY);
    const as = await this.authorizationServer();
    if (!as.end_session_endpoint) return;
    const url = new URL(as.end_session_endpoint);
    url.search = new URLSearchParams({
      client_id: this.config.clientId,
      post_logout_redirect_uri: this.redirectUri,
      ui_locales: language,
      ...(session ? { id_token_hint: session.idToken } : {}),
    }).toString();
    location.assign(url.href);
  }
}

function sessionOf(result: oauth.TokenEndpointResponse): SignedIn {
  const claims = oauth.getValidatedIdTokenClaims(result);
  if (!result.id_token || !claims) throw new Error('the provider answered without an ID token');
  return {
    idToken: result.id_token,
    claims,
    expiresAt: new Date(claims.exp * 1000),
    ...(result.refresh_token ? { refreshToken: result.refresh_token } : {}),
  };
}
