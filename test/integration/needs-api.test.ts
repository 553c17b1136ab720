// The need-submission API end to end on the real local parts: HTTP → API Gateway-shaped events →
// the handlers → DynamoDB Local.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '../../shared/domain/need-record';
import { freshCreditCode, validSubmission } from '../support/needs';

const baseUrl = inject('baseUrl');
const tables = inject('tables');
const table = (prefix: string) => tables.find((name) => name.startsWith(prefix))!;
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: inject('dynamoDbEndpoint'),
    region: 'cn-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
);
afterAll(() => db.destroy());

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/v1/needs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

async function getStatus(needId: string, token?: string) {
  const response = await fetch(`${baseUrl}/v1/needs/${needId}`, {
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

async function needsFor(creditCode: string): Promise<number> {
  const { Items = [] } = await db.send(
    new ScanCommand({
      TableName: table('DataNeeds'),
      FilterExpression: 'enterprise.creditCode = :c',
      ExpressionAttributeValues: { ':c': creditCode },
      ConsistentRead: true,
    }),
  );
  return Items.length;
}

function expectProblem(result: { status: number; headers: Headers; body: Record<string, any> }, status: number) {
  expect(result.status).toBe(status);
  expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(result.body).toMatchObject({ status, type: expect.stringMatching(/^\/problems\//) });
  expect(typeof result.body.title).toBe('string');
  expect(typeof result.body.detail).toBe('string');
}

describe('GET /v1/health', () => {
  it('answers 200 when DynamoDB is reachable', async () => {
    const response = await fetch(`${baseUrl}/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', checks: { dynamodb: 'ok' } });
  });
});

describe('POST /v1/needs', () => {
  it('records a need, answers with a receipt, and the token reads the status', async () => {
    const submission = validSubmission();
    const created = await post(submission);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      needId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      status: 'submitted',
      sizeClass: 'small',
      trackingToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      statusUrl: `${baseUrl}/status.html#needId=${created.body.needId}&token=${created.body.trackingToken}`,
    });
    expect(created.headers.get('location')).toBe(`/v1/needs/${created.body.needId}`);

    const status = await getStatus(created.body.needId, created.body.trackingToken);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      needId: created.body.needId,
      status: 'submitted',
      sizeClass: 'small',
      enterprise: { name: '杭州西湖食品有限公司', countyCode: '330106', industryCode: 'C14' },
      need: submission.need,
      timeline: [{ status: 'submitted', at: expect.any(String), code: 'submitted' }],
    });
    expect(JSON.stringify(status.body)).not.toContain('13800138000');

    const { Item } = await db.send(
      new GetCommand({ TableName: table('DataNeeds'), Key: { pk: `NEED#${created.body.needId}`, sk: 'NEED' } }),
    );
    expect(Item).toMatchObject({
      gsi1pk: 'COUNTY#330106',
      consent: { shareWithBanks: true, textVersion: '2026-11', at: expect.any(String) },
      enterprise: { provinceCode: '330000', prefectureCode: '330100', industrySection: 'C' },
    });
    // Only the hash of the token is stored.
    expect(JSON.stringify(Item)).not.toContain(created.body.trackingToken);
  });

  it('counts the need on its county-day counter in the same write', async () => {
    const submission = validSubmission();
    submission.enterprise.countyCode = '441900'; // Dongguan: a prefecture-level city without counties
    const key = { day: chinaDay(new Date()), countyCode: '441900' };
    const before = (await db.send(new GetCommand({ TableName: table('DataCounters'), Key: key, ConsistentRead: true })))
      .Item?.declared ?? 0;
    expect((await post(submission)).status).toBe(201);
    const after = (await db.send(new GetCommand({ TableName: table('DataCounters'), Key: key, ConsistentRead: true })))
      .Item?.declared;
    expect(after).toBe(before + 1);
  });

  it('lists the need under its county by time, with its status (the declaration list)', async () => {
    const submission = validSubmission();
    submission.enterprise.countyCode = '469001';
    const created = await post(submission);
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: table('DataNeeds'),
        IndexName: 'byCountyStatus',
        KeyConditionExpression: 'gsi1pk = :county AND begins_with(gsi1sk, :day)',
        ExpressionAttributeValues: { ':county': 'COUNTY#469001', ':day': new Date().toISOString().slice(0, 4) },
      }),
    );
    expect(Items.find((item) => item.needId === created.body.needId)).toMatchObject({ status: expect.any(String), submittedAt: expect.any(String) });
  });

  it('normalises what people paste: full-width and lower-case credit code, +86 mobile, spaced names', async () => {
    const submission = validSubmission();
    const code = submission.enterprise.creditCode;
    submission.enterprise.creditCode = ` ${[...code.toLowerCase()].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')} `;
    submission.contact.mobile = '+86 138-0013-8000';
    submission.enterprise.industryCode = 'ｃ１４';
    const created = await post(submission);
    expect(created.status).toBe(201);
    const { Item } = await db.send(
      new GetCommand({ TableName: table('DataNeeds'), Key: { pk: `NEED#${created.body.needId}`, sk: 'NEED' } }),
    );
    expect(Item?.enterprise.creditCode).toBe(code);
    expect(Item?.enterprise.industryCode).toBe('C14');
    expect(Item?.contact.mobile).toBe('13800138000');
  });

  it('refuses a second open need for the same credit code with 409, writing nothing', async () => {
    const submission = validSubmission();
    expect((await post(submission)).status).toBe(201);
    const again = await post({ ...submission, need: { ...submission.need, amountYuan: 800_000 } });
    expectProblem(again, 409);
    expect(again.body.type).toBe('/problems/open-need-exists');
    expect(await needsFor(submission.enterprise.creditCode)).toBe(1);
  });

  it('replays the first answer for a retry with the same Idempotency-Key, and refuses the key with another body', async () => {
    const submission = validSubmission();
    const key = crypto.randomUUID();
    const first = await post(submission, { 'Idempotency-Key': key });
    const retry = await post(submission, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await needsFor(submission.enterprise.creditCode)).toBe(1);

    const other = await post({ ...submission, need: { ...submission.need, termMonths: 24 } }, { 'Idempotency-Key': key });
    expectProblem(other, 422);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');
    expect(await needsFor(submission.enterprise.creditCode)).toBe(1);
  });

  it('answers concurrent duplicates with one need: one 201, the others 409', async () => {
    const submission = validSubmission();
    const results = await Promise.all(Array.from({ length: 5 }, () => post(submission)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(await needsFor(submission.enterprise.creditCode)).toBe(1);
  });

  it('points at each bad field with a message in Chinese and English', async () => {
    const submission = validSubmission();
    submission.enterprise.creditCode = submission.enterprise.creditCode.slice(0, 17) + (submission.enterprise.creditCode.endsWith('0') ? '1' : '0');
    submission.enterprise.countyCode = '330100'; // a prefecture, not a county
    submission.contact.mobile = '2380013800';
    submission.need.amountYuan = 12.5;
    (submission.consent as { shareWithBanks: boolean }).shareWithBanks = false;
    const result = await post(submission, { 'Accept-Language': 'en' });
    expectProblem(result, 400);
    expect(result.body.title).toBe('The request has invalid fields');
    const byPointer = Object.fromEntries(result.body.errors.map((e: any) => [e.pointer, e]));
    expect(Object.keys(byPointer).sort()).toEqual(
      ['/consent/shareWithBanks', '/contact/mobile', '/enterprise/countyCode', '/enterprise/creditCode', '/need/amountYuan'].sort(),
    );
    expect(byPointer['/enterprise/creditCode'].code).toBe('credit_code.check');
    for (const error of result.body.errors) {
      expect(error.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(error.message.en).toMatch(/[A-Za-z]/);
    }
    expect(await needsFor(submission.enterprise.creditCode)).toBe(0);
  });

  it('names unknown and missing fields', async () => {
    const submission = validSubmission() as any;
    submission.enterprise.nickname = 'x';
    delete submission.contact.mobile;
    const result = await post(submission);
    expectProblem(result, 400);
    expect(result.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/enterprise/nickname', code: 'unknown_field' }),
        expect.objectContaining({ pointer: '/contact/mobile', code: 'required' }),
      ]),
    );
  });

  it('answers 415 for a body that is not JSON, 400 for broken JSON, 413 above 32 KiB', async () => {
    const wrongType = await fetch(`${baseUrl}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const broken = await post('{"enterprise":');
    expectProblem(broken, 400);
    expect(broken.body.type).toBe('/problems/malformed-json');

    const big = validSubmission();
    big.need.description = '长'.repeat(12_000); // 36 KB of UTF-8
    const tooLarge = await post(big);
    expectProblem(tooLarge, 413);
    expect(await needsFor(big.enterprise.creditCode)).toBe(0);
  });

  it('never answers 5xx and never keeps a partial record, whatever the body', async () => {
    const valid = validSubmission();
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    // Bodies that are mostly valid with one part replaced by something arbitrary, and plain garbage.
    const mutated = fc
      .tuple(fc.constantFrom('enterprise', 'contact', 'need', 'consent'), fc.string({ maxLength: 20 }), leaf)
      .map(([section, field, value]) => {
        const body = structuredClone(valid) as any;
        body.enterprise.creditCode = freshCreditCode();
        const keys = Object.keys(body[section]);
        body[section][keys[field.length % keys.length]!] = value;
        return body;
      });
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, fc.jsonValue()), async (body) => {
        const result = await post(JSON.stringify(body) ?? 'null');
        expect(result.status).toBeLessThan(500);
        if (result.status === 201) return;
        expect(result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        const code = (body as any)?.enterprise?.creditCode;
        if (typeof code === 'string' && /^[0-9A-Z]{18}$/.test(code)) expect(await needsFor(code)).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});

describe('POST /v1/needs: text a person cannot have meant', () => {
  it.each([
    ['/enterprise/name', 'a right-to-left override', (b: any) => (b.enterprise.name = '杭州西湖\u202e司公限有品食'), 'text.bidi'],
    ['/contact/name', 'a NUL', (b: any) => (b.contact.name = '王\u0000丽'), 'text.control'],
    ['/contact/name', 'a line break', (b: any) => (b.contact.name = '王\n丽'), 'text.single_line'],
    ['/enterprise/creditCode', 'a tab', (b: any) => (b.enterprise.creditCode = `${b.enterprise.creditCode}\t`), 'text.single_line'],
    ['/contact/mobile', 'an isolate', (b: any) => (b.contact.mobile = '\u2066138\u2069 0013 8000'), 'text.bidi'],
    ['/need/description', 'a lone surrogate', (b: any) => (b.need.description = '采购\ud800原料'), 'text.lone_surrogate'],
    ['/need/description', 'a C1 control', (b: any) => (b.need.description = '采购\u0085原料'), 'text.control'],
  ])('refuses %s with %s: 400 with the pointer, nothing stored', async (pointer, _label, mutate, code) => {
    const submission = validSubmission();
    const creditCode = submission.enterprise.creditCode;
    mutate(submission);
    const result = await post(submission, { 'Accept-Language': 'en' });
    expectProblem(result, 400);
    expect(result.body.type).toBe('/problems/validation');
    expect(result.body.errors).toEqual([expect.objectContaining({ pointer, code, message: { zh: expect.any(String), en: expect.any(String) } })]);
    expect(await needsFor(creditCode)).toBe(0);
  });

  it('takes a description on several lines', async () => {
    const submission = validSubmission();
    submission.need.description = '采购原料\r\n\t扩大生产 (second line)';
    const created = await post(submission);
    expect(created.status).toBe(201);
    const status = await getStatus(created.body.needId, created.body.trackingToken);
    expect(status.body.need.description).toBe('采购原料\n\t扩大生产 (second line)');
  });

  it('refuses a body with bytes that are not UTF-8 with 400, and stores nothing', async () => {
    const submission = validSubmission();
    const [before, after] = JSON.stringify(submission).split('西湖');
    const encode = (text: string) => new TextEncoder().encode(text);
    for (const bad of [[0xff], [0xe8, 0xa5], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
      const result = await post(new Uint8Array([...encode(before!), ...bad, ...encode(after!)]), { 'Accept-Language': 'en' });
      expectProblem(result, 400);
      // Refused as a body (when the gateway passes the bytes) or at the field the bytes were in (when it
      // has decoded them into U+FFFD already): either way never stored.
      if (result.body.type === '/problems/validation') {
        expect(result.body.errors).toEqual([expect.objectContaining({ pointer: '/enterprise/name', code: 'text.replacement_character' })]);
      } else {
        expect(result.body.type).toBe('/problems/invalid-encoding');
      }
    }
    expect(await needsFor(submission.enterprise.creditCode)).toBe(0);
  });
});

describe('POST /v1/needs: a retry after the need was stored but its answer lost', () => {
  /** The idempotency record Powertools keeps for a key (id `<prefix>#<md5 of the JSON key>`). */
  async function idempotencyRecordId(key: string): Promise<string> {
    const hash = createHash('md5').update(JSON.stringify(key)).digest('base64');
    const { Items = [] } = await db.send(new ScanCommand({ TableName: table('DataIdempotency'), ConsistentRead: true }));
    const ids = Items.map((item) => item.id as string).filter((id) => id.endsWith(`#${hash}`));
    expect(ids).toHaveLength(1);
    return ids[0]!;
  }

  /** What a function ended at its deadline after the write leaves behind: the record still in progress. */
  async function leaveInProgress(key: string, inProgressUntil: number) {
    await db.send(
      new UpdateCommand({
        TableName: table('DataIdempotency'),
        Key: { id: await idempotencyRecordId(key) },
        UpdateExpression: 'SET #status = :inProgress, in_progress_expiration = :until REMOVE #data',
        ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
        ExpressionAttributeValues: { ':inProgress': 'INPROGRESS', ':until': inProgressUntil },
      }),
    );
  }

  async function declaredToday(countyCode: string): Promise<number> {
    const { Item } = await db.send(
      new GetCommand({ TableName: table('DataCounters'), Key: { day: chinaDay(new Date()), countyCode }, ConsistentRead: true }),
    );
    return Item?.declared ?? 0;
  }

  it('the function ended after the write: "retry shortly" while it could still be running, then the need itself', async () => {
    const submission = validSubmission();
    submission.enterprise.countyCode = '330102';
    const key = crypto.randomUUID();
    const first = await post(submission, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const declared = await declaredToday('330102');

    await leaveInProgress(key, Date.now() + 60_000);
    const tooSoon = await post(submission, { 'Idempotency-Key': key });
    expectProblem(tooSoon, 409);
    expect(tooSoon.body.type).toBe('/problems/idempotency-in-progress');
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(0);

    await leaveInProgress(key, Date.now() - 1_000);
    const retry = await post(submission, { 'Idempotency-Key': key });
    expect(retry.status).toBe(201);
    expect(retry.body.needId).toBe(first.body.needId);
    expect(retry.headers.get('location')).toBe(`/v1/needs/${first.body.needId}`);
    const status = await getStatus(retry.body.needId, retry.body.trackingToken);
    expect(status.status).toBe(200);
    expect(status.body.needId).toBe(first.body.needId);
    expect(await needsFor(submission.enterprise.creditCode)).toBe(1);
    expect(await declaredToday('330102')).toBe(declared);

    // From now on the retry's answer is the one kept and replayed.
    const again = await post(submission, { 'Idempotency-Key': key });
    expect(again.body).toEqual(retry.body);
  });

  it('the write timed out but was applied (Powertools deleted its record): the retry gets the need, not 409', async () => {
    const submission = validSubmission();
    const key = crypto.randomUUID();
    const first = await post(submission, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    await db.send(new DeleteCommand({ TableName: table('DataIdempotency'), Key: { id: await idempotencyRecordId(key) } }));

    const retry = await post(submission, { 'Idempotency-Key': key });
    expect(retry.status).toBe(201);
    expect(retry.body.needId).toBe(first.body.needId);
    expect((await getStatus(retry.body.needId, retry.body.trackingToken)).status).toBe(200);
    expect(await needsFor(submission.enterprise.creditCode)).toBe(1);

    // Another enterprise's need, or this one without the key, still meets the open-need rule.
    const withoutKey = await post(submission);
    expectProblem(withoutKey, 409);
    expect(withoutKey.body.type).toBe('/problems/open-need-exists');
    const otherKey = await post(submission, { 'Idempotency-Key': crypto.randomUUID() });
    expect(otherKey.body.type).toBe('/problems/open-need-exists');
    // The key with another body, once its record is gone, is still refused as reused.
    await db.send(new DeleteCommand({ TableName: table('DataIdempotency'), Key: { id: await idempotencyRecordId(key) } }));
    const otherBody = await post({ ...submission, need: { ...submission.need, termMonths: 24 } }, { 'Idempotency-Key': key });
    expectProblem(otherBody, 422);
    expect(await needsFor(submission.enterprise.creditCode)).toBe(1);
  });
});

describe('GET /v1/needs/{needId}', () => {
  it('answers 404 alike for a wrong token, no token, an unknown id and a malformed id', async () => {
    const created = await post(validSubmission());
    const wrongToken = await getStatus(created.body.needId, 'A'.repeat(43));
    const noToken = await getStatus(created.body.needId);
    const unknown = await getStatus('01JDZ8Q8Y3M3B3X9N7W1V2C4D5', created.body.trackingToken);
    const malformed = await getStatus('not-an-id', created.body.trackingToken);
    for (const result of [wrongToken, noToken, unknown, malformed]) {
      expectProblem(result, 404);
      expect(result.body.title).toBe(wrongToken.body.title);
      expect(result.body.detail).toBe(wrongToken.body.detail);
    }
  });
});

describe('GET /v1/openapi.json', () => {
  it('serves the committed contract', async () => {
    const response = await fetch(`${baseUrl}/v1/openapi.json`);
    expect(response.status).toBe(200);
    const committed = JSON.parse(readFileSync(new URL('../../shared/openapi.json', import.meta.url), 'utf8'));
    expect(await response.json()).toEqual(committed);
  });
});
