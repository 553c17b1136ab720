// The owner's changes to a need on the real local parts: POST /v1/needs/{needId}/amendments and
// /withdrawal through the local API Gateway to the handler and DynamoDB Local — bad input is
// answered field by field and changes nothing; a withdrawal erases the contact and frees the code.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { validSubmission } from '../support/needs';

const baseUrl = inject('baseUrl');
const tables = inject('tables');
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: inject('dynamoDbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);
afterAll(() => db.destroy());

const needItem = async (needId: string) =>
  (await db.send(new GetCommand({ TableName: tables.find((name) => name.startsWith('DataNeeds'))!, Key: { pk: `NEED#${needId}`, sk: 'NEED' }, ConsistentRead: true }))).Item!;
/** The need as the owner's change would leave it (the SMS notice's token hashes are written beside it, at their own pace). */
const changeable = async (needId: string) => {
  const { noticeTokenHashes: _, ...item } = await needItem(needId);
  return item;
};

/** A need the screening leaves not recommended (no fixed premises): closed, amendable, whatever banks serve the county. */
async function notRecommendedNeed() {
  const submission = validSubmission();
  submission.enterprise.hasFixedPremises = false;
  const response = await fetch(`${baseUrl}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(submission) });
  expect(response.status).toBe(201);
  const need = (await response.json()) as { needId: string; trackingToken: string };
  for (let i = 0; i < 200; i++) {
    if ((await needItem(need.needId)).status === 'not_recommended') return { ...need, submission };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the need was not screened');
}

async function change(needId: string, token: string, kind: 'amendments' | 'withdrawal', body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/v1/needs/${needId}/${kind}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, any> };
}

describe('POST /v1/needs/{needId}/amendments', () => {
  it('answers bad input field by field, in Chinese and English, and changes nothing', async () => {
    const need = await notRecommendedNeed();
    const before = await changeable(need.needId);
    const cases: { body: string; headers?: Record<string, string>; status: number; pointer?: string }[] = [
      { body: '{"need":', status: 400 },
      { body: JSON.stringify({ need: { amountYuan: 10 } }), status: 400, pointer: '/need/amountYuan' },
      { body: JSON.stringify({ need: { firstLoan: false } }), status: 400, pointer: '/need/firstLoan' },
      { body: JSON.stringify({ contact: { mobile: '13900139000' } }), status: 400, pointer: '/contact' },
      { body: JSON.stringify({ need: { termMonths: need.submission.need.termMonths } }), status: 400, pointer: '' },
      { body: JSON.stringify({ need: { amountYuan: 300_000 } }), headers: { 'Content-Type': 'text/plain' }, status: 415 },
    ];
    for (const c of cases) {
      const zh = await change(need.needId, need.trackingToken, 'amendments', c.body, c.headers);
      expect(zh.status, c.body).toBe(c.status);
      expect(zh.contentType).toMatch(/^application\/problem\+json/);
      if (c.pointer !== undefined) {
        // Each field's message in both languages; the problem's detail in the one asked for.
        expect(zh.body.errors[0]).toMatchObject({ pointer: c.pointer, message: { zh: expect.stringMatching(/[\u4e00-\u9fff]/u), en: expect.stringMatching(/^[^\u4e00-\u9fff]+$/u) } });
        const en = await change(need.needId, need.trackingToken, 'amendments', c.body, { 'Accept-Language': 'en', ...c.headers });
        expect(en.body.detail).toMatch(/^[^\u4e00-\u9fff]+$/u);
      }
    }
    expect(await changeable(need.needId)).toEqual(before);
  });

  it('a wrong token or id is a 404 as on the status page, and writes nothing', async () => {
    const need = await notRecommendedNeed();
    const before = await changeable(need.needId);
    expect((await change(need.needId, 'wrong', 'amendments', JSON.stringify({ need: { amountYuan: 300_000 } }))).status).toBe(404);
    expect((await change('01JDZ8Q8Y3M3B3X9N7W1V2C4D5', need.trackingToken, 'withdrawal')).status).toBe(404);
    expect((await change('not-an-id', need.trackingToken, 'withdrawal')).status).toBe(404);
    expect(await changeable(need.needId)).toEqual(before);
  });

  it('amends a need that was not recommended: the change and an amended entry, submitted again in a new round', async () => {
    const need = await notRecommendedNeed();
    const amended = await change(need.needId, need.trackingToken, 'amendments', JSON.stringify({ enterprise: { hasFixedPremises: true }, need: { amountYuan: 300_000 } }));
    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({ status: 'submitted', need: { amountYuan: 300_000 } });
    expect(amended.body.timeline.at(-1)).toMatchObject({ code: 'amended', params: { fields: ['/need/amountYuan', '/enterprise/hasFixedPremises'] } });
    const item = await needItem(need.needId);
    expect(item).toMatchObject({ routingRound: 1, earlierScreenings: [expect.objectContaining({ recommended: false })] });
    expect(item.enterprise.hasFixedPremises).toBe(true);
  });
});

describe('POST /v1/needs/{needId}/withdrawal', () => {
  it('withdraws a closed need while a newer need of the same enterprise is open, and leaves the newer one its claim', async () => {
    const old = await notRecommendedNeed();
    const newer = validSubmission();
    newer.enterprise.creditCode = old.submission.enterprise.creditCode;
    const created = await fetch(`${baseUrl}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(newer) });
    expect(created.status).toBe(201);
    const { needId: newerId } = (await created.json()) as { needId: string };
    expect((await change(old.needId, old.trackingToken, 'withdrawal')).status).toBe(200);
    const claim = await db.send(
      new GetCommand({ TableName: tables.find((name) => name.startsWith('DataNeeds'))!, Key: { pk: `CREDITCODE#${old.submission.enterprise.creditCode}`, sk: 'OPEN_NEED' }, ConsistentRead: true }),
    );
    expect(claim.Item?.needId).toBe(newerId);
  });

  it('withdraws the need: contact erased, the credit code free again, further amendments refused with the reason', async () => {
    const need = await notRecommendedNeed();
    const withdrawn = await change(need.needId, need.trackingToken, 'withdrawal');
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', actions: { amend: false, withdraw: false } });
    expect(JSON.stringify(withdrawn.body)).not.toContain(need.submission.contact.mobile);
    const item = await needItem(need.needId);
    expect(item.contact).toEqual({ name: '[已删除 erased]', mobile: '[已删除 erased]' });
    const refused = await change(need.needId, need.trackingToken, 'amendments', JSON.stringify({ need: { amountYuan: 300_000 } }), { 'Accept-Language': 'en' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ reason: 'withdrawn', detail: 'The need was withdrawn', type: '/problems/need-change-refused' });
  });
});
