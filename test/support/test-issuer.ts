// An OpenID Connect issuer for tests: jose key pairs, a discovery document and a JWKS served over
// HTTP on a free port (switchable to failing, as an issuer that is down), and tokens — valid ones
// and ones forged in each way the authorizer must refuse.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export type IssuerMode = 'up' | 'error' | 'garbage' | 'down';

interface SigningKey {
  alg: 'RS256' | 'ES256' | 'PS256';
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicKey: CryptoKey;
}

async function signingKey(alg: SigningKey['alg'], kid = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export interface TokenOptions {
  claims?: JWTPayload;
  /** Seconds from now (negative: in the past). */
  expiresIn?: number;
  notBefore?: number;
  issuer?: string;
  audience?: string | string[] | null;
  alg?: SigningKey['alg'];
}

export class TestIssuer {
  readonly keys: SigningKey[] = [];
  /** A key the JWKS does not publish. */
  private foreign!: SigningKey;
  mode: IssuerMode = 'up';
  /** Requests the JWKS got (to see the cache at work). */
  jwksRequests = 0;
  private server?: http.Server;
  issuer = '';

  constructor(readonly audience = 'smefin-web') {}

  async start(): Promise<this> {
    for (const alg of ['RS256', 'ES256', 'PS256'] as const) this.keys.push(await signingKey(alg));
    this.foreign = await signingKey('RS256');
    this.server = http.createServer((req, res) => {
      if (this.mode === 'down') return req.socket.destroy();
      if (this.mode === 'error') return res.writeHead(503).end('unavailable');
      const path = new URL(req.url ?? '/', this.issuer).pathname;
      if (path.endsWith('/.well-known/openid-configuration')) {
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.issuer}/jwks` }));
      }
      if (path.endsWith('/jwks')) {
        this.jwksRequests += 1;
        if (this.mode === 'garbage') return res.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys.map((key) => key.publicJwk) }));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/oidc`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private key(alg: SigningKey['alg'] = 'RS256'): SigningKey {
    return this.keys.find((key) => key.alg === alg)!;
  }

  /** A token signed with one of the published keys. */
  async token(options: TokenOptions = {}, key: SigningKey = this.key(options.alg)): Promise<string> {
    const jwt = new SignJWT({ sub: 'official-1', 'custom:role': 'regulator', 'custom:jurisdiction': '330000', ...options.claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 600));
    if (options.audience !== null) jwt.setAudience(options.audience ?? this.audience);
    if (options.notBefore !== undefined) jwt.setNotBefore(Math.floor(Date.now() / 1000) + options.notBefore);
    return jwt.sign(key.privateKey);
  }

  /** Tokens the authorizer must refuse with 401, by the way they are forged. */
  async forged(): Promise<Record<string, string>> {
    const good = await this.token();
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const rsa = this.key('RS256');
    // HS256 with the public key as the HMAC secret (the classic key-confusion attack).
    const publicPem = await exportSPKI(rsa.publicKey);
    const hs256 = await new SignJWT(json(payload))
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid, typ: 'JWT' })
      .sign(new TextEncoder().encode(publicPem));
    return {
      expired: await this.token({ expiresIn: -120 }),
      'not yet valid': await this.token({ notBefore: 300 }),
      'wrong issuer': await this.token({ issuer: 'https://idp.example.com/realms/other' }),
      'wrong audience': await this.token({ audience: 'another-client' }),
      'alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'HS256 signed with the public key': hs256,
      'tampered payload': `${header}.${encode({ ...json(payload), 'custom:jurisdiction': '000000' })}.${signature}`,
      'unknown kid': await this.token({}, { ...this.foreign, kid: 'unknown-kid' }),
      'published kid, foreign key': await this.token({}, { ...this.foreign, kid: rsa.kid }),
      'no signature': `${header}.${payload}.`,
      'no expiry': await new SignJWT({ sub: 'official-1', 'custom:role': 'regulator', 'custom:jurisdiction': '330000' })
        .setProtectedHeader({ alg: 'RS256', kid: rsa.kid })
        .setIssuer(this.issuer)
        .setAudience(this.audience)
        .sign(rsa.privateKey),
      'not a JWT': 'not-a-jwt',
    };
  }
}
