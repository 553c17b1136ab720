// The holiday calendar CLI (scripts/calendar.ts) as an operator runs it, against the DynamoDB Local
// of the integration suite (found through <SMEFIN_DATA_DIR>/runtime.json): an open referral whose
// deadline runs into a year without an arrangement is provisional; loading the year's arrangement
// makes the year official, moves the deadline, and the functions' calendar source sees it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_2027 } from '../support/holidays';
import { PROJECT_ROOT } from '../../lib/lambda-defaults';
import { ENV } from '../../shared/domain/environment';
import { workingDayDeadline } from '../../shared/domain/holiday-calendar';
import { calendarKey, calendarOf, tableCalendarSource } from '../../shared/adapters/calendar';
import { PROVISIONAL_DEADLINES_PARTITION, referralKey } from '../../shared/adapters/routing-store';
import { writeRuntimeInfo } from '../../local/runtime-info';

const tables = inject('tables');
const table = (prefix: string) => tables.find((name) => name.startsWith(prefix))!;
const needs = () => table('DataNeeds');
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: inject('dynamoDbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);
let dataDir: string;



beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-calendar-cli-'));
  writeRuntimeInfo(dataDir, {
    apiUrl: inject('baseUrl'),
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    awsEmulatorEndpoint: inject('baseUrl'),
    tables: { needs: needs(), counters: table('DataCounters'), idempotency: table('DataIdempotency') },
    bankSecretPrefix: 'smefin/calendar-test/banks/',
    bankSecretsFile: path.join(dataDir, 'bank-secrets.json'),
    pid: process.pid,
  });
});

afterAll(async () => {
  await db.send(new DeleteCommand({ TableName: needs(), Key: calendarKey(2027) }));
  db.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'calendar.ts'), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, SMEFIN_DATA_DIR: dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run calendar', () => {
  it('shows 2027 as provisional (statutory days only) until its arrangement is loaded, and warns', async () => {
    const run = await cli(['show', '--json']);
    expect(run.code).toBe(0);
    const shown = JSON.parse(run.stdout) as { lastOfficialYear: number; years: { year: number; status: string; from: string }[] };
    expect(shown.lastOfficialYear).toBe(2026);
    expect(shown.years.find((y) => y.year === 2027)).toMatchObject({ status: 'provisional', from: 'law' });
    expect(run.stderr).toContain('Warning');
  });

  it('refuses an invalid file with the field, and writes nothing', async () => {
    const file = path.join(dataDir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...TEST_2027, workdays: { '2027-02-22': '春节' } }));
    const run = await cli(['load', '--file', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('/workdays/2027-02-22');
    expect((await db.send(new GetCommand({ TableName: needs(), Key: calendarKey(2027) }))).Item).toBeUndefined();
  });

  it('loads 2027: the year becomes official, an open provisional deadline is recomputed, the functions see it', async () => {
    // An open referral offered on Thu 4 Feb 2027 with 3 working days: provisional on the law's calendar.
    const offeredAt = new Date('2027-02-04T02:00:00.000Z');
    const provisional = workingDayDeadline(offeredAt, 3, calendarOf());
    expect(provisional).toEqual({ deadline: new Date('2027-02-15T16:00:00.000Z'), provisional: true });
    const referralId = `cal-${Date.now()}`;
    await db.send(
      new PutCommand({
        TableName: needs(),
        Item: {
          ...referralKey(referralId),
          itemType: 'referral',
          referralId,
          needId: 'need-x',
          bankId: 'bank-x',
          stage: 'offered',
          offeredAt: offeredAt.toISOString(),
          deadline: provisional.deadline.toISOString(),
          acknowledgeWorkingDays: 3,
          deadlineProvisional: true,
          decideWithinDays: 30,
        },
      }),
    );
    await db.send(new PutCommand({ TableName: needs(), Item: { pk: PROVISIONAL_DEADLINES_PARTITION, sk: `REFERRAL#${referralId}`, referralId } }));

    const file = path.join(dataDir, '2027.json');
    writeFileSync(file, JSON.stringify({ format: 1, arrangements: [TEST_2027] }));
    expect((await cli(['load', '--file', file, '--dry-run'])).code).toBe(0);
    expect((await db.send(new GetCommand({ TableName: needs(), Key: calendarKey(2027) }))).Item).toBeUndefined();

    const run = await cli(['load', '--file', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${referralId}: 2027-02-15T16:00:00.000Z → 2027-02-17T16:00:00.000Z`);
    const { Item } = await db.send(new GetCommand({ TableName: needs(), Key: referralKey(referralId) }));
    expect(Item).toMatchObject({ deadline: '2027-02-17T16:00:00.000Z' });
    expect(Item?.deadlineProvisional).toBeUndefined();
    expect((await db.send(new GetCommand({ TableName: needs(), Key: { pk: PROVISIONAL_DEADLINES_PARTITION, sk: `REFERRAL#${referralId}` } }))).Item).toBeUndefined();

    const shown = JSON.parse((await cli(['show', '--json'])).stdout) as { lastOfficialYear: number; coverageDaysLeft: number };
    expect(shown.lastOfficialYear).toBe(2027);

    // The functions' source (Powertools parameters over the same items) sees the arrangement.
    const previous = process.env[ENV.needsTable];
    process.env[ENV.needsTable] = needs();
    try {
      const calendar = await tableCalendarSource().current();
      expect(calendar.yearStatus(2027)).toBe('official');
      expect(calendar.isWorkday('2027-02-12')).toBe(false);
    } finally {
      if (previous === undefined) delete process.env[ENV.needsTable];
      else process.env[ENV.needsTable] = previous;
    }
  });
});
