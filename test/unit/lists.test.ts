// The county lists: rows (China time, screening outcome and reasons in Chinese, contact only when
// shown), who sees contacts, the file table (contact columns only with contacts), CSV escaping and the
// formula guard, the XLSX read back; and the handler's failure path the local parts cannot produce:
// an audit record that cannot be written answers 503 and discloses nothing.
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import ExcelJS from 'exceljs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listFile } from '../../shared/adapters/list-files';
import { csvTable } from '../../shared/adapters/report-render/csv';
import { auditPartition } from '../../shared/domain/audit';
import { LIST_STATUSES, listFileName, listRow, listTable, seesContacts, type ListedNeed } from '../../shared/domain/lists';
import { setHandlerEnvironment } from '../support/handler-env';

const need = (overrides: Partial<ListedNeed> = {}): ListedNeed => ({
  needId: '01KB0000000000000000000001',
  submittedAt: '2026-11-30T16:30:05.000Z',
  status: 'not_recommended',
  sizeClass: 'micro',
  enterprise: { name: '杭州西湖清单有限公司', creditCode: '91330106MA2XXXXX0X', industryCode: 'C14' },
  need: { amountYuan: 500_000, termMonths: 12, purpose: 'working_capital', guarantee: 'credit' },
  reasons: ['no_fixed_premises', 'negative_list.abnormal_operation'],
  contact: { name: '王丽', mobile: '13800138000' },
  ...overrides,
});

describe('list rows', () => {
  it('carry the submission in China time, the industry, the outcome and the reasons in Chinese', () => {
    const row = listRow(need(), true);
    expect(row.submittedAtChina).toBe('2026-12-01 00:30:05');
    expect(row.industryName).not.toBe('');
    expect(row.screening).toEqual({
      outcome: 'not_recommended',
      reasons: [
        { code: 'no_fixed_premises', zh: '无固定经营场所' },
        { code: 'negative_list.abnormal_operation', zh: expect.stringContaining('经营异常名录') },
      ],
    });
    expect(row.contact).toEqual({ name: '王丽', mobile: '13800138000' });
  });

  it('show a need entered from a visit that waits for its consent: not screened yet (pending), source visit', () => {
    const row = listRow(need({ status: 'awaiting_consent', reasons: [], source: 'visit' }), false);
    expect(row).toMatchObject({ status: 'awaiting_consent', source: 'visit', screening: { outcome: 'pending', reasons: [] } });
    const table = listTable([row], false);
    expect(table.rows[0]![table.header.indexOf('初筛结果')]).toBe('待企业确认授权（尚未初筛）');
    expect(listRow(need(), false)).not.toHaveProperty('source');
  });

  it('leave the contact out when it is not to be shown, and a recommended need has that outcome', () => {
    const row = listRow(need({ status: 'offered', reasons: [] }), false);
    expect(row).not.toHaveProperty('contact');
    expect(row.screening).toEqual({ outcome: 'recommended', reasons: [] });
  });

  it('the declaration list is the screened needs, the recommendation list recommended and beyond', () => {
    // And the needs entered from visits that wait for the enterprise's consent (not screened yet).
    // And, in counties that review by hand, the needs waiting for the review or returned by it.
    expect(LIST_STATUSES.declared).toEqual(['not_recommended', 'recommended', 'offered', 'accepted', 'granted', 'disbursed', 'unmatched', 'awaiting_consent', 'in_review', 'returned']);
    expect(LIST_STATUSES.recommended).toEqual(['recommended', 'offered', 'accepted', 'granted', 'disbursed', 'unmatched']);
  });

  it('only the county’s own task force sees contacts: not a coordinator above it, not a regulator', () => {
    expect(seesContacts({ subject: 'a', role: 'task_force', jurisdiction: '330106' }, '330106')).toBe(true);
    expect(seesContacts({ subject: 'b', role: 'task_force', jurisdiction: '330100' }, '330106')).toBe(false);
    expect(seesContacts({ subject: 'c', role: 'task_force', jurisdiction: '330000' }, '330106')).toBe(false);
    expect(seesContacts({ subject: 'd', role: 'regulator', jurisdiction: '330106' }, '330106')).toBe(false);
  });

  it('the file table has the contact columns only with contacts', () => {
    const withContact = listTable([listRow(need(), true)], true);
    const without = listTable([listRow(need(), false)], false);
    expect(withContact.header.slice(-2)).toEqual(['联系人', '联系电话']);
    expect(without.header).not.toContain('联系人');
    expect(without.header).toHaveLength(withContact.header.length - 2);
    expect(JSON.stringify(without.rows)).not.toContain('13800138000');
    expect(withContact.rows[0]![7]).toBe(500_000);
  });

  it('file names: county, list, China day, format', () => {
    expect(listFileName('330106', 'declared', 'csv', new Date('2026-11-30T16:30:00Z'))).toBe('smefin-330106-declared-2026-12-01.csv');
  });

  it('list-export records go to the county’s audit partition', () => {
    expect(auditPartition({ kind: 'list-export', at: '2026-12-01T08:00:00.000Z', who: 'x', countyCode: '330106', list: 'declared', format: 'csv', needCount: 3 })).toBe('COUNTY#330106');
  });
});

describe('CSV', () => {
  it('UTF-8 with BOM, CRLF; quotes, commas and line breaks quoted; a leading = + - @ defused with a quote', () => {
    const csv = csvTable(['名称', '金额'], [['=1+1', 1], ['+86 138', 2], ['-5', 3], ['@SUM(A1)', 4], ['a "b", c\nd', 5], ['普通', 6]]).toString('utf8');
    expect(csv.startsWith('\uFEFF名称,金额\r\n')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual(["名称,金额", "'=1+1,1", "'+86 138,2", "'-5,3", "'@SUM(A1),4", '"a ""b"", c\nd",5', '普通,6', '']);
  });
});

describe('XLSX', () => {
  it('reads back with exceljs: the list’s sheet, the header row, text and numbers as given', async () => {
    const file = listFile('xlsx', { countyCode: '330106', list: 'declared', rows: [listRow(need(), true)], withContact: true, now: new Date('2026-12-01T00:00:00Z') });
    expect(file.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('申报清单');
    expect((sheet.getRow(1).values as unknown[]).slice(1, 3)).toEqual(['需求编号', '提交时间（北京时间）']);
    const row = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(row[0]).toBe('01KB0000000000000000000001');
    expect(row[7]).toBe(500_000);
    expect(row.at(-1)).toBe('13800138000');
  });
});

describe('the lists handler when the audit log cannot be written', () => {
  type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
  const documents = mockClient(DynamoDBDocumentClient);
  let handler: Handler;

  beforeAll(async () => {
    setHandlerEnvironment({
      NEEDS_TABLE_NAME: 'needs',
      AUDIT_TABLE_NAME: 'audit',
    });
    handler = (await import('../../functions/lists/index')).handler as unknown as Handler;
  });
  afterEach(() => documents.reset());

  const call = (jurisdiction: string) =>
    handler(
      {
        httpMethod: 'GET',
        path: '/v1/lists/330106',
        resource: '/v1/lists/{countyCode}',
        headers: { 'Accept-Language': 'zh-CN' },
        multiValueHeaders: {},
        queryStringParameters: { list: 'declared', format: 'csv' },
        multiValueQueryStringParameters: null,
        pathParameters: { countyCode: '330106' },
        stageVariables: null,
        body: null,
        isBase64Encoded: false,
        requestContext: { requestId: 'req-1', authorizer: { sub: 'officer', role: 'task_force', jurisdiction } } as unknown as APIGatewayProxyEvent['requestContext'],
      },
      { functionName: 'lists', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context,
    );

  function needsTable() {
    documents.on(QueryCommand).resolves({ Items: [{ needId: 'N1', submittedAt: '2026-12-01T00:00:00.000Z', status: 'recommended', sizeClass: 'micro' }] });
    documents.on(BatchGetCommand).resolves({
      Responses: { needs: [{ needId: 'N1', enterprise: { name: '甲', creditCode: 'X', industryCode: 'C14' }, need: { amountYuan: 1 }, contact: { name: '王丽', mobile: '13800138000' } }] },
    });
  }

  it('answers 503 with Retry-After, no contact, when the list-export record is refused', async () => {
    needsTable();
    documents.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    const response = await call('330106');
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBeDefined();
    expect(response.body).not.toMatch(/13800138000|王丽|N1/);
    expect(documents.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({ TableName: 'audit', Item: { pk: 'COUNTY#330106', kind: 'list-export', needCount: 1 } });
  });

  it('writes no audit record for a coordinator (no contacts read at all)', async () => {
    needsTable();
    const response = await call('330100');
    expect(response.statusCode).toBe(200);
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
    expect(String(documents.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems!.needs!.ProjectionExpression)).not.toContain('#contact');
  });
});
