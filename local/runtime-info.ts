// Where a running `npm start` can be reached: `<SMEFIN_DATA_DIR or .local>/runtime.json`, written by
// the local runtime once everything listens, read by the operator CLIs (scripts/bank.ts,
// scripts/negative-list.ts, scripts/lists.ts). The file holds endpoints and names only, never a
// secret. It is stale when its pid is gone: readRuntimeInfo then answers undefined.
//
// Also here: how the CLIs pick their target, the running local system (default) or AWS (`--aws`).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local';
import type { LocalRuntime } from './runtime';

export const RUNTIME_INFO_FILE = 'runtime.json';

const endpoint = z.url({ protocol: /^https?$/ });

export const runtimeInfoSchema = z.object({
  /** Base URL of the API and pages, e.g. `http://127.0.0.1:3000`. */
  apiUrl: endpoint,
  dynamoDbEndpoint: endpoint,
  /** The emulator of Step Functions and Secrets Manager (local/aws-emulator.ts). */
  awsEmulatorEndpoint: endpoint,
  tables: z.object({ needs: z.string().min(1), counters: z.string().min(1), idempotency: z.string().min(1) }),
  /** Secret name prefix: a bank's signing secret is `<bankSecretPrefix><bankId>`. */
  bankSecretPrefix: z.string(),
  /** The git-ignored file where the local Secrets Manager keeps the banks' secrets. */
  bankSecretsFile: z.string(),
  /** The routing state machine on the emulator (`npm run redrive` restarts routing there). */
  stateMachineArn: z.string().optional(),
  /** The roll-up workflow on the emulator (`npm run rollup` starts it there). */
  rollupStateMachineArn: z.string().optional(),
  /** Simulated seconds per real second of the local deadlines (TIME_SCALE): the calendar CLI scales recomputed deadlines alike. */
  timeScale: z.number().positive().optional(),
  pid: z.number().int().positive(),
});

export type RuntimeInfo = z.infer<typeof runtimeInfoSchema>;

/** The default data folder of `npm start`, as local/start.ts resolves it. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.SMEFIN_DATA_DIR ?? '.local');
}

export function runtimeInfoPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), RUNTIME_INFO_FILE);
}

/** Writes `<dataDir>/runtime.json` atomically (a reader never sees half a file). */
/** A runtime's endpoints and names as runtime.json gives them; what only `npm start` knows comes in `extra`. */
export function runtimeInfoOf(
  runtime: Pick<LocalRuntime, 'url' | 'dynamoDbEndpoint' | 'awsEndpoint' | 'tableNames' | 'bankSecretPrefix' | 'bankSecretsFile' | 'stateMachineArn'>,
  extra: Partial<RuntimeInfo> = {},
): RuntimeInfo {
  return {
    apiUrl: runtime.url,
    dynamoDbEndpoint: runtime.dynamoDbEndpoint,
    awsEmulatorEndpoint: runtime.awsEndpoint,
    tables: runtime.tableNames,
    bankSecretPrefix: runtime.bankSecretPrefix,
    bankSecretsFile: runtime.bankSecretsFile,
    stateMachineArn: runtime.stateMachineArn,
    ...extra,
    pid: process.pid,
  };
}

export function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): void {
  const checked = runtimeInfoSchema.parse(info);
  const file = runtimeInfoPath(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(checked, null, 2) + '\n', { mode: 0o644 });
  renameSync(temporary, file);
}

/** Removes the file if it is this process's (call it when the runtime stops). */
export function removeRuntimeInfo(dataDir: string, pid: number = process.pid): void {
  const file = runtimeInfoPath(dataDir);
  try {
    const current = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
    if (current.pid === pid) rmSync(file, { force: true });
  } catch {
    // absent or unreadable: nothing to remove
  }
}

/** Whether a process with this id exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running system's info, or undefined when the file is missing, malformed or its pid is gone. */
export function readRuntimeInfo(dataDir: string): RuntimeInfo | undefined {
  const file = runtimeInfoPath(dataDir);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = runtimeInfoSchema.safeParse(raw);
  if (!parsed.success || !processAlive(parsed.data.pid)) return undefined;
  return parsed.data;
}

export interface Clients {
  dynamoDb: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  secretsManager: SecretsManagerClient;
  /** Closes the clients' sockets so a CLI can exit promptly. */
  destroy(): void;
}

function documentClientOf(dynamoDb: DynamoDBClient): DynamoDBDocumentClient {
  // The same marshalling as the handlers (shared/adapters/dynamodb.ts).
  return DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
}

/** Clients pointed at the local endpoints of a running `npm start` (region cn-north-1, credentials local/local). */
export function clientsFor(info: RuntimeInfo): Clients {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 };
  const dynamoDb = new DynamoDBClient({ ...common, endpoint: info.dynamoDbEndpoint });
  const secretsManager = new SecretsManagerClient({ ...common, endpoint: info.awsEmulatorEndpoint });
  return {
    dynamoDb,
    documentClient: documentClientOf(dynamoDb),
    secretsManager,
    destroy: () => {
      dynamoDb.destroy();
      secretsManager.destroy();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// CLI targets

/** The options every operator CLI accepts (node:util parseArgs `options`). */
export const TARGET_OPTIONS = {
  aws: { type: 'boolean', default: false },
  region: { type: 'string' },
  'needs-table': { type: 'string' },
  'counters-table': { type: 'string' },
  'secret-prefix': { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

export interface TargetFlags {
  aws?: boolean;
  region?: string;
  'needs-table'?: string;
  'counters-table'?: string;
  'secret-prefix'?: string;
  'data-dir'?: string;
}

export interface CliTarget {
  /** `local (<apiUrl>)` or `AWS <region>`: printed so the operator knows where a change went. */
  description: string;
  clients: Clients;
  tables: { needs: string; counters: string };
  /** Prefix of the banks' signing secrets, `<prefix><bankId>`. */
  secretPrefix: string;
  /** Set for the local system: where its secrets file is. */
  local?: RuntimeInfo;
}

export class CliError extends Error {
  override name = 'CliError';
}

/** A JSON file an operator gives a CLI (a leading BOM allowed); a CliError says what is wrong with it. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`无法读取 / Cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    throw new CliError(`${file} 不是有效的 JSON / is not valid JSON: ${(error as Error).message}`);
  }
}

/** A file's records, validated before any target is looked for: with --dry-run printed and nothing written, else written by `write`. */
export async function writeUnlessDryRun(dryRun: boolean, records: unknown, write: () => Promise<number>): Promise<number> {
  if (!dryRun) return write();
  console.log(JSON.stringify(records, null, 2));
  console.log('资料有效，未写入 / Valid; dry run: nothing written.');
  return 0;
}

/** Field errors of a file, to stderr: each pointer with its code and the message in both languages. */
export function printFieldErrors(errors: readonly { pointer: string; code: string; message: { zh: string; en: string } }[]): void {
  for (const error of errors) {
    console.error(`  ${error.pointer || '/'}  (${error.code})\n    ${error.message.zh}\n    ${error.message.en}`);
  }
}

/**
 * The system a CLI acts on. Local (default): the `npm start` found through `<dataDir>/runtime.json`
 * (`--data-dir`, else SMEFIN_DATA_DIR, else .local). AWS (`--aws`): the standard credential chain,
 * the region from `--region` or the SDK's settings (AWS_REGION, profile), table names from
 * `--needs-table`/`--counters-table` or NEEDS_TABLE_NAME/COUNTERS_TABLE_NAME, the secret prefix from
 * `--secret-prefix` or BANK_SECRET_PREFIX. `need` says which of these the command uses, so a
 * command that reads no secret does not demand a prefix.
 */
export function resolveTarget(
  flags: TargetFlags,
  need: { counters?: boolean; secrets?: boolean } = {},
  env: NodeJS.ProcessEnv = process.env,
): CliTarget {
  if (!flags.aws) {
    const dataDir = flags['data-dir'] ? path.resolve(flags['data-dir']) : defaultDataDir(env);
    const info = readRuntimeInfo(dataDir);
    if (!info) {
      throw new CliError(
        `本地系统未运行：未找到 ${runtimeInfoPath(dataDir)}（或其进程已退出）。请先运行 npm start，或加 --aws 操作 AWS。\n` +
          `The local system is not running: no live ${runtimeInfoPath(dataDir)}. Start it with npm start ` +
          '(or set SMEFIN_DATA_DIR / --data-dir to its data folder), or add --aws to act on AWS.',
      );
    }
    return {
      description: `local (${info.apiUrl})`,
      clients: clientsFor(info),
      tables: { needs: info.tables.needs, counters: info.tables.counters },
      secretPrefix: info.bankSecretPrefix,
      local: info,
    };
  }
  const needs = flags['needs-table'] ?? env.NEEDS_TABLE_NAME;
  const counters = flags['counters-table'] ?? env.COUNTERS_TABLE_NAME;
  const secretPrefix = flags['secret-prefix'] ?? env.BANK_SECRET_PREFIX;
  const missing = [
    needs ? undefined : '--needs-table (or NEEDS_TABLE_NAME)',
    need.counters && !counters ? '--counters-table (or COUNTERS_TABLE_NAME)' : undefined,
    need.secrets && secretPrefix === undefined ? '--secret-prefix (or BANK_SECRET_PREFIX), e.g. smefin/prod/banks/' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0) throw new CliError(`缺少参数 / Missing with --aws: ${missing.join(', ')}`);
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const common = { maxAttempts: 3, ...(region ? { region } : {}) };
  const dynamoDb = new DynamoDBClient(common);
  const secretsManager = new SecretsManagerClient(common);
  return {
    description: `AWS ${region ?? '(region from the AWS profile)'}`,
    clients: {
      dynamoDb,
      documentClient: documentClientOf(dynamoDb),
      secretsManager,
      destroy: () => {
        dynamoDb.destroy();
        secretsManager.destroy();
      },
    },
    tables: { needs: needs!, counters: counters ?? '' },
    secretPrefix: secretPrefix ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// Terminal output shared by the CLIs

/** Columns a string takes in a terminal: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x300 && code <= 0x36f)) continue;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x20000 && code <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

/** A plain-text table; `align` per column ('r' right-aligns numbers). */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const widths = headers.map((header, i) => Math.max(displayWidth(header), ...rows.map((row) => displayWidth(row[i] ?? ''))));
  const pad = (text: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, widths[i]! - displayWidth(text)));
    return align[i] === 'r' ? fill + text : text + fill;
  };
  const line = (cells: readonly string[]) => headers.map((_, i) => pad(cells[i] ?? '', i)).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Runs `action` on the target the flags name, and closes its clients afterwards, whatever happens. */
export async function withTarget<T>(
  flags: TargetFlags,
  action: (target: CliTarget) => Promise<T>,
  need: { counters?: boolean; secrets?: boolean } = {},
): Promise<T> {
  const target = resolveTarget(flags, need);
  try {
    return await action(target);
  } finally {
    target.clients.destroy();
  }
}

/** Runs a CLI's main: a CliError prints its message and exits 1; anything else also shows its name. */
export async function runCli(main: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (error) {
    if (error instanceof CliError) {
      console.error(error.message);
    } else if (error instanceof Error) {
      const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
      console.error(`错误 / Error: ${name}${error.message}`);
      if (/Region is missing/i.test(error.message)) console.error('Set --region or AWS_REGION (e.g. cn-north-1).');
      if (/ECONNREFUSED/.test(String((error as { cause?: unknown }).cause ?? error.message))) {
        console.error('The endpoint refused the connection: is npm start still running?');
      }
    } else {
      console.error(`错误 / Error: ${String(error)}`);
    }
    process.exitCode = 1;
  }
}
