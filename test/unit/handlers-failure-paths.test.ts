// Failure paths of the handlers that the real local parts cannot easily produce: DynamoDB failing or
// throttling. Mocked AWS SDK (aws-sdk-client-mock); the happy paths run for real in test/integration.
import { DynamoDBClient, PutItemCommand, TransactionCanceledException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bankRegistryVersionKey } from '../../shared/adapters/bank-registry-store';
import { requestFingerprint } from '../../shared/adapters/idempotency';
import { hashTrackingToken } from '../../shared/adapters/tracking-token';
import { needSubmissionSchema } from '../../shared/domain/need';
import { validSubmission } from '../support/needs';
import { setHandlerEnvironment } from '../support/handler-env';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const dynamo = mockClient(DynamoDBClient);
const documents = mockClient(DynamoDBDocumentClient);
let submitNeed: Handler;
let needStatus: Handler;
let health: Handler;

beforeAll(async () => {
  setHandlerEnvironment({
    NEEDS_TABLE_NAME: 'needs',
    COUNTERS_TABLE_NAME: 'counters',
    IDEMPOTENCY_TABLE_NAME: 'idempotency',
    WEB_ORIGIN: 'https://web.example',
  });
  submitNeed = (await import('../../functions/submit-need/index')).handler as unknown as Handler;
  needStatus = (await import('../../functions/need-status/index')).handler as unknown as Handler;
  health = (await import('../../functions/health/index')).handler as unknown as Handler;
});

// The bank registry submit-need reads for the consent's banks: empty, and readable (unless a test says otherwise).
beforeEach(() => {
  documents.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'BANKS' } }).resolves({ Items: [] });
  documents.on(GetCommand, { Key: bankRegistryVersionKey }).resolves({});
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
  it('answers 503 problem+json, not a gateway error, when the write is refused: nothing was saved', async () => {
    documents.on(TransactWriteCommand).rejects(throttled());
    const response = await submitNeed(event({ headers: { 'Content-Type': 'application/json', 'Accept-Language': 'en' } }), context);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Content-Type']).toMatch(/^application\/problem\+json/);
    expect(response.headers?.['Retry-After']).toBe('3');
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ status: 503, type: '/problems/unavailable' });
    expect(body.detail).toContain('Nothing was saved');
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

  it('answers 503 "nothing was saved" when the bank registry cannot be read, and writes nothing', async () => {
    // Its version item is read on every use (the registry itself is cached by a warm function).
    documents.on(GetCommand, { Key: bankRegistryVersionKey }).rejects(throttled());
    documents.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'BANKS' } }).rejects(throttled());
    const response = await submitNeed(event({ headers: { 'Content-Type': 'application/json', 'Accept-Language': 'en' } }), context);
    expect(response.statusCode).toBe(503);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ status: 503, type: '/problems/unavailable' });
    expect(body.detail).toContain('Nothing was saved');
    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(0);
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

// ---------------------------------------------------------------------------------------------
// A write that got no definite answer may have been applied: the answer says so, never "nothing
// was saved", and asks for the same request again (which the Idempotency-Key makes safe).

function timedOut(): Error {
  return Object.assign(new Error('a request has exceeded the configured 3000 ms requestTimeout.'), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
    $metadata: { attempts: 3, totalRetryDelay: 150 },
  });
}

const english = { 'Content-Type': 'application/json', 'Accept-Language': 'en' };
const zhDetailSaysNothingSaved = (response: APIGatewayProxyResult) => JSON.parse(response.body).detail.includes('未被保存');

function expectOutcomeUnknown(response: APIGatewayProxyResult) {
  expect(response.statusCode).toBe(503);
  expect(response.headers?.['Content-Type']).toMatch(/^application\/problem\+json/);
  expect(response.headers?.['Retry-After']).toBe('3');
  const body = JSON.parse(response.body);
  expect(body.type).toBe('/problems/outcome-unknown');
  expect(body.detail).not.toMatch(/nothing was saved/i);
  return body;
}

describe('submit-need when the outcome of the write is unknown', () => {
  it('a TransactWriteItems that times out: 503 outcome-unknown, asking for the same request again', async () => {
    documents.on(TransactWriteCommand).rejects(timedOut());
    const body = expectOutcomeUnknown(await submitNeed(event({ headers: english }), context));
    expect(body.title).toBe('We could not confirm whether the request was saved');
    expect(body.detail).toMatch(/same Idempotency-Key.*not be recorded twice/);
    const zh = await submitNeed(event({}), context);
    expect(JSON.parse(zh.body).title).toBe('无法确认请求是否已保存');
    expect(zhDetailSaysNothingSaved(zh)).toBe(false);
  });

  it.each([
    ['a connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} })],
    ['a DynamoDB server error', Object.assign(new Error('Internal server error'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } })],
    ['throttling after a retried attempt', Object.assign(throttled(), { $metadata: { httpStatusCode: 400, attempts: 2 } })],
    ['an earlier attempt of the transaction still running', Object.assign(new Error('in progress'), { name: 'TransactionInProgressException', $metadata: { httpStatusCode: 400 } })],
  ])('%s: outcome unknown too', async (_label, error) => {
    documents.on(TransactWriteCommand).rejects(error);
    expectOutcomeUnknown(await submitNeed(event({ headers: english }), context));
  });

  it('the function nearing its deadline: answers outcome-unknown itself, before the platform ends it', async () => {
    documents.on(TransactWriteCommand).callsFake(() => new Promise(() => {})); // DynamoDB stalls
    const nearDeadline = { ...context, getRemainingTimeInMillis: () => 1_200 } as Context;
    expectOutcomeUnknown(await submitNeed(event({ headers: english }), nearDeadline));
  });

  it('the need stored but the idempotency record not completed: outcome unknown, not "nothing saved"', async () => {
    documents.on(TransactWriteCommand).resolves({});
    dynamo.on(UpdateItemCommand).rejects(timedOut()); // Powertools saving the answer
    const response = await submitNeed(event({ headers: { ...english, 'Idempotency-Key': 'k-saved-answer-lost' } }), context);
    expectOutcomeUnknown(response);
    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('the idempotency record not saved before the write: nothing was saved, and no write was tried', async () => {
    dynamo.on(PutItemCommand).rejects(throttled());
    const response = await submitNeed(event({ headers: { ...english, 'Idempotency-Key': 'k-before-write' } }), context);
    expect(response.statusCode).toBe(503);
    const body = JSON.parse(response.body);
    expect(body.type).toBe('/problems/unavailable');
    expect(body.detail).toContain('Nothing was saved');
    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('a failed read says nothing about saving', async () => {
    documents.on(GetCommand).rejects(timedOut());
    const response = await needStatus(
      event({
        httpMethod: 'GET',
        path: '/v1/needs/01JDZ8Q8Y3M3B3X9N7W1V2C4D5',
        pathParameters: { needId: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5' },
        headers: { Authorization: 'Bearer abc', 'Accept-Language': 'en' },
        body: null,
      }),
      context,
    );
    expect(response.statusCode).toBe(503);
    const body = JSON.parse(response.body);
    expect(body.type).toBe('/problems/unavailable');
    expect(body.detail).not.toMatch(/saved/i);
  });
});

describe('submit-need retried with the Idempotency-Key of a need already stored', () => {
  const key = 'k-retry-after-lost-answer';
  const submission = validSubmission();
  const { requestHash } = requestFingerprint(key, needSubmissionSchema.parse(submission));

  /** The transaction of the retry: the claim and the key's record are held by the first attempt's need. */
  function heldBy(needId: string, hash: string) {
    return new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: [
        { Code: 'ConditionalCheckFailed' },
        { Code: 'None' },
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Item: { needId: { S: needId }, requestHash: { S: hash } } },
      ],
    });
  }

  it('answers 201 with that need and a new tracking token it now answers to, not 409', async () => {
    documents.on(TransactWriteCommand).rejects(heldBy('01JDZ8Q8Y3M3B3X9N7W1V2C4D5', requestHash));
    documents.on(UpdateCommand).resolves({ Attributes: { status: 'screening', sizeClass: 'small' } });
    const response = await submitNeed(
      event({ body: JSON.stringify(submission), headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key } }),
      context,
    );
    expect(response.statusCode).toBe(201);
    const receipt = JSON.parse(response.body);
    expect(receipt).toMatchObject({ needId: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5', status: 'screening', sizeClass: 'small' });
    const update = documents.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.Key).toEqual({ pk: 'NEED#01JDZ8Q8Y3M3B3X9N7W1V2C4D5', sk: 'NEED' });
    expect(update.ExpressionAttributeValues?.[':hash']).toBe(hashTrackingToken(receipt.trackingToken));
  });

  it('the key with another body: 422, and no token is replaced', async () => {
    documents.on(TransactWriteCommand).rejects(heldBy('01JDZ8Q8Y3M3B3X9N7W1V2C4D5', 'another-body'));
    const response = await submitNeed(
      event({ body: JSON.stringify(submission), headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key } }),
      context,
    );
    expect(response.statusCode).toBe(422);
    expect(JSON.parse(response.body).type).toBe('/problems/idempotency-key-reused');
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('the token not replaced for certain: outcome unknown, so the owner retries again', async () => {
    documents.on(TransactWriteCommand).rejects(heldBy('01JDZ8Q8Y3M3B3X9N7W1V2C4D5', requestHash));
    documents.on(UpdateCommand).rejects(throttled());
    const response = await submitNeed(
      event({ body: JSON.stringify(submission), headers: { ...english, 'Idempotency-Key': key } }),
      context,
    );
    expectOutcomeUnknown(response);
  });
});
