// The bank registry CLI (`npx tsx scripts/bank.ts <command>`): add or change a bank from a JSON file,
// list and show banks, rotate a bank's webhook signing secret. Acts on the running `npm start` by
// default, on AWS with --aws (see resolveTarget in local/runtime-info.ts).
//
//   add --file bank.json [--dry-run]  validate (zh/en field errors), upsert; a new bank gets a signing secret, printed once
//   list [--json]                 every bank with its load
//   show --bank <id>              one bank, its load and whether its secret exists (never the secret)
//   rotate-secret --bank <id>     a new signing secret, printed once
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { BANK_ID_PATTERN, parseBank, type Bank } from '../shared/domain/bank';
import { RoutingStore } from '../shared/adapters/routing-store';
import { newSigningSecret } from '../shared/adapters/webhooks';
import { CliError, formatTable, printFieldErrors, readJsonFile, runCli, TARGET_OPTIONS, withTarget, writeUnlessDryRun, type CliTarget } from '../local/runtime-info';

const USAGE = `用法 / Usage: npx tsx scripts/bank.ts <command> [options]

  add --file <bank.json> [--dry-run]
                                添加或更新银行 / add or update a bank (a new bank gets a signing secret, shown once);
                                --dry-run only validates (no running system needed)
  list [--json]                 列出银行 / list the banks with their load
  show --bank <bankId>          查看银行 / show one bank (never its secret)
  rotate-secret --bank <bankId> 更换签名密钥 / new signing secret, shown once

Target (default: the running npm start, found through SMEFIN_DATA_DIR or .local):
  --data-dir <dir>              the data folder of npm start
  --aws                         act on AWS (standard credential chain)
  --region <region>             e.g. cn-north-1 (default: AWS_REGION / the profile)
  --needs-table <name>          default NEEDS_TABLE_NAME
  --secret-prefix <prefix>      default BANK_SECRET_PREFIX, e.g. smefin/prod/banks/`;

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

function secretName(target: CliTarget, bankId: string): string {
  return `${target.secretPrefix}${bankId}`;
}

function printSecret(target: CliTarget, bankId: string, secret: string): void {
  console.log(
    [
      '',
      `新的签名密钥（仅显示这一次，请通过安全渠道交给 ${bankId} 的技术人员）`,
      `New signing secret for ${bankId} (shown once only; hand it to the bank's engineers over a secure channel):`,
      '',
      `  ${secret}`,
      '',
      `Stored as ${secretName(target, bankId)}${target.local ? ` (local: ${target.local.bankSecretsFile})` : ''}.`,
    ].join('\n'),
  );
}

/** Creates the bank's secret when it has none; the new secret, or undefined when one exists. */
async function createSecretIfMissing(client: SecretsManagerClient, name: string, bankId: string): Promise<string | undefined> {
  const secret = newSigningSecret((n) => randomBytes(n));
  try {
    await client.send(
      new CreateSecretCommand({ Name: name, SecretString: secret, Description: `smefin webhook signing secret of bank ${bankId}` }),
    );
    return secret;
  } catch (error) {
    if (errorName(error) === 'ResourceExistsException') return undefined;
    throw error;
  }
}

/** The bank in the file, validated and normalised; prints the field errors (zh and en) when invalid. */
function bankFromFile(file: string): Bank | undefined {
  const parsed = parseBank(readJsonFile(file));
  if (parsed.ok) return parsed.bank;
  console.error(`银行资料有误 / The bank record in ${file} has errors:`);
  printFieldErrors(parsed.errors);
  return undefined;
}

async function add(target: CliTarget, bank: Bank): Promise<number> {
  const store = new RoutingStore(target.clients.documentClient, target.tables);
  const existing = await store.getBank(bank.bankId);

  // The secret first, and printed at once: a bank must never be routable without one, and a
  // secret created but not shown would be lost.
  const secret = await createSecretIfMissing(target.clients.secretsManager, secretName(target, bank.bankId), bank.bankId);
  if (secret) printSecret(target, bank.bankId, secret);

  await store.putBank(bank, new Date());
  console.log(
    `${existing ? '已更新 / Updated' : '已添加 / Added'} ${bank.bankId} (${bank.nameZh} / ${bank.nameEn}) in ${target.description}: ` +
      `${bank.products.length} product(s), divisions ${bank.divisions.join(' ')}, capacity ${bank.capacity}, ${bank.active ? 'active' : 'INACTIVE'}.`,
  );
  if (!secret) {
    console.log(
      `签名密钥已存在，未更改 / The signing secret ${secretName(target, bank.bankId)} exists and is unchanged (rotate it with rotate-secret).`,
    );
  }
  return 0;
}

function describeDivisions(bank: Bank): string {
  return bank.divisions.join(' ');
}

async function list(target: CliTarget, json: boolean): Promise<number> {
  const store = new RoutingStore(target.clients.documentClient, target.tables);
  const states = (await store.listBanks()).sort((a, b) => (a.bank.bankId < b.bank.bankId ? -1 : 1));
  if (json) {
    console.log(JSON.stringify(states, null, 2));
    return 0;
  }
  if (states.length === 0) {
    console.log(`没有银行 / No banks in ${target.description}. Add one with: npx tsx scripts/bank.ts add --file bank.json`);
    return 0;
  }
  console.log(
    formatTable(
      ['bankId', '名称 name', 'active', 'divisions', 'products', 'open/capacity', 'last offered', 'webhook'],
      states.map(({ bank, openReferrals, lastOfferedAt }) => [
        bank.bankId,
        bank.nameZh,
        bank.active ? 'yes' : 'no',
        describeDivisions(bank),
        bank.products.map((p) => p.productId).join(' '),
        `${openReferrals}/${bank.capacity}`,
        lastOfferedAt ?? '-',
        new URL(bank.webhookUrl).host,
      ]),
      ['l', 'l', 'l', 'l', 'l', 'r', 'l', 'l'],
    ),
  );
  console.log(`\n${states.length} bank(s) in ${target.description}`);
  return 0;
}

const MISSING = 'MISSING (the bank cannot be offered referrals; run add again)';

/** Whether the secret exists, never its value. DescribeSecret; the local emulator lacks it, so GetSecretValue there. */
async function secretStatus(client: SecretsManagerClient, name: string): Promise<string> {
  try {
    const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
    const changed = described.LastChangedDate ?? described.CreatedDate;
    return `exists${changed ? `, last changed ${changed.toISOString()}` : ''}`;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return MISSING;
    if (errorName(error) !== 'InvalidRequestException' && errorName(error) !== 'UnknownOperationException') {
      return `unknown (${errorName(error) || String(error)})`;
    }
  }
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: name }));
    return SecretString ? 'exists' : MISSING;
  } catch (error) {
    return errorName(error) === 'ResourceNotFoundException' ? MISSING : `unknown (${errorName(error) || String(error)})`;
  }
}

async function show(target: CliTarget, bankId: string): Promise<number> {
  const store = new RoutingStore(target.clients.documentClient, target.tables);
  const state = (await store.listBanks()).find((s) => s.bank.bankId === bankId);
  if (!state) {
    console.error(`没有该银行 / No bank ${bankId} in ${target.description}`);
    return 1;
  }
  const secret = await secretStatus(target.clients.secretsManager, secretName(target, bankId));
  console.log(
    JSON.stringify(
      {
        bank: state.bank,
        openReferrals: state.openReferrals,
        lastOfferedAt: state.lastOfferedAt ?? null,
        signingSecret: { name: secretName(target, bankId), status: secret },
      },
      null,
      2,
    ),
  );
  return 0;
}

async function rotateSecret(target: CliTarget, bankId: string): Promise<number> {
  const store = new RoutingStore(target.clients.documentClient, target.tables);
  if (!(await store.getBank(bankId))) {
    console.error(`没有该银行 / No bank ${bankId} in ${target.description}`);
    return 1;
  }
  const name = secretName(target, bankId);
  const secret = newSigningSecret((n) => randomBytes(n));
  try {
    // A new version (AWSCURRENT); Secrets Manager keeps the old one as AWSPREVIOUS.
    await target.clients.secretsManager.send(new PutSecretValueCommand({ SecretId: name, SecretString: secret }));
  } catch (error) {
    if (errorName(error) !== 'ResourceNotFoundException') throw error;
    await target.clients.secretsManager.send(
      new CreateSecretCommand({ Name: name, SecretString: secret, Description: `smefin webhook signing secret of bank ${bankId}` }),
    );
  }
  printSecret(target, bankId, secret);
  console.log(
    '平台最多 5 分钟后全面使用新密钥；在此期间请银行同时接受新旧两个密钥的签名。\n' +
      'The platform uses the new secret everywhere within 5 minutes (secret cache); until then the bank should accept ' +
      'offers signed with either secret and may sign its events with both (see docs/bank-integration.md).',
  );
  return 0;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ...TARGET_OPTIONS,
      file: { type: 'string' },
      bank: { type: 'string' },
      json: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  if (extra.length > 0) throw new CliError(`多余的参数 / Unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
  const bankId = () => {
    if (!values.bank) throw new CliError(`请用 --bank 指定银行 / ${command} needs --bank <bankId>`);
    if (!BANK_ID_PATTERN.test(values.bank)) throw new CliError(`银行标识无效 / Invalid bank id: ${values.bank}`);
    return values.bank;
  };
  const run = (needsSecrets: boolean, action: (target: CliTarget) => Promise<number>) => withTarget(values, action, { secrets: needsSecrets });
  switch (command) {
    case 'add': {
      if (!values.file) throw new CliError('add 需要 --file / add needs --file <bank.json>');
      // Checked before looking for the target: a file can be validated without a running system.
      const bank = bankFromFile(values.file);
      if (!bank) return 1;
      return writeUnlessDryRun(values['dry-run'], bank, () => run(true, (target) => add(target, bank)));
    }
    case 'list':
      return run(false, (target) => list(target, values.json));
    case 'show': {
      const id = bankId();
      return run(true, (target) => show(target, id));
    }
    case 'rotate-secret': {
      const id = bankId();
      return run(true, (target) => rotateSecret(target, id));
    }
    default:
      throw new CliError(`未知命令 / Unknown command: ${command}\n\n${USAGE}`);
  }
}

await runCli(main);
