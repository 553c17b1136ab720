// Named consent and the task force's contact on the real local parts (HTTP → the local API gateway →
// the handlers → DynamoDB Local): GET /v1/counties/{countyCode}/banks lists the registry's banks
// serving a county, names only; a submission names its banks (each must serve the county) and the
// need keeps them; the 2026-11 text keeps the banks serving the county at submission; need-status
// answers with the county's task-force contact.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BankRegistryStore, bankKey } from '../../shared/adapters/bank-registry-store';
import { needKey } from '../../shared/adapters/need-repository';
import { TaskForceStore } from '../../shared/adapters/task-force-store';
import { parseBank, type Bank } from '../../shared/domain/bank';
import { CURRENT_CONSENT_VERSION } from '../../shared/domain/consent';
import type { TaskForceContact } from '../../shared/domain/task-force';
import { validSubmission } from '../support/needs';
import { SME_LOAN_PRODUCT } from '../support/test-banks';

const baseUrl = inject('baseUrl');
const tables = inject('tables');
const needsTable = tables.find((name) => name.startsWith('DataNeeds'))!;
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: inject('dynamoDbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);
const registry = new BankRegistryStore(db, needsTable);
const taskForces = new TaskForceStore(db, needsTable);

// Xiamen Huli (350206), where this file's banks and task force are; Xiamen Jimei (350211) has no contact.
const COUNTY = '350206';
const NATIONAL_BANK = { bankId: 'silent-national-bank', nameZh: '静默测试银行', nameEn: 'Silent Test Bank' }; // global-setup.ts

function bank(bankId: string, divisions: string[], active = true): Bank {
  const parsed = parseBank({
    bankId,
    nameZh: `${bankId} 测试银行`,
    nameEn: `${bankId} Test Bank`,
    divisions,
    // Lends at most 100,000 yuan: never offered this file's needs of 500,000 (it has no signing secret).
    products: [{ ...SME_LOAN_PRODUCT, maxAmountYuan: 100_000 }],
    capacity: 10,
    webhookUrl: `https://${bankId}.example.cn/hook`,
    active,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.bank;
}

const HULI_BANK = bank('huli-consent-bank', [COUNTY]);
const CLOSED_BANK = bank('huli-closed-bank', [COUNTY], false);
const CONTACT: TaskForceContact = {
  countyCode: COUNTY,
  office: { zh: '湖里区小微企业融资协调工作专班（测试）', en: 'Huli District SME Financing Task Force (test)' },
  phone: '0592-0000 0206',
  address: { zh: '福建省厦门市湖里区示例路 6 号', en: '6 Example Road, Huli District, Xiamen, Fujian' },
  hours: { zh: '工作日 9:00–17:00', en: 'Working days 9:00–17:00' },
};

beforeAll(async () => {
  for (const b of [HULI_BANK, CLOSED_BANK]) await registry.putBank(b, new Date());
  await taskForces.put(CONTACT, new Date());
});

afterAll(async () => {
  // No bank of this file stays in the registry for the suite's other needs.
  for (const b of [HULI_BANK, CLOSED_BANK]) await db.send(new DeleteCommand({ TableName: needsTable, Key: bankKey(b.bankId) }));
  await taskForces.remove(COUNTY);
  db.destroy();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

function submission(countyCode: string, consent: Record<string, unknown>) {
  const body = validSubmission();
  body.enterprise.countyCode = countyCode;
  body.consent = consent as typeof body.consent;
  return body;
}

const storedNeed = async (needId: string) => (await db.send(new GetCommand({ TableName: needsTable, Key: needKey(needId), ConsistentRead: true }))).Item;

describe('GET /v1/counties/{countyCode}/banks', () => {
  it("lists the active banks serving the county, the most local first, names only, cacheable for 5 minutes", async () => {
    const answer = await get(`/v1/counties/${COUNTY}/banks`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=300');
    expect(answer.body.countyCode).toBe(COUNTY);
    const banks = answer.body.banks as Record<string, unknown>[];
    expect(banks[0]).toEqual({ bankId: HULI_BANK.bankId, nameZh: HULI_BANK.nameZh, nameEn: HULI_BANK.nameEn });
    expect(banks).toContainEqual(NATIONAL_BANK);
    expect(banks.map((b) => b.bankId)).not.toContain(CLOSED_BANK.bankId);
    for (const b of banks) expect(Object.keys(b).sort()).toEqual(['bankId', 'nameEn', 'nameZh']);
    // A county elsewhere has none of this file's banks.
    const jimei = await get('/v1/counties/350211/banks');
    expect((jimei.body.banks as { bankId: string }[]).map((b) => b.bankId)).not.toContain(HULI_BANK.bankId);
  });

  it('answers 400 problem+json for a code that is no county, with a bilingual message', async () => {
    for (const code of ['350200', '999999', 'abc']) {
      const answer = await get(`/v1/counties/${code}/banks`, { 'Accept-Language': 'en' });
      expect(answer.status, code).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body.type).toBe('/problems/validation');
      expect(answer.body.errors).toEqual([
        { pointer: '', code: 'county_code.unknown', message: { zh: expect.stringContaining('县级行政区'), en: expect.stringContaining('county-level') } },
      ]);
    }
  });
});

describe('POST /v1/needs with named consent', () => {
  it('keeps the banks named (with their names), the text version and the time; need-status gives the task force', async () => {
    const before = Date.now();
    const created = await post(submission(COUNTY, { shareWithBanks: true, textVersion: CURRENT_CONSENT_VERSION, bankIds: [HULI_BANK.bankId, NATIONAL_BANK.bankId] }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const record = await storedNeed(created.body.needId);
    expect(record?.consent).toEqual({
      shareWithBanks: true,
      textVersion: '2026-12',
      at: expect.any(String),
      recipients: [
        { bankId: HULI_BANK.bankId, nameZh: HULI_BANK.nameZh, nameEn: HULI_BANK.nameEn },
        NATIONAL_BANK,
      ],
    });
    expect(Date.parse(record!.consent.at)).toBeGreaterThanOrEqual(before - 1000);

    const status = await get(`/v1/needs/${created.body.needId}`, { Authorization: `Bearer ${created.body.trackingToken}` });
    expect(status.status).toBe(200);
    expect(status.body.taskForce).toEqual(CONTACT);
  });

  it('refuses a bank that does not serve the county (or is inactive) with 400 at /consent/bankIds, zh and en, and stores nothing', async () => {
    const body = submission('350211', { shareWithBanks: true, textVersion: CURRENT_CONSENT_VERSION, bankIds: [NATIONAL_BANK.bankId, HULI_BANK.bankId] });
    const refused = await post(body, { 'Accept-Language': 'en' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: '/problems/validation', title: 'The request has invalid fields' });
    expect(refused.body.errors).toEqual([
      {
        pointer: '/consent/bankIds',
        code: 'consent.bank_not_serving',
        message: { zh: expect.stringContaining(HULI_BANK.bankId), en: expect.stringContaining(HULI_BANK.bankId) },
      },
    ]);
    const inactive = await post(submission(COUNTY, { shareWithBanks: true, textVersion: CURRENT_CONSENT_VERSION, bankIds: [CLOSED_BANK.bankId] }));
    expect(inactive.status).toBe(400);
    expect(inactive.body.errors[0].pointer).toBe('/consent/bankIds');
    // Nothing stored: the same credit code can declare its need right away.
    body.consent.bankIds = [NATIONAL_BANK.bankId];
    expect((await post(body)).status).toBe(201);
  });

  it('needs bankIds with the current text, which names the banks', async () => {
    const refused = await post(submission(COUNTY, { shareWithBanks: true, textVersion: CURRENT_CONSENT_VERSION }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '/consent/bankIds', code: 'required' })]);
  });

  it('under the 2026-11 text (no names) keeps the banks serving the county at submission; no task force where none is loaded', async () => {
    const created = await post(submission('350211', { shareWithBanks: true, textVersion: '2026-11' }));
    expect(created.status).toBe(201);
    const record = await storedNeed(created.body.needId);
    expect(record?.consent.textVersion).toBe('2026-11');
    expect(record?.consent.recipients).toContainEqual(NATIONAL_BANK);
    expect((record?.consent.recipients as { bankId: string }[]).map((b) => b.bankId)).not.toContain(HULI_BANK.bankId);
    const status = await get(`/v1/needs/${created.body.needId}`, { Authorization: `Bearer ${created.body.trackingToken}` });
    expect(status.status).toBe(200);
    expect(status.body).not.toHaveProperty('taskForce');
  });
});
