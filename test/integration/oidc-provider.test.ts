// The local OpenID Provider as the pages and the API's authorizer meet it, on the running local
// system (`<baseUrl>/oidc`), driven by plain fetch: discovery and JWKS; PKCE required; the login
// form (wrong password, then a demo account); the code exchanged with its verifier; the ID token's
// issuer, audience and claims verified against the published JWKS; the API accepting it; silent
// re-authentication (prompt=none); rotating refresh; end-session, after which the session's refresh
// token and prompt=none fail. And the token CLI (npm run token): its token verifies against the JWKS
// of a provider started from the same data folder, with the issuer of the running system or the one
// the provider last ran as.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { issuerFor, loadOrCreateKeys, WEB_CLIENT_ID } from '../../local/jwt-issuer';
import { createOidcProvider } from '../../local/oidc-provider';
import { writeRuntimeInfo } from '../../local/runtime-info';

const baseUrl = inject('baseUrl');
const issuer = `${baseUrl}/oidc`;
const redirectUri = `${baseUrl}/regulator.html`;

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint: string;
  code_challenge_methods_supported: string[];
  id_token_signing_alg_values_supported: string[];
}

/** A browser's cookies for one origin, enough for the provider's session and interaction cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      const expired = attributes.some((a) => /^\s*expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() < Date.now());
      if (expired || value === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function request(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(new URL(url, baseUrl), {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
  });
  jar.take(response);
  return response;
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function discovery(): Promise<Discovery> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  return (await response.json()) as Discovery;
}

function authorizationUrl(config: Discovery, params: Record<string, string>): string {
  const url = new URL(config.authorization_endpoint);
  for (const [name, value] of Object.entries({ client_id: WEB_CLIENT_ID, redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile', ...params })) {
    url.searchParams.set(name, value);
  }
  return url.href;
}

/** Follows the provider's redirects until it leaves for the page (or shows a page of its own). */
async function follow(jar: CookieJar, response: Response): Promise<Response | URL> {
  let current = response;
  while (current.status === 302 || current.status === 303) {
    const location = new URL(current.headers.get('location')!, current.url || baseUrl);
    if (location.href.startsWith(redirectUri)) return location;
    current = await request(jar, location.href);
  }
  return current;
}

async function exchange(config: Discovery, fields: Record<string, string>) {
  const response = await fetch(config.token_endpoint, form({ client_id: WEB_CLIENT_ID, ...fields }));
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

const period = new Date().toISOString().slice(0, 7);

describe('local OpenID Provider', () => {
  it('publishes discovery and its public keys under the issuer <apiUrl>/oidc', async () => {
    const config = await discovery();
    expect(config.issuer).toBe(issuer);
    expect(config.jwks_uri.startsWith(`${issuer}/`)).toBe(true);
    expect(config.code_challenge_methods_supported).toEqual(['S256']);
    expect(config.id_token_signing_alg_values_supported).toContain('RS256');
    expect(config.end_session_endpoint.startsWith(`${issuer}/`)).toBe(true);
    const jwks = (await (await fetch(config.jwks_uri)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
    expect(typeof jwks.keys[0]!.kid).toBe('string');
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwks.keys[0]).not.toHaveProperty(secret);
  });

  it('refuses an authorization request of the pages without PKCE', async () => {
    const config = await discovery();
    const response = await request(new CookieJar(), authorizationUrl(config, { state: 's1' }));
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.href.startsWith(redirectUri)).toBe(true);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('signs a regulator in with the code flow and PKCE, refreshes, and signs out', async () => {
    const config = await discovery();
    const jar = new CookieJar();
    const { challenge } = pkce();
    const state = randomBytes(8).toString('hex');
    const nonce = randomBytes(8).toString('hex');
    const start = await request(
      jar,
      authorizationUrl(config, { state, nonce, code_challenge: challenge, code_challenge_method: 'S256', ui_locales: 'en' }),
    );
    const loginPage = await follow(jar, start);
    expect(loginPage).toBeInstanceOf(Response);
    const page = loginPage as Response;
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<label for="username">User name<\/label>/);
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
    expect(action).toMatch(/^\/oidc\/interaction\/[\w-]+\/login$/);

    // A wrong password: the form again, with the error, and no session.
    const wrong = await request(jar, action, form({ username: 'xihu', password: 'nope', lang: 'en' }));
    expect(wrong.status).toBe(400);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('role="alert"');
    expect(wrongHtml).toContain('The user name or password is not correct');
    expect(wrongHtml).toContain('aria-invalid="true"');

    const done = await follow(jar, await request(jar, action, form({ username: 'xihu', password: 'xihu-demo', lang: 'en' })));
    expect(done).toBeInstanceOf(URL);
    const back = done as URL;
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('iss')).toBe(issuer);
    const code = back.searchParams.get('code')!;
    expect(code).toBeTruthy();

    // The code needs its verifier.
    const wrongVerifier = await exchange(config, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce().verifier });
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body.error).toBe('invalid_grant');

    // A second sign-in (the session's cookie: no login form) gives a fresh code to exchange properly.
    const second = pkce();
    const silent = await follow(
      jar,
      await request(jar, authorizationUrl(config, { state, nonce, prompt: 'none', code_challenge: second.challenge, code_challenge_method: 'S256' })),
    );
    expect(silent).toBeInstanceOf(URL);
    const silentCode = (silent as URL).searchParams.get('code')!;
    expect(silentCode).toBeTruthy();
    const tokens = await exchange(config, { grant_type: 'authorization_code', code: silentCode, redirect_uri: redirectUri, code_verifier: second.verifier });
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toBeTruthy();

    const keys = createRemoteJWKSet(new URL(config.jwks_uri));
    const { payload, protectedHeader } = await jwtVerify(tokens.body.id_token!, keys, { issuer, audience: WEB_CLIENT_ID, algorithms: ['RS256'] });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      iss: issuer,
      aud: WEB_CLIENT_ID,
      sub: 'demo-xihu',
      nonce,
      'custom:role': 'regulator',
      'custom:jurisdiction': '330106',
    });
    expect(payload.name).toContain('西湖区');

    // The API takes the ID token (a report list or "not produced yet", not 401).
    const reports = await fetch(`${baseUrl}/v1/reports?period=${period}`, { headers: { Authorization: `Bearer ${tokens.body.id_token}` } });
    expect([200, 404]).toContain(reports.status);

    // Refresh: new tokens, the refresh token rotated (the old one is spent).
    const refreshed = await exchange(config, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token! });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeTruthy();
    expect(refreshed.body.refresh_token).not.toBe(tokens.body.refresh_token);
    const again = await jwtVerify(refreshed.body.id_token!, keys, { issuer, audience: WEB_CLIENT_ID });
    expect(again.payload['custom:jurisdiction']).toBe('330106');
    const spent = await exchange(config, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token! });
    expect(spent.body.error).toBe('invalid_grant');
    // Reusing a rotated token revokes the grant: sign in again for the rest.
    const third = pkce();
    const thirdCode = ((await follow(
      jar,
      await request(jar, authorizationUrl(config, { state, prompt: 'none', code_challenge: third.challenge, code_challenge_method: 'S256' })),
    )) as URL).searchParams.get('code')!;
    const current = await exchange(config, { grant_type: 'authorization_code', code: thirdCode, redirect_uri: redirectUri, code_verifier: third.verifier });
    expect(current.status).toBe(200);

    // End-session: the confirmation page, its form, then back to the page.
    const end = new URL(config.end_session_endpoint);
    end.searchParams.set('id_token_hint', current.body.id_token!);
    end.searchParams.set('post_logout_redirect_uri', redirectUri);
    end.searchParams.set('client_id', WEB_CLIENT_ID);
    const confirm = await request(jar, end.href, { headers: { 'Accept-Language': 'zh-CN' } });
    expect(confirm.status).toBe(200);
    const confirmHtml = await confirm.text();
    expect(confirmHtml).toContain('确定要退出 smefin 吗');
    const logoutAction = /<form[^>]*action="([^"]+)"/.exec(confirmHtml)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirmHtml)![1]!;
    const loggedOut = await request(jar, logoutAction, form({ xsrf, logout: 'yes' }));
    expect(loggedOut.status).toBe(303);
    expect(loggedOut.headers.get('location')).toBe(redirectUri);

    // The session is gone: its refresh token and prompt=none no longer work.
    const afterLogout = await exchange(config, { grant_type: 'refresh_token', refresh_token: current.body.refresh_token! });
    expect(afterLogout.body.error).toBe('invalid_grant');
    const fourth = pkce();
    const none = await follow(
      jar,
      await request(jar, authorizationUrl(config, { state, prompt: 'none', code_challenge: fourth.challenge, code_challenge_method: 'S256' })),
    );
    expect((none as URL).searchParams.get('error')).toBe('login_required');
  });

  it('gives every demo official their role and jurisdiction', async () => {
    const config = await discovery();
    const officials = [
      ['national', 'regulator', '000000'],
      ['zhejiang', 'regulator', '330000'],
      ['hangzhou', 'regulator', '330100'],
      ['xihu', 'regulator', '330106'],
      ['xihu-tf', 'task_force', '330106'],
      ['dongguan-tf', 'task_force', '441900'],
      ['binjiang-tf', 'task_force', '330108'],
      ['hangzhou-tf', 'task_force', '330100'],
      ['admin', 'admin', '000000'],
    ] as const;
    for (const [username, role, jurisdiction] of officials) {
      const jar = new CookieJar();
      const { verifier, challenge } = pkce();
      const page = (await follow(jar, await request(jar, authorizationUrl(config, { code_challenge: challenge, code_challenge_method: 'S256' })))) as Response;
      const action = /<form method="post" action="([^"]+)"/.exec(await page.text())![1]!;
      const back = (await follow(jar, await request(jar, action, form({ username, password: `${username}-demo` })))) as URL;
      const tokens = await exchange(config, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: verifier });
      const { payload } = await jwtVerify(tokens.body.id_token!, createRemoteJWKSet(new URL(config.jwks_uri)), { issuer, audience: WEB_CLIENT_ID });
      expect({ username, role: payload['custom:role'], jurisdiction: payload['custom:jurisdiction'] }).toEqual({ username, role, jurisdiction });
    }
  });
});

describe('npm run token (scripts and tests only)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-token-'));
  const servers: http.Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A provider from the data folder, as npm start runs it, on a port of its own. */
  async function providerFrom(folder: string): Promise<string> {
    let handle: http.RequestListener = (_req, res) => res.end();
    const server = http.createServer((req, res) => handle(req, res));
    servers.push(server);
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    const url = `http://127.0.0.1:${port}`;
    const keys = await loadOrCreateKeys(folder, issuerFor(url));
    handle = createOidcProvider({ issuer: issuerFor(url), keys, webOrigins: [url] }).handle;
    return url;
  }

  const token = async (args: string[]) =>
    (await promisify(execFile)('npx', ['tsx', 'scripts/token.ts', ...args], { cwd: process.cwd() })).stdout.trim();

  async function verifyAt(url: string, jwt: string) {
    const config = (await (await fetch(`${issuerFor(url)}/.well-known/openid-configuration`)).json()) as Discovery;
    return jwtVerify(jwt, createRemoteJWKSet(new URL(config.jwks_uri)), { issuer: issuerFor(url), audience: WEB_CLIENT_ID, algorithms: ['RS256'] });
  }

  it("mints a token the provider's JWKS verifies, from its data folder", async () => {
    const url = await providerFrom(dataDir);
    const jwt = await token(['--jurisdiction', '441900', '--role', 'task_force', '--data-dir', dataDir]);
    const { payload } = await verifyAt(url, jwt);
    expect(payload).toMatchObject({ 'custom:role': 'task_force', 'custom:jurisdiction': '441900', aud: WEB_CLIENT_ID });
    expect(typeof payload.sub).toBe('string');
    const jwks = (await (await fetch(`${issuerFor(url)}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(decodeProtectedHeader(jwt).kid).toBe(jwks.keys[0]!.kid);
  });

  it('takes the issuer of the running system from its runtime.json', async () => {
    const url = await providerFrom(dataDir); // another port: another issuer, the same keys
    writeRuntimeInfo(dataDir, {
      apiUrl: url,
      dynamoDbEndpoint: 'http://127.0.0.1:1',
      awsEmulatorEndpoint: 'http://127.0.0.1:1',
      tables: { needs: 'n', counters: 'c', idempotency: 'i' },
      bankSecretPrefix: '',
      bankSecretsFile: path.join(dataDir, 'secrets.json'),
      pid: process.pid,
    });
    const jwt = await token(['--jurisdiction', '330000', '--data-dir', dataDir, '--expires-in', '120']);
    const { payload } = await verifyAt(url, jwt);
    expect(payload).toMatchObject({ iss: issuerFor(url), 'custom:role': 'regulator', 'custom:jurisdiction': '330000' });
    expect(payload.exp! - payload.iat!).toBe(120);
  });

  it('refuses what is not a division, and a data folder without keys', async () => {
    await expect(token(['--jurisdiction', '12345', '--data-dir', dataDir])).rejects.toMatchObject({ stderr: expect.stringContaining('--jurisdiction') });
    const empty = mkdtempSync(path.join(tmpdir(), 'smefin-token-empty-'));
    try {
      await expect(token(['--jurisdiction', '330000', '--data-dir', empty])).rejects.toMatchObject({ stderr: expect.stringContaining('npm start') });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
