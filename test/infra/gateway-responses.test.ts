// API Gateway's own answers: every gateway response type a REST API has is customised to a
// problem+json body (RFC 9457) with CORS headers, a status its body agrees with, and the request id.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ResponseType } from 'aws-cdk-lib/aws-apigateway';
import { beforeAll, describe, expect, it } from 'vitest';
import { SmefinStack } from '../../lib/smefin-stack';
import { chinaStage } from './stages';

interface GatewayResponseResource {
  Properties: {
    ResponseType: string;
    StatusCode?: string;
    ResponseParameters?: Record<string, unknown>;
    ResponseTemplates?: Record<string, string>;
  };
}

/** Every ResponseType CDK knows (the list of the GatewayResponse API), read from the class itself. */
const ALL_TYPES = Object.values(ResponseType)
  .filter((value): value is ResponseType => value instanceof ResponseType)
  .map((type) => type.responseType)
  .sort();

let responses: Map<string, GatewayResponseResource['Properties']>;
let count: number;
beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SmefinStack(app, 'smefin-gw', chinaStage(), { env: { account: '123456789012', region: 'cn-north-1' } });
  const found = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::GatewayResponse')) as GatewayResponseResource[];
  count = found.length;
  responses = new Map(found.map((r) => [r.Properties.ResponseType, r.Properties]));
}, 120_000);

describe('gateway responses', () => {
  it('cover every response type, once each', () => {
    expect(ALL_TYPES.length).toBeGreaterThanOrEqual(21);
    expect([...responses.keys()].sort()).toEqual(ALL_TYPES);
    expect(count).toBe(ALL_TYPES.length);
  });

  it.each(ALL_TYPES)('%s answers problem+json with CORS, its status and the request id', (type) => {
    const response = responses.get(type)!;
    expect(response.ResponseParameters).toMatchObject({
      'gatewayresponse.header.Content-Type': "'application/problem+json; charset=utf-8'",
      'gatewayresponse.header.Vary': "'Origin'",
    });
    expect(response.ResponseParameters!['gatewayresponse.header.Access-Control-Allow-Origin']).toBeDefined();

    const template = response.ResponseTemplates?.['application/json'];
    expect(template, `${type} has no body template`).toBeDefined();
    // Templates are plain substitution: the only variable is the request id.
    expect(template!.match(/\$[\w.]+/g)).toEqual(['$context.requestId']);
    const body = JSON.parse(template!);
    expect(body.type).toMatch(/^\/problems\/[a-z-]+$/);
    expect(body.requestId).toBe('$context.requestId');
    for (const member of ['title', 'detail']) {
      expect(body[member]).toMatch(/[\u4e00-\u9fff]/u);
      expect(body[member]).toMatch(/[A-Za-z]{3}/);
      expect(body.localized.zh[member]).toMatch(/[\u4e00-\u9fff]/u);
      expect(body.localized.en[member]).toMatch(/^[\x20-\x7e]+$/);
    }
    if (type === 'DEFAULT_4XX' || type === 'DEFAULT_5XX') {
      // Setting these would change the status of every other answer of the class.
      expect(response.StatusCode).toBeUndefined();
      expect(body.status).toBeUndefined();
    } else {
      expect(response.StatusCode).toMatch(/^[45]\d\d$/);
      expect(body.status).toBe(Number(response.StatusCode));
    }
  });

  it.each([
    ['MISSING_AUTHENTICATION_TOKEN', '404', '/problems/not-found'],
    ['UNAUTHORIZED', '401', '/problems/unauthorized'],
    ['ACCESS_DENIED', '403', '/problems/forbidden'],
    ['REQUEST_TOO_LARGE', '413', '/problems/payload-too-large'],
    ['THROTTLED', '429', '/problems/too-many-requests'],
    ['BAD_REQUEST_BODY', '400', '/problems/bad-request'],
    ['INTEGRATION_FAILURE', '502', '/problems/bad-gateway'],
    ['INTEGRATION_TIMEOUT', '504', '/problems/gateway-timeout'],
    ['WAF_FILTERED', '403', '/problems/forbidden'],
  ])('%s → %s %s', (type, status, problemType) => {
    const response = responses.get(type)!;
    expect(response.StatusCode).toBe(status);
    expect(JSON.parse(response.ResponseTemplates!['application/json']!).type).toBe(problemType);
  });
});
