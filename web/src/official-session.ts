// An official's session on a page: sign-in at the issuer `config.json` names (./oidc.ts:
// Authorization Code + PKCE, tokens in memory only), the provider's answer on the way back, a silent
// sign-in after a reload while the provider's session lasts, a refresh a minute before the ID
// token expires, and sign-out through end-session. The page is told what happened and draws it.
import { apiConfig } from './api';
import { isLoopback, OidcClient, oidcConfigFrom, refreshDelayMs, type SignedIn } from './oidc';
import { tokenClaims, type TokenClaims } from './regulator-token';

export interface Official {
  token: string;
  claims: TokenClaims;
  signedIn: SignedIn;
}

export type SessionFailure = { kind: 'not-configured' } | { kind: 'network' } | { kind: 'expired' } | { kind: 'signin-failed'; error: string };

export interface SessionEvents {
  /** Signed in, or the tokens were renewed (`renewed`). */
  signedIn(official: Official, renewed: boolean): void;
  failed(failure: SessionFailure): void;
}

export class OfficialSession {
  private client: OidcClient | undefined;
  private current: Official | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** The local provider (its issuer on this machine): the page may mention npm commands. */
  local = false;

  constructor(private readonly events: SessionEvents) {}

  get official(): Official | undefined {
    return this.current;
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  /** Reads the configuration, takes the provider's answer if this is the way back, else signs in silently if this tab was signed in. */
  async start(language: string): Promise<void> {
    const config = oidcConfigFrom(await apiConfig());
    if (!config) {
      this.events.failed({ kind: 'not-configured' });
      return;
    }
    this.local = isLoopback(new URL(config.issuer).hostname);
    this.client = new OidcClient(config, new URL(location.pathname, location.origin).href);
    let outcome: Awaited<ReturnType<OidcClient['handleCallback']>>;
    try {
      outcome = await this.client.handleCallback(new URL(location.href));
    } catch {
      this.events.failed({ kind: 'network' });
      return;
    }
    if (outcome.kind === 'signed-in') this.accept(outcome.session, false);
    else if (outcome.kind === 'error' && outcome.error !== 'login_required') this.events.failed({ kind: 'signin-failed', error: outcome.error });
    else if (outcome.kind === 'none' && this.client.wasSignedIn()) {
      await this.client.signIn({ silent: true, language }).catch(() => undefined);
    }
  }

  /** Goes to the provider's sign-in page (the page is left). */
  async signIn(language: string): Promise<void> {
    if (!this.client) throw new Error('sign-in is not configured');
    await this.client.signIn({ language });
  }

  /** Forgets the tokens here and ends the provider's session (its page comes back here). */
  signOut(language: string): void {
    const ending = this.current?.signedIn;
    this.forget();
    void this.client?.signOut(ending, language).catch(() => undefined);
  }

  /** Forgets the session on this page (tokens were only in memory). */
  forget(): void {
    this.current = undefined;
    clearTimeout(this.refreshTimer);
  }

  private accept(signedIn: SignedIn, renewed: boolean): void {
    const claims = tokenClaims(signedIn.idToken);
    if (!claims) {
      this.events.failed({ kind: 'signin-failed', error: 'invalid_token' });
      return;
    }
    this.current = { token: signedIn.idToken, claims, signedIn };
    this.scheduleRefresh();
    this.events.signedIn(this.current, renewed);
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    const official = this.current;
    if (!official || !this.client) return;
    this.refreshTimer = setTimeout(() => {
      void this.client!
        .refresh(official.signedIn)
        .then((next) => {
          if (this.current === official) this.accept(next, true);
        })
        .catch(() => {
          if (this.current !== official) return;
          this.forget();
          this.events.failed({ kind: 'expired' });
        });
    }, refreshDelayMs(official.signedIn.expiresAt, new Date()));
  }
}
