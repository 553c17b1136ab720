// Failure paths of the handlers that the real local parts cannot easily produce: DynamoDB failing or
// throttling. Mocked AWS SDK (aws-sdk-client-mock); the happy paths run for real in test/integration.
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validSubmission } from '../support/needs';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const dynamo = mockClient(DynamoDBClient);
const documents = mockClient(DynamoDBDocumentClient);
let submitNeed: Handler;
let needStatus: Handler;
let health: Handler;

beforeAll(async () => {
  Object.assign(process.env, {
    NEEDS_TABLE_NAME: 'needs',
    COUNTERS_TABLE_NAME: 'counters',
    IDEMPOTENCY_TABLE_NAME: 'idempotency',
    WEB_ORIGIN: 'https://web.example',
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  submitNeed = (await import('../../functions/submit-need/index')).handler as unknown as Handler;
  needStatus = (await import('../../functions/need-status/index')).handler as unknown as Handler;
  health = (await import('../../functions/health/index')).handler as unknown as Handler;
});

afterEach(() => {
  dynamo.reset();
  documents.reset();
});

const context = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

function event(overrides: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/v1/needs',
    resource: '/v1/needs',
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify(validSubmission()),
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1' } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

function throttled(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400 },
  });
}

describe('submit-need when DynamoDB fails', () => {
  it('answers 503 problem+json, not a gateway error, when the write fails', async () => {
    documents.on(TransactWriteCommand).rejects(throttled());
    const response = await submitNeed(event({}), context);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Content-Type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.body)).toMatchObject({ status: 503, type: '/problems/unavailable' });
  });

  it('maps a lost race on the open-need claim to 409', async () => {
    documents.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }],
      }),
    );
    const response = await submitNeed(event({}), context);
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body).type).toBe('/problems/open-need-exists');
  });

  it('does not mistake another cancellation (e.g. a conflicting transaction) for an open need', async () => {
    documents.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }],
      }),
    );
    const response = await submitNeed(event({}), context);
    expect(response.statusCode).toBe(503);
  });

  it('validates before touching DynamoDB: bad input costs no write', async () => {
    const response = await submitNeed(event({ body: '{"enterprise":{}}' }), context);
    expect(response.statusCode).toBe(400);
    expect(documents.calls()).toHaveLength(0);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('rejects a malformed Idempotency-Key before any write', async () => {
    const response = await submitNeed(
      event({ headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'has spaces in it' } }),
      context,
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).errors[0].code).toBe('idempotency_key.invalid');
    expect(documents.calls()).toHaveLength(0);
  });
});

describe('need-status and health when DynamoDB fails', () => {
  it('need-status answers 503 problem+json', async () => {
    documents.on(GetCommand).rejects(throttled());
    const response = await needStatus(
      event({
        httpMethod: 'GET',
        path: '/v1/needs/01JDZ8Q8Y3M3B3X9N7W1V2C4D5',
        pathParameters: { needId: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5' },
        headers: { Authorization: 'Bearer abc' },
        body: null,
      }),
      context,
    );
    expect(response.statusCode).toBe(503);
  });

  it('health answers 503 with the failing part named', async () => {
    documents.on(GetCommand).rejects(throttled());
    const response = await health(event({ httpMethod: 'GET', path: '/v1/health', body: null }), context);
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({ status: 'unavailable', checks: { dynamodb: 'unreachable' } });
  });
});
