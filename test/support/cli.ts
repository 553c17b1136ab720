// An operator CLI (scripts/<name>.ts) run as an operator runs it: a child process that finds the
// local system through <dataDir>/runtime.json, which pointCliAt writes for the suite's DynamoDB Local.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/lambda-defaults';
import type { LocalRuntime } from '../../local/runtime';
import { runtimeInfoOf, writeRuntimeInfo } from '../../local/runtime-info';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runScript(script: string, args: readonly string[], dataDir: string): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', script), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, SMEFIN_DATA_DIR: dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The runtime.json through which the CLIs find the integration suite's system (no Secrets Manager: the API URL stands in). */
export function pointCliAt(dataDir: string, system: { baseUrl: string; dynamoDbEndpoint: string; tables: readonly string[] }): void {
  const table = (prefix: string) => system.tables.find((name) => name.startsWith(prefix))!;
  writeRuntimeInfo(dataDir, {
    apiUrl: system.baseUrl,
    dynamoDbEndpoint: system.dynamoDbEndpoint,
    awsEmulatorEndpoint: system.baseUrl,
    tables: { needs: table('DataNeeds'), counters: table('DataCounters'), idempotency: table('DataIdempotency') },
    bankSecretPrefix: 'smefin/cli-test/banks/',
    bankSecretsFile: path.join(dataDir, 'bank-secrets.json'),
    pid: process.pid,
  });
}

/** The runtime.json through which the CLIs find a test's own local runtime, as they find npm start. */
export function pointCliAtRuntime(dataDir: string, runtime: LocalRuntime): void {
  writeRuntimeInfo(dataDir, runtimeInfoOf(runtime));
}
