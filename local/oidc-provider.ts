// The officials' OpenID Provider, locally: `oidc-provider` (the certified Node.js implementation)
// mounted on the local API's port under /oidc, so the issuer is `<apiUrl>/oidc` (discovery at
// `<issuer>/.well-known/openid-configuration`, keys at its `jwks_uri`). One client, the pages
// (`smefin-web`: public, token endpoint auth none, Authorization Code with PKCE required, rotating
// refresh tokens bound to the sign-in session, RP-initiated logout). The seeded demo officials
// (local/oidc-accounts.ts) sign in on a login page of our own (local/oidc-pages.ts); consent is
// implied for this first-party client. ID tokens (RS256, the key kept in the data folder) carry
// `sub`, `custom:role`, `custom:jurisdiction` and `name`.
//
// Sessions, grants, codes and refresh tokens live in oidc-provider's in-memory adapter: a restart
// signs everyone out (their ID tokens stay valid until they expire, the keys being kept).
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { JURISDICTION_CLAIM, ROLE_CLAIM } from '../shared/domain/claims';
import { accountByLogin, accountBySubject, accountClaims } from './oidc-accounts';
import { errorPage, loggedOutPage, loginPage, logoutPage, pageHeaders, pageLanguage, type PageLanguage } from './oidc-pages';
import { OIDC_PATH, WEB_CLIENT_ID, type ProviderKeys } from './jwt-issuer';

/** The pages that sign officials in: their addresses are the client's redirect and post-logout URIs. */
export const SIGN_IN_PAGES = ['regulator.html', 'workspace.html'] as const;

export const ID_TOKEN_SECONDS = 10 * 60;
const SESSION_SECONDS = 8 * 60 * 60;
const SCOPES = 'openid profile';
const MAX_FORM_BYTES = 16 * 1024;

export interface OidcProviderOptions {
  /** `<apiUrl>/oidc`. */
  issuer: string;
  keys: ProviderKeys;
  /** Origins the pages are served from (e.g. http://127.0.0.1:3000 and http://localhost:3000). */
  webOrigins: readonly string[];
}

export interface LocalOidcProvider {
  issuer: string;
  provider: Provider;
  /** Serves a request whose path is `/oidc` or under it. */
  handle(req: IncomingMessage, res: ServerResponse): void;
}

function ctxLanguage(ctx: KoaContextWithOIDC): PageLanguage {
  const uiLocales = (ctx.oidc?.params?.ui_locales as string | undefined) ?? undefined;
  return pageLanguage(uiLocales, ctx.get('accept-language'));
}

export function createOidcProvider(options: OidcProviderOptions): LocalOidcProvider {
  const { issuer, keys } = options;
  const pageUris = options.webOrigins.flatMap((origin) => SIGN_IN_PAGES.map((page) => `${origin}/${page}`));
  const headers = pageHeaders(options.webOrigins);
  const htmlAnswer = (ctx: KoaContextWithOIDC, body: string) => {
    ctx.set(headers);
    ctx.body = body;
  };

  const configuration: Configuration = {
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        client_name: 'smefin',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: pageUris,
        post_logout_redirect_uris: pageUris,
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [keys.signingJwk as never] },
    cookies: { keys: keys.cookieKeys },
    // The role and jurisdiction come with `openid`, in the ID token too (the pages send the ID token).
    claims: { openid: ['sub', ROLE_CLAIM, JURISDICTION_CLAIM], profile: ['name', 'preferred_username'] },
    scopes: ['openid', 'profile', 'offline_access'],
    conformIdTokenClaims: false,
    findAccount: (_ctx, subject) => {
      const account = accountBySubject(subject);
      if (!account) return undefined;
      return {
        accountId: subject,
        claims: () => ({ ...accountClaims(account), preferred_username: account.username }),
      };
    },
    interactions: { url: (_ctx, interaction) => `${OIDC_PATH}/interaction/${interaction.uid}` },
    // The pages are first-party: their grant is made without a consent screen.
    loadExistingGrant: async (ctx) => {
      const { client, session, result, provider } = ctx.oidc;
      const grantId = (result?.consent as { grantId?: string } | undefined)?.grantId ?? (client ? session?.grantIdFor(client.clientId) : undefined);
      const existing = grantId ? await provider.Grant.find(grantId) : undefined;
      // A grant that was revoked (a rotated refresh token used twice) is replaced by a new one.
      if (existing) return existing;
      if (!client || client.clientId !== WEB_CLIENT_ID || !session?.accountId) return undefined;
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(SCOPES);
      await grant.save();
      return grant;
    },
    // Refresh tokens for the pages without offline_access: rotated on each use and ended with the session.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    pkce: { required: () => true },
    ttl: {
      AccessToken: ID_TOKEN_SECONDS,
      AuthorizationCode: 60,
      IdToken: ID_TOKEN_SECONDS,
      Interaction: 15 * 60,
      Session: SESSION_SECONDS,
      Grant: SESSION_SECONDS,
      RefreshToken: SESSION_SECONDS,
    },
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => htmlAnswer(ctx, logoutPage(ctxLanguage(ctx), form)),
        postLogoutSuccessSource: (ctx) => htmlAnswer(ctx, loggedOutPage(ctxLanguage(ctx))),
      },
    },
    renderError: (ctx, out) => {
      htmlAnswer(ctx, errorPage(ctxLanguage(ctx), { error: String(out.error), ...(out.error_description ? { description: String(out.error_description) } : {}) }));
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => console.error('local OpenID Provider error', error));
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const page = (status: number, body: string) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    const url = new URL(req.url ?? '/', issuer);
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      return page(400, errorPage(pageLanguage(url.searchParams.get('lang'), req.headers['accept-language'])));
    }
    const uiLocales = typeof details.params.ui_locales === 'string' ? details.params.ui_locales : undefined;
    if (details.uid !== uid) return page(400, errorPage(pageLanguage(uiLocales, req.headers['accept-language'])));
    const base = `${OIDC_PATH}/interaction/${uid}`;

    if (details.prompt.name !== 'login') {
      // consent: implied for the first-party pages (normally loadExistingGrant already made the grant).
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ clientId: String(details.params.client_id), accountId: details.session?.accountId ?? '' });
      if (!grant) return page(400, errorPage(pageLanguage(uiLocales)));
      grant.addOIDCScope(SCOPES);
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }

    if (req.method === 'GET' && action === undefined) {
      const language = pageLanguage(url.searchParams.get('lang'), uiLocales, req.headers['accept-language']);
      return page(200, loginPage({ language, action: `${base}/login`, abortAction: `${base}/abort`, switchHref: `${base}?lang=${language === 'zh' ? 'en' : 'zh'}` }));
    }
    if (req.method !== 'POST') return page(405, errorPage(pageLanguage(uiLocales)));
    const form = await readForm(req);
    const language = pageLanguage(form.get('lang'), uiLocales, req.headers['accept-language']);
    if (action === 'abort') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'sign-in cancelled' }, { mergeWithLastSubmission: false });
    }
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    const account = accountByLogin(username, password);
    if (!account) {
      const error = username.trim() === '' || password === '' ? 'missing' : 'wrong';
      return page(
        400,
        loginPage({ language, action: `${base}/login`, abortAction: `${base}/abort`, switchHref: `${base}?lang=${language === 'zh' ? 'en' : 'zh'}`, username, error }),
      );
    }
    return provider.interactionFinished(req, res, { login: { accountId: account.subject } }, { mergeWithLastSubmission: false });
  }

  return {
    issuer,
    provider,
    handle: (req, res) => {
      const original = req.url ?? '/';
      const inner = original.slice(OIDC_PATH.length) || '/';
      const match = /^\/interaction\/([\w-]+)(?:\/(login|abort))?(?:\?.*)?$/.exec(inner);
      if (match) {
        interaction(req, res, match[1]!, match[2]).catch((error: unknown) => {
          console.error('local OpenID Provider interaction error', error);
          if (!res.headersSent) res.writeHead(500, headers);
          res.end(errorPage('zh', { error: 'server_error' }));
        });
        return;
      }
      // oidc-provider works out its mount path from originalUrl (as under Express's app.use).
      Object.assign(req, { originalUrl: original });
      req.url = inner;
      void callback(req, res);
    },
  };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return new URLSearchParams();
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
