// API Gateway's Lambda authorizer, locally: the template's REQUEST authorizer (identity source, result
// TTL) run the way API Gateway runs it. A request without the identity source is refused (401)
// without calling the function; otherwise the real authorizer handler gets a REQUEST authorizer
// event; its policy is cached by the identity source's value for the template's TTL and evaluated
// against the request's method ARN; its context reaches the function as `requestContext.authorizer`.
// Answers: `Unauthorized` thrown → 401; Deny or no matching Allow → 403; any other failure or a
// malformed result → the authorizer failure answer (503): the gateway problems of
// shared/domain/gateway-problems.ts, as in AWS.
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { GATEWAY_ANSWERS, type GatewayAnswer } from '../shared/domain/gateway-problems';
import type { CfnTemplate } from './synth';

export type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent, context: Context) => Promise<unknown>;

export interface AuthorizerSettings {
  /** Header of the identity source (`method.request.header.Authorization` → `authorization`). */
  identityHeader: string;
  /** `AuthorizerResultTtlInSeconds` (0: no cache). */
  ttlSeconds: number;
}

export type AuthorizerOutcome = { allowed: true; context: Record<string, unknown> } | { allowed: false; answer: GatewayAnswer };

export interface GatewayAuthorizer {
  authorize(event: APIGatewayProxyEvent): Promise<AuthorizerOutcome>;
}

/** The template's one REQUEST authorizer: its identity source header and result TTL. */
export function authorizerSettings(template: CfnTemplate): AuthorizerSettings {
  const authorizers = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::ApiGateway::Authorizer');
  if (authorizers.length !== 1 || authorizers[0]!.Properties?.Type !== 'REQUEST') {
    throw new Error('the local gateway runs exactly one REQUEST Lambda authorizer');
  }
  const properties = authorizers[0]!.Properties!;
  const source = /^method\.request\.header\.([\w-]+)$/.exec(String(properties.IdentitySource));
  if (!source) throw new Error(`unsupported identity source ${String(properties.IdentitySource)}`);
  return { identityHeader: source[1]!.toLowerCase(), ttlSeconds: Number(properties.AuthorizerResultTtlInSeconds ?? 300) };
}

/** IAM-style wildcards of a policy's Resource: `*` any run of characters, `?` any one. */
function matches(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

/** API Gateway's evaluation of an authorizer policy: an explicit Deny wins; else an Allow must match. */
export function policyAllows(policy: APIGatewayAuthorizerResult['policyDocument'], methodArn: string): boolean {
  const applies = (statement: (typeof policy.Statement)[number]) => {
    const s = statement as { Action?: string | string[]; Resource?: string | string[] };
    const actions = [s.Action ?? []].flat();
    const resources = [s.Resource ?? []].flat();
    return actions.some((action) => ['execute-api:Invoke', 'execute-api:*', '*'].includes(action)) && resources.some((r) => matches(r, methodArn));
  };
  const statements = policy.Statement ?? [];
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
}

function isAuthorizerResult(value: unknown): value is APIGatewayAuthorizerResult {
  const result = value as Partial<APIGatewayAuthorizerResult> | undefined;
  return typeof result?.principalId === 'string' && Array.isArray(result.policyDocument?.Statement);
}

export function gatewayAuthorizer(options: {
  settings: AuthorizerSettings;
  handler: () => AuthorizerHandler;
  context: (requestId: string) => Context;
  now?: () => number;
}): GatewayAuthorizer {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { expires: number; result: APIGatewayAuthorizerResult }>();
  const { identityHeader, ttlSeconds } = options.settings;

  async function resultFor(identity: string, event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult | GatewayAnswer> {
    const cached = cache.get(identity);
    if (cached && cached.expires > now()) return cached.result;
    cache.delete(identity);
    let result: unknown;
    try {
      result = await options.handler()(event, options.context(event.requestContext.requestId));
    } catch (error) {
      if (error instanceof Error && error.message === 'Unauthorized') return GATEWAY_ANSWERS.UNAUTHORIZED;
      console.error('local authorizer failed', error instanceof Error ? error.message : error);
      return GATEWAY_ANSWERS.AUTHORIZER_FAILURE;
    }
    if (!isAuthorizerResult(result)) {
      console.error('local authorizer answered something that is not an authorizer result');
      return GATEWAY_ANSWERS.AUTHORIZER_CONFIGURATION_ERROR;
    }
    if (ttlSeconds > 0) cache.set(identity, { expires: now() + ttlSeconds * 1000, result });
    return result;
  }

  return {
    async authorize(proxy) {
      const identity = Object.entries(proxy.headers).find(([name]) => name.toLowerCase() === identityHeader)?.[1];
      if (!identity) return { allowed: false, answer: GATEWAY_ANSWERS.UNAUTHORIZED };
      const { requestContext: rc } = proxy;
      const methodArn = `arn:aws:execute-api:local:${rc.accountId}:${rc.apiId}/${rc.stage}/${proxy.httpMethod}${proxy.path}`;
      const event: APIGatewayRequestAuthorizerEvent = {
        type: 'REQUEST',
        methodArn,
        resource: proxy.resource,
        path: proxy.path,
        httpMethod: proxy.httpMethod,
        headers: proxy.headers,
        multiValueHeaders: proxy.multiValueHeaders,
        pathParameters: proxy.pathParameters,
        queryStringParameters: proxy.queryStringParameters,
        multiValueQueryStringParameters: proxy.multiValueQueryStringParameters,
        stageVariables: proxy.stageVariables,
        requestContext: { ...rc, authorizer: undefined } as unknown as APIGatewayRequestAuthorizerEvent['requestContext'],
      };
      const result = await resultFor(identity, event);
      if (!('policyDocument' in result)) return { allowed: false, answer: result };
      if (!policyAllows(result.policyDocument, methodArn)) return { allowed: false, answer: GATEWAY_ANSWERS.ACCESS_DENIED };
      // As API Gateway passes it: the principal and the context's values (strings, numbers, booleans).
      return { allowed: true, context: { principalId: result.principalId, ...(result.context ?? {}) } };
    },
  };
}
