// The county task-force contacts CLI (scripts/task-force.ts) as an operator runs it, as a child
// process against the DynamoDB Local of the integration suite (found through
// <SMEFIN_DATA_DIR>/runtime.json): load validates the whole file first, show reads back what
// need-status reads, remove takes a county's contact away.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TaskForceStore } from '../../shared/adapters/task-force-store';
import { pointCliAt, runScript } from '../support/cli';

const tables = inject('tables');
const table = (prefix: string) => tables.find((name) => name.startsWith(prefix))!;
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: inject('dynamoDbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);
const store = new TaskForceStore(db, table('DataNeeds'));
// Counties no other test of the suite loads a contact for.
const COUNTIES = ['350203', '350205'];
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-task-force-cli-'));
  pointCliAt(dataDir, { baseUrl: inject('baseUrl'), dynamoDbEndpoint: inject('dynamoDbEndpoint'), tables });
});

afterAll(async () => {
  for (const county of COUNTIES) await store.remove(county);
  db.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

const cli = (args: string[]) => runScript('task-force.ts', args, dataDir);

function file(name: string, value: unknown): string {
  const where = path.join(dataDir, name);
  writeFileSync(where, JSON.stringify(value));
  return where;
}

const contact = (countyCode: string, phone: string) => ({
  countyCode,
  office: { zh: `${countyCode} 工作专班（测试）`, en: `Task force ${countyCode} (test)` },
  phone,
  address: { zh: '厦门市示例路 1 号', en: '1 Example Road, Xiamen' },
});

describe('npm run task-force', () => {
  it('refuses a file with an invalid contact, naming the field in both languages, and writes none of it', async () => {
    const run = await cli(['load', '--file', file('bad.json', { contacts: [contact(COUNTIES[0]!, '0592-0000 0203'), contact(COUNTIES[1]!, 'call us')] })]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('/contacts/1/phone');
    expect(run.stderr).toContain('电话应为');
    expect(run.stderr).toContain('A phone number has');
    expect(await store.get(COUNTIES[0]!, { consistent: true })).toBeUndefined();
    // A valid file with --dry-run: printed, normalised, not written.
    const dry = await cli(['load', '--dry-run', '--file', file('dry.json', [{ ...contact(COUNTIES[0]!, ' 0592-0000 0203 '), office: { zh: ' 专班 ', en: 'Office' } }])]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout.slice(0, dry.stdout.lastIndexOf(']') + 1))).toEqual([{ ...contact(COUNTIES[0]!, '0592-0000 0203'), office: { zh: '专班', en: 'Office' } }]);
    expect(dry.stdout).toContain('nothing written');
    expect(await store.get(COUNTIES[0]!, { consistent: true })).toBeUndefined();
  });

  it('loads, shows and replaces contacts, and removes one', async () => {
    const loaded = await cli(['load', '--file', file('good.json', [contact(COUNTIES[0]!, '0592-0000 0203'), contact(COUNTIES[1]!, '0592-0000 0205')])]);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain(`已添加 / Added ${COUNTIES[0]}`);

    const one = await cli(['show', COUNTIES[0]!]);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toEqual(contact(COUNTIES[0]!, '0592-0000 0203'));
    const all = await cli(['show', '--json']);
    expect((JSON.parse(all.stdout) as { countyCode: string }[]).filter((c) => COUNTIES.includes(c.countyCode)).map((c) => c.countyCode)).toEqual(COUNTIES);

    const replaced = await cli(['load', '--file', file('again.json', contact(COUNTIES[0]!, '0592-0000 9999'))]);
    expect(replaced.stdout).toContain(`已更新 / Updated ${COUNTIES[0]}`);
    expect((await store.get(COUNTIES[0]!, { consistent: true }))?.phone).toBe('0592-0000 9999');

    const removed = await cli(['remove', COUNTIES[1]!]);
    expect(removed.code).toBe(0);
    expect(await store.get(COUNTIES[1]!, { consistent: true })).toBeUndefined();
    const gone = await cli(['show', COUNTIES[1]!]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`No task-force contact for ${COUNTIES[1]}`);
    expect((await cli(['remove', COUNTIES[1]!])).code).toBe(1);
  });

  it('refuses a code that is no county before looking for a system', async () => {
    const run = await cli(['show', '330100']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Unknown county code: 330100');
  });
});
