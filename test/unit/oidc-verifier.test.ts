// The verifier and the Lambda authorizer against a real JWKS served over HTTP (test/support/test-issuer.ts):
// valid tokens of each allowed algorithm pass; tokens forged each way are refused as 401; a valid
// token that makes no official is a Deny (403); an issuer that cannot be reached is a 503 unless keys
// fetched earlier are still usable.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { DEFAULT_CLAIM_NAMES } from '../../shared/domain/claims';
import { bearerToken, lambdaAuthorizer, stageWildcard, UNAUTHORIZED, type AuthorizerLog } from '../../shared/adapters/lambda-authorizer';
import { IdentityUnavailable, InvalidToken, oidcVerifier, STALE_KEYS_SECONDS } from '../../shared/adapters/oidc-verifier';
import { TestIssuer } from '../support/test-issuer';

const issuer = new TestIssuer();
beforeAll(async () => void (await issuer.start()));
afterAll(() => issuer.stop());
beforeEach(() => {
  issuer.mode = 'up';
});

const METHOD_ARN = 'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/api/GET/v1/reports';

function event(authorization?: string): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    resource: '/v1/reports',
    path: '/v1/reports',
    httpMethod: 'GET',
    headers: authorization === undefined ? {} : { Authorization: authorization },
    multiValueHeaders: {},
    pathParameters: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

function recordingLog(): AuthorizerLog & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, info: (message, attributes) => lines.push({ message, ...attributes }), error: (message, attributes) => lines.push({ message, level: 'error', ...attributes }) };
}

function authorizer(options: Parameters<typeof oidcVerifier>[1] = {}, audiences = [issuer.audience]) {
  const log = recordingLog();
  const verifier = oidcVerifier({ issuer: issuer.issuer, audiences }, options);
  return { log, verifier, handle: lambdaAuthorizer({ verifier, claimNames: DEFAULT_CLAIM_NAMES, log }) };
}

describe('oidcVerifier', () => {
  it.each(['RS256', 'ES256', 'PS256'] as const)('accepts a valid %s token of the issuer', async (alg) => {
    const { verifier } = authorizer();
    const claims = await verifier.verify(await issuer.token({ alg }));
    expect(claims).toMatchObject({ sub: 'official-1', 'custom:jurisdiction': '330000', aud: issuer.audience });
  });

  it("accepts an access token by its client_id when it has no aud (Cognito), and one of several audiences", async () => {
    const { verifier } = authorizer({}, ['other', issuer.audience]);
    await expect(verifier.verify(await issuer.token({ audience: null, claims: { client_id: issuer.audience, token_use: 'access' } }))).resolves.toMatchObject({ sub: 'official-1' });
    await expect(verifier.verify(await issuer.token({ audience: null, claims: { client_id: 'someone-else' } }))).rejects.toThrow(InvalidToken);
    await expect(verifier.verify(await issuer.token({ audience: null }))).rejects.toThrow(InvalidToken);
    // An aud that does not fit is not rescued by a client_id that does.
    await expect(verifier.verify(await issuer.token({ audience: 'another-client', claims: { client_id: issuer.audience } }))).rejects.toThrow(InvalidToken);
  });

  it('tolerates a small clock skew, not more', async () => {
    const { verifier } = authorizer();
    await expect(verifier.verify(await issuer.token({ expiresIn: -10, notBefore: 10 }))).resolves.toBeDefined();
  });

  it('refuses every forged token as an invalid token (never as the issuer being unavailable)', async () => {
    const { verifier } = authorizer();
    const forged = await issuer.forged();
    expect(Object.keys(forged).length).toBeGreaterThanOrEqual(12);
    for (const [how, token] of Object.entries(forged)) {
      const error = await verifier.verify(token).then(() => undefined, (e: unknown) => e);
      expect(error, how).toBeInstanceOf(InvalidToken);
    }
  });

  it('uses the keys it fetched while the JWKS cannot be fetched, and says unavailable once they are too old', async () => {
    let now = Date.now();
    // Keys count as fresh for no time at all: every verification tries to fetch them again.
    const { verifier } = authorizer({ keysMaxAgeMs: 0, now: () => now });
    const token = await issuer.token();
    await verifier.verify(token);
    for (const mode of ['down', 'error', 'garbage'] as const) {
      issuer.mode = mode;
      await expect(verifier.verify(token), mode).resolves.toMatchObject({ sub: 'official-1' });
      // Forged tokens stay invalid meanwhile: the cached keys still decide.
      await expect(verifier.verify((await issuer.forged())['tampered payload']!), mode).rejects.toThrow(InvalidToken);
    }
    now += (STALE_KEYS_SECONDS + 1) * 1000;
    const later = await issuer.token({ expiresIn: 2 * STALE_KEYS_SECONDS });
    await expect(verifier.verify(later)).rejects.toThrow(IdentityUnavailable);
    issuer.mode = 'up';
    await expect(verifier.verify(later)).resolves.toBeDefined();
  });

  it('is unavailable, not a token error, when the issuer was never reached; and recovers when it is back', async () => {
    for (const mode of ['down', 'error', 'garbage'] as const) {
      const { verifier } = authorizer();
      issuer.mode = mode;
      await expect(verifier.verify(await issuer.token()), mode).rejects.toThrow(IdentityUnavailable);
      issuer.mode = 'up';
      await expect(verifier.verify(await issuer.token()), mode).resolves.toBeDefined();
    }
  });

  it('refuses a malformed token, a forbidden alg and another issuer even while the issuer is unreachable', async () => {
    const { verifier } = authorizer();
    issuer.mode = 'down';
    const forged = await issuer.forged();
    for (const how of ['not a JWT', 'alg none', 'HS256 signed with the public key', 'wrong issuer']) {
      await expect(verifier.verify(forged[how]!), how).rejects.toThrow(InvalidToken);
    }
    await expect(verifier.verify(forged['tampered payload']!)).rejects.toThrow(IdentityUnavailable);
  });

  it('keeps the keys cached: many verifications, one JWKS request', async () => {
    const { verifier } = authorizer();
    const before = issuer.jwksRequests;
    for (let i = 0; i < 5; i++) await verifier.verify(await issuer.token());
    expect(issuer.jwksRequests - before).toBe(1);
  });

  it('refuses a discovery document of another issuer as unavailable (a configuration problem)', async () => {
    const configured = `${issuer.issuer}/`;
    const verifier = oidcVerifier({ issuer: configured, audiences: [issuer.audience] });
    await expect(verifier.verify(await issuer.token({ issuer: configured }))).rejects.toThrow(IdentityUnavailable);
  });
});

describe('lambdaAuthorizer', () => {
  it('allows a valid token for the whole stage and passes sub, role and jurisdiction in its context', async () => {
    const { handle, log } = authorizer();
    const token = await issuer.token({ claims: { sub: 'tf-1', 'custom:role': 'task_force', 'custom:jurisdiction': '330106' } });
    const result = await handle(event(`Bearer ${token}`));
    expect(result).toEqual({
      principalId: 'tf-1',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/api/*' }] },
      context: { sub: 'tf-1', role: 'task_force', jurisdiction: '330106' },
    });
    expect(log.lines).toEqual([{ message: 'authorizer decision', sub: 'tf-1', role: 'task_force', jurisdiction: '330106', resource: METHOD_ARN, allowed: true }]);
  });

  it('throws Unauthorized (401) for no token and for every forged token, and logs no token', async () => {
    const { handle, log } = authorizer();
    const forged = await issuer.forged();
    for (const header of [undefined, '', 'Bearer', 'Basic dXNlcjpwdw==', ...Object.values(forged).map((t) => `Bearer ${t}`)]) {
      await expect(handle(event(header)), header).rejects.toThrow(new Error(UNAUTHORIZED));
    }
    expect(log.lines.every((line) => line.allowed === false && line.status === 401)).toBe(true);
    const logged = JSON.stringify(log.lines);
    for (const token of Object.values(forged)) for (const part of token.split('.').filter((p) => p.length > 8)) expect(logged).not.toContain(part);
  });

  it('denies (403) a valid token that makes no official: unknown role, no jurisdiction, a placeholder jurisdiction', async () => {
    const { handle, log } = authorizer();
    for (const claims of [{ 'custom:role': 'bank' }, { 'custom:jurisdiction': undefined }, { 'custom:jurisdiction': '110100' }]) {
      const result = await handle(event(`Bearer ${await issuer.token({ claims })}`));
      expect(result.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: stageWildcard(METHOD_ARN) }]);
      expect(result.context).toBeUndefined();
    }
    expect(log.lines.map((line) => [line.allowed, line.status])).toEqual([[false, 403], [false, 403], [false, 403]]);
  });

  it('fails (AUTHORIZER_FAILURE → 503) when the issuer cannot be reached and no keys are cached, and logs it', async () => {
    const { handle, log } = authorizer();
    issuer.mode = 'down';
    const error = await handle(event(`Bearer ${await issuer.token()}`)).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).not.toBe(UNAUTHORIZED);
    expect(log.lines).toMatchObject([{ level: 'error', status: 503, reason: 'identity_unavailable' }]);
  });
});

describe('bearerToken', () => {
  it('takes the token of a Bearer Authorization header of any case', () => {
    expect(bearerToken({ authorization: 'bearer abc.def.ghi' })).toBe('abc.def.ghi');
    expect(bearerToken({ AUTHORIZATION: 'Bearer  abc ' })).toBe('abc');
    expect(bearerToken({ Authorization: 'Bearer a b' })).toBeUndefined();
    expect(bearerToken({ Authorization: 'abc' })).toBeUndefined();
    expect(bearerToken(null)).toBeUndefined();
  });
});
