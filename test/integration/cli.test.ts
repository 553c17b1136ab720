// The operator CLIs (scripts/bank.ts, scripts/negative-list.ts, scripts/lists.ts, scripts/backfill-index-keys.ts) as an operator runs
// them, as child processes, against the DynamoDB Local of the integration suite. The local system is
// found the way the CLIs find it, through <SMEFIN_DATA_DIR>/runtime.json; Secrets Manager is a small
// in-test fake of the AWS JSON protocol (the operations the CLIs call), so these tests do not depend
// on the local AWS emulator.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/lambda-defaults';
import { readRuntimeInfo, writeRuntimeInfo, type RuntimeInfo } from '../../local/runtime-info';
import { loadBankSeed, seedBanks } from '../../local/simulated-banks';
import { freshCreditCode } from '../support/needs';

const tables = inject('tables');
const table = (prefix: string) => tables.find((name) => name.startsWith(prefix))!;
const SECRET_PREFIX = 'smefin/cli-test/banks/';

/** Secrets Manager's AWS JSON 1.1 protocol, the operations the CLIs use, in memory. */
async function fakeSecretsManager() {
  const secrets = new Map<string, { value: string; changed: number }>();
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').replace('secretsmanager.', '');
      calls.push(operation);
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>;
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const error = (type: string) => send(400, { __type: type, message: type });
      const name = input.Name ?? input.SecretId ?? '';
      const existing = secrets.get(name);
      switch (operation) {
        case 'CreateSecret':
          if (existing) return error('ResourceExistsException');
          secrets.set(name, { value: input.SecretString!, changed: Date.now() });
          return send(200, { ARN: `arn:aws-cn:secretsmanager:cn-north-1:000000000000:secret:${name}`, Name: name });
        case 'PutSecretValue':
          if (!existing) return error('ResourceNotFoundException');
          secrets.set(name, { value: input.SecretString!, changed: Date.now() });
          return send(200, { Name: name });
        case 'DescribeSecret':
          if (!existing) return error('ResourceNotFoundException');
          return send(200, { Name: name, LastChangedDate: existing.changed / 1000 });
        case 'GetSecretValue':
          if (!existing) return error('ResourceNotFoundException');
          return send(200, { Name: name, SecretString: existing.value });
        default:
          return error('UnknownOperationException');
      }
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    secrets,
    calls,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

let dataDir: string;
let secretsManager: Awaited<ReturnType<typeof fakeSecretsManager>>;
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: inject('dynamoDbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-cli-'));
  secretsManager = await fakeSecretsManager();
  const info: RuntimeInfo = {
    apiUrl: inject('baseUrl'),
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    awsEmulatorEndpoint: secretsManager.endpoint,
    tables: { needs: table('DataNeeds'), counters: table('DataCounters'), idempotency: table('DataIdempotency') },
    bankSecretPrefix: SECRET_PREFIX,
    bankSecretsFile: path.join(dataDir, 'bank-secrets.json'),
    pid: process.pid,
  };
  writeRuntimeInfo(dataDir, info);
});

afterAll(async () => {
  await secretsManager?.stop();
  db.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(script: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', script), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, SMEFIN_DATA_DIR: dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function writeJson(name: string, value: unknown): string {
  const file = path.join(dataDir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

const SECRET_PATTERN = /whsec_[A-Za-z0-9+/]{43}=/g;

describe('runtime info', () => {
  it('is read back while its process lives, and ignored when the pid is gone', () => {
    expect(readRuntimeInfo(dataDir)?.pid).toBe(process.pid);
    const stale = mkdtempSync(path.join(tmpdir(), 'smefin-cli-stale-'));
    writeRuntimeInfo(stale, { ...readRuntimeInfo(dataDir)!, pid: 2 ** 22 + 12345 });
    expect(readRuntimeInfo(stale)).toBeUndefined();
    rmSync(stale, { recursive: true, force: true });
  });

  it('makes the CLIs say npm start is not running', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'smefin-cli-empty-'));
    const run = await cli('bank.ts', ['list'], { SMEFIN_DATA_DIR: empty });
    rmSync(empty, { recursive: true, force: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/npm start/);
    expect(run.stderr).toMatch(/--aws/);
  });

  it('makes --aws ask for the table names', async () => {
    const run = await cli('lists.ts', ['--aws', '--county', '330106', '--list', 'declared'], { NEEDS_TABLE_NAME: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--needs-table/);
  });
});

describe('scripts/bank.ts', () => {
  const bankId = `cli-bank-${Date.now().toString(36)}`;
  const [template] = seedBanks(loadBankSeed(), 9999);
  // Inactive: the suite's other needs must never be offered to it.
  const bankFile = () =>
    writeJson(`${bankId}.json`, { ...template, bankId, active: false, webhookUrl: `https://${bankId}.example.cn/smefin/webhook` });

  it('adds a bank and prints its new signing secret once', async () => {
    const run = await cli('bank.ts', ['add', '--file', bankFile()]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const printed = run.stdout.match(SECRET_PATTERN) ?? [];
    expect(printed).toHaveLength(1);
    expect(secretsManager.secrets.get(`${SECRET_PREFIX}${bankId}`)?.value).toBe(printed[0]);
    expect(run.stdout).toMatch(new RegExp(`Added ${bankId}`));
  });

  it('validates a file with --dry-run, writing nothing', async () => {
    const run = await cli('bank.ts', ['add', '--dry-run', '--file', writeJson('dry.json', { ...template, bankId: 'cli-dry-run-bank', active: false })]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/dry run: nothing written/);
    expect((await cli('bank.ts', ['list'])).stdout).not.toContain('cli-dry-run-bank');
  });

  it('updates it without touching the secret', async () => {
    const before = secretsManager.secrets.get(`${SECRET_PREFIX}${bankId}`)?.value;
    const run = await cli('bank.ts', ['add', '--file', bankFile()]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(SECRET_PATTERN);
    expect(run.stdout).toMatch(/Updated/);
    expect(run.stdout).toMatch(/unchanged/);
    expect(secretsManager.secrets.get(`${SECRET_PREFIX}${bankId}`)?.value).toBe(before);
  });

  it('lists and shows it, never with its secret', async () => {
    const list = await cli('bank.ts', ['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(bankId);
    expect(list.stdout).toMatch(/0\/200/);
    const show = await cli('bank.ts', ['show', '--bank', bankId]);
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout) as { bank: { bankId: string }; openReferrals: number; signingSecret: { name: string; status: string } };
    expect(shown.bank.bankId).toBe(bankId);
    expect(shown.openReferrals).toBe(0);
    expect(shown.signingSecret).toMatchObject({ name: `${SECRET_PREFIX}${bankId}`, status: expect.stringMatching(/^exists/) });
    expect(show.stdout + list.stdout).not.toMatch(SECRET_PATTERN);
  });

  it('rotates the secret: a new one, printed once', async () => {
    const before = secretsManager.secrets.get(`${SECRET_PREFIX}${bankId}`)!.value;
    const run = await cli('bank.ts', ['rotate-secret', '--bank', bankId]);
    expect(run.code).toBe(0);
    const [printed] = run.stdout.match(SECRET_PATTERN) ?? [];
    expect(printed).toBeDefined();
    expect(printed).not.toBe(before);
    expect(secretsManager.secrets.get(`${SECRET_PREFIX}${bankId}`)!.value).toBe(printed);
    expect(secretsManager.calls).toContain('PutSecretValue');
  });

  it('shows field errors in both languages, even without a running system', async () => {
    const bad = writeJson('bad-bank.json', {
      ...template,
      bankId: 'Bad Id',
      divisions: ['999999'],
      products: [{ ...template!.products[0], minAmountYuan: 5, maxAmountYuan: 1 }],
      secret: 'whsec_x',
    });
    const empty = mkdtempSync(path.join(tmpdir(), 'smefin-cli-empty-'));
    const run = await cli('bank.ts', ['add', '--file', bad], { SMEFIN_DATA_DIR: empty });
    rmSync(empty, { recursive: true, force: true });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/npm start/);
    expect(run.stderr).toMatch(/\/bankId/);
    expect(run.stderr).toMatch(/银行标识/);
    expect(run.stderr).toMatch(/The bank id must be/);
    expect(run.stderr).toMatch(/\/divisions\/0/);
    expect(run.stderr).toMatch(/\/products\/0\/maxAmountYuan/);
    expect(run.stderr).toMatch(/\/secret/);
  });

  it('refuses unknown banks, bad ids and unknown commands', async () => {
    expect((await cli('bank.ts', ['rotate-secret', '--bank', 'no-such-bank'])).code).toBe(1);
    expect((await cli('bank.ts', ['show', '--bank', 'NOPE'])).stderr).toMatch(/Invalid bank id/);
    expect((await cli('bank.ts', ['frobnicate'])).code).toBe(1);
  });
});

describe('scripts/negative-list.ts', () => {
  it('loads the good lines, reports the bad ones by line, and keeps the last of a repeated key', async () => {
    const code = freshCreditCode();
    const csv = [
      'creditCode,jurisdiction,reasonCode,source,validFrom,validTo',
      `${code},330000,abnormal_operation,浙江省市场监管局,2025-01-01,`,
      `${code},330000,abnormal_operation,"浙江省市场监督管理局, 2025 名录",2025-01-01,2027-12-31`,
      '91330106XXXXXXXXX0,330000,unknown_reason,src,2025-13-01,',
      `${code},000000,dishonest_judgment_debtor,最高人民法院,2025-02-01,`,
    ].join('\r\n');
    const file = path.join(dataDir, 'negative.csv');
    writeFileSync(file, `\uFEFF${csv}\r\n`);

    const dry = await cli('negative-list.ts', ['load', '--file', file, '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(/Dry run: nothing written/);
    expect((await cli('negative-list.ts', ['show', '--credit-code', code])).stdout).toMatch(/no negative-list entries/);

    const strict = await cli('negative-list.ts', ['load', '--file', file, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/nothing loaded/);

    const run = await cli('negative-list.ts', ['load', '--file', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/negative\.csv:4: /);
    expect(run.stderr).toMatch(/reasonCode/);
    expect(run.stdout).toMatch(/3 valid entries, 1 bad line/);
    expect(run.stdout).toMatch(/1 repeated key/);
    expect(run.stdout).toMatch(/Loaded 2 entries/);

    const show = await cli('negative-list.ts', ['show', '--credit-code', code.toLowerCase()]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/dishonest_judgment_debtor/);
    expect(show.stdout).toMatch(/浙江省市场监督管理局, 2025 名录/);
    expect(show.stdout).toMatch(/2027-12-31/);
  });

  it('refuses a file with a wrong header', async () => {
    const file = path.join(dataDir, 'bad-header.csv');
    writeFileSync(file, 'code,where\n1,2\n');
    const run = await cli('negative-list.ts', ['load', '--file', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/:1: /);
    expect(run.stdout).toMatch(/0 valid/);
  });
});

describe('scripts/lists.ts', () => {
  // Items shaped like needs (not itemType "need", so nothing starts routing them), in a county of their own.
  const county = '620102';
  const statuses = ['submitted', 'not_recommended', 'recommended', 'offered', 'granted', 'unmatched'] as const;
  const base = Date.now();
  const needs = statuses.map((status, i) => ({
    needId: `CLITEST${base.toString(36).toUpperCase()}${i}`,
    status,
    submittedAt: new Date(base - (statuses.length - i) * 60_000).toISOString(),
    name: `兰州城关测试企业${i}号`,
    amountYuan: 100_000 * (i + 1),
  }));

  beforeAll(async () => {
    for (const need of needs) {
      await db.send(
        new PutCommand({
          TableName: table('DataNeeds'),
          Item: {
            pk: `NEED#${need.needId}`,
            sk: 'NEED',
            gsi1pk: `COUNTY#${county}`,
            gsi1sk: `${need.submittedAt}#${need.needId}`,
            itemType: 'cli-test-need',
            needId: need.needId,
            status: need.status,
            submittedAt: need.submittedAt,
            sizeClass: 'micro',
            enterprise: { name: need.name, countyCode: county, creditCode: freshCreditCode() },
            contact: { name: '李四', mobile: '13912345678' },
            need: { amountYuan: need.amountYuan, termMonths: 12 },
          },
        }),
      );
    }
  });

  const mine = (ids: string[]) => ids.filter((id) => needs.some((n) => n.needId === id));

  it('prints the declared list: every screened need (not one still submitted), oldest first, no contact details', async () => {
    const run = await cli('lists.ts', ['--county', county, '--list', 'declared']);
    expect(run.code).toBe(0);
    const screened = needs.filter((n) => n.status !== 'submitted');
    for (const need of screened) expect(run.stdout).toContain(need.needId);
    expect(run.stdout).not.toContain(needs[0]!.needId);
    expect(run.stdout).toContain('兰州城关测试企业1号');
    expect(run.stdout).toContain('200,000');
    expect(run.stdout).toMatch(/申报清单/);
    expect(run.stdout).not.toMatch(/13912345678|李四/);
    const order = screened.map((n) => run.stdout.indexOf(n.needId));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('prints the recommended list: only the recommended statuses', async () => {
    const run = await cli('lists.ts', ['--county', county, '--list', 'recommended', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { needs: { needId: string; status: string; enterpriseName: string; amountYuan: number; sizeClass: string }[] };
    expect(mine(result.needs.map((n) => n.needId))).toEqual(
      needs.filter((n) => ['recommended', 'offered', 'granted', 'unmatched'].includes(n.status)).map((n) => n.needId),
    );
    expect(Object.keys(result.needs[0]!).sort()).toEqual(['amountYuan', 'enterpriseName', 'needId', 'sizeClass', 'status', 'submittedAt']);
  });

  it('narrows to one status, and refuses a status that is not on the list', async () => {
    const run = await cli('lists.ts', ['--county', county, '--list', 'declared', '--status', 'not_recommended', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { needs: { needId: string }[] };
    expect(mine(result.needs.map((n) => n.needId))).toEqual([needs[1]!.needId]);
    const refused = await cli('lists.ts', ['--county', county, '--list', 'recommended', '--status', 'not_recommended']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not on the recommended list/);
  });

  it('refuses a code that is not a county', async () => {
    const run = await cli('lists.ts', ['--county', '330100', '--list', 'declared']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/county-level/);
  });
});

describe('scripts/backfill-index-keys.ts', () => {
  // Need items as the code before issue 10 wrote them: the status in gsi1sk, pdShard from submission,
  // no routingPhase. Put under another item type, then made needs by an update (a MODIFY record, which
  // the routing pipe's filter leaves alone: nothing starts routing them).
  const base = Date.now();
  const old = (i: number, status: string, extra: Record<string, unknown> = {}) => {
    const needId = `BACKFILL${base.toString(36).toUpperCase()}${i}`;
    const submittedAt = new Date(base - 60_000 * (5 - i)).toISOString();
    return { needId, status, submittedAt, item: { pk: `NEED#${needId}`, sk: 'NEED', itemType: 'backfill-test', needId, status, submittedAt, updatedAt: submittedAt, gsi1pk: 'COUNTY#620102', gsi1sk: `${status}#${submittedAt}#${needId}`, pdShard: `PD#${needId.slice(-1)}`, enterprise: { countyCode: '620102' }, ...extra } };
  };
  const needs = [old(0, 'submitted'), old(1, 'offered'), old(2, 'granted'), old(3, 'disbursed', { personalDataErasedAt: new Date(base).toISOString() })];
  const keysOf = async (needId: string) => {
    const { Item } = await db.send(new GetCommand({ TableName: table('DataNeeds'), Key: { pk: `NEED#${needId}`, sk: 'NEED' }, ConsistentRead: true }));
    return { gsi1sk: Item!.gsi1sk, routingPhase: Item!.routingPhase, pdShard: Item!.pdShard };
  };

  beforeAll(async () => {
    for (const { item } of needs) {
      await db.send(new PutCommand({ TableName: table('DataNeeds'), Item: item }));
      await db.send(new UpdateCommand({ TableName: table('DataNeeds'), Key: { pk: item.pk, sk: 'NEED' }, UpdateExpression: 'SET itemType = :need', ExpressionAttributeValues: { ':need': 'need' } }));
    }
  });

  it('gives earlier needs the keys the code writes now, once', async () => {
    const dry = await cli('backfill-index-keys.ts', ['--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would update [1-9]/);
    expect((await keysOf(needs[0]!.needId)).gsi1sk).toBe(`submitted#${needs[0]!.submittedAt}#${needs[0]!.needId}`);

    const run = await cli('backfill-index-keys.ts', []);
    expect(run.code).toBe(0);
    const [submitted, offered, granted, erased] = needs.map((n) => `${n.submittedAt}#${n.needId}`);
    expect(await keysOf(needs[0]!.needId)).toEqual({ gsi1sk: submitted, routingPhase: `waiting#${submitted}`, pdShard: undefined });
    expect(await keysOf(needs[1]!.needId)).toEqual({ gsi1sk: offered, routingPhase: `routed#${offered}`, pdShard: undefined });
    expect(await keysOf(needs[2]!.needId)).toEqual({ gsi1sk: granted, routingPhase: undefined, pdShard: `PD#${needs[2]!.needId.slice(-1)}` });
    expect(await keysOf(needs[3]!.needId)).toEqual({ gsi1sk: erased, routingPhase: undefined, pdShard: undefined });

    const again = await cli('backfill-index-keys.ts', []);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/updated 0,/);
  });
});
