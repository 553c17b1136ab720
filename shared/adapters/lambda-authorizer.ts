// The API's Lambda authorizer (REQUEST type, identity source the Authorization header, results cached
// by API Gateway per token): proves who the caller is and passes `sub`, `role` and `jurisdiction` on
// in its context. What the caller may do is decided by the functions (shared/domain/authorization.ts).
//
// Answers, as API Gateway turns them into responses (shared/domain/gateway-problems.ts):
// - no token, or a token that is not a valid token of the configured issuer: `throw 'Unauthorized'`
//   → 401 (UNAUTHORIZED);
// - a valid token whose claims make no official (no known role, no jurisdiction): a Deny policy
//   → 403 (ACCESS_DENIED);
// - the issuer's keys cannot be fetched (and none are cached): any other error → AUTHORIZER_FAILURE,
//   which the API answers with 503;
// - otherwise an Allow policy for every method of the stage: one token's cached result serves all
//   the routes it is used on, so the policy may not depend on the route.
// Every decision is logged: sub, role, jurisdiction, resource, allowed; never the token.
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { callerFromClaims, type ClaimNames } from '../domain/claims';
import { IdentityUnavailable, InvalidToken, type OidcVerifier } from './oidc-verifier';

export interface AuthorizerLog {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface AuthorizerContext {
  sub: string;
  role: string;
  jurisdiction: string;
}

/** The message API Gateway turns into a 401. */
export const UNAUTHORIZED = 'Unauthorized';

/** `arn:…:execute-api:region:account:api/stage/*` for the method ARN of a request. */
export function stageWildcard(methodArn: string): string {
  const [apiArn, stage] = methodArn.split('/');
  return `${apiArn}/${stage}/*`;
}

function policy(effect: 'Allow' | 'Deny', methodArn: string): APIGatewayAuthorizerResult['policyDocument'] {
  return { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: stageWildcard(methodArn) }] };
}

/** The bearer token of the Authorization header (any case of the header's name), or undefined. */
export function bearerToken(headers: Record<string, string | undefined> | null | undefined): string | undefined {
  const value = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(value ?? '');
  return match?.[1];
}

export function lambdaAuthorizer(deps: { verifier: OidcVerifier; claimNames: ClaimNames; log: AuthorizerLog }) {
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const resource = event.methodArn;
    const token = bearerToken(event.headers);
    if (!token) {
      deps.log.info('authorizer decision', { resource, allowed: false, status: 401, reason: 'no_token' });
      throw new Error(UNAUTHORIZED);
    }
    let claims: Record<string, unknown>;
    try {
      claims = await deps.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidToken) {
        deps.log.info('authorizer decision', { resource, allowed: false, status: 401, reason: error.reason });
        throw new Error(UNAUTHORIZED);
      }
      const unavailable = error instanceof IdentityUnavailable;
      deps.log.error('authorizer could not verify the token', {
        resource,
        status: 503,
        reason: unavailable ? 'identity_unavailable' : 'error',
        error: error instanceof Error ? { name: error.name, message: error.message, cause: String((error as { cause?: unknown }).cause ?? '') } : String(error),
      });
      throw new Error(unavailable ? 'Identity provider unavailable' : 'Authorizer error');
    }
    const mapped = callerFromClaims(claims, deps.claimNames);
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    if (!mapped.ok) {
      deps.log.info('authorizer decision', { sub, resource, allowed: false, status: 403, reason: `claim_${mapped.problem}` });
      return { principalId: sub || 'unknown', policyDocument: policy('Deny', resource) };
    }
    const { subject, role, jurisdiction } = mapped.caller;
    deps.log.info('authorizer decision', { sub: subject, role, jurisdiction, resource, allowed: true });
    const context: AuthorizerContext = { sub: subject, role, jurisdiction };
    return { principalId: subject, policyDocument: policy('Allow', resource), context: { ...context } };
  };
}
