// `npm run rollup` as an operator runs it (a child process finding the running system through
// <SMEFIN_DATA_DIR>/runtime.json): it starts the roll-up workflow on the local Step Functions of the
// integration suite, waits for the execution, and prints what each period published.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/lambda-defaults';
import { writeRuntimeInfo } from '../../local/runtime-info';
import { chinaDay } from '../../shared/domain/need-record';

const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-rollup-cli-'));
const tables = inject('tables');
const table = (prefix: string) => tables.find((name) => name.startsWith(prefix))!;

function rollupCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'rollup.ts'), ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, SMEFIN_DATA_DIR: dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env }, timeout: 90_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  const { awsEndpoint, rollupStateMachineArn } = inject('rollup');
  writeRuntimeInfo(dataDir, {
    apiUrl: inject('baseUrl'),
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    awsEmulatorEndpoint: awsEndpoint,
    tables: { needs: table('DataNeeds'), counters: table('DataCounters'), idempotency: table('DataIdempotency') },
    bankSecretPrefix: 'smefin/local/banks/',
    bankSecretsFile: path.join(dataDir, 'bank-secrets.json'),
    rollupStateMachineArn,
    pid: process.pid,
  });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm run rollup', () => {
  it('starts the roll-up workflow, waits for it, and prints each period it published', async () => {
    const today = chinaDay(new Date());
    const run = await rollupCli(['--period', today, '--period', today.slice(0, 7)]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${today}: published version v[0-9a-f]{16}, \\d+ reports, \\d+ files \\([\\d.]+ MiB\\), \\d+ counter items read$`));
    expect(lines[1]).toMatch(new RegExp(`^${today.slice(0, 7)}: published version v[0-9a-f]{16}, `));
  });

  it('refuses a malformed period before starting anything, and says when no system runs', async () => {
    const bad = await rollupCli(['--period', '2026-13']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a period: 2026-13');
    const empty = mkdtempSync(path.join(tmpdir(), 'smefin-rollup-cli-none-'));
    const none = await rollupCli(['--period', '2026-11'], { SMEFIN_DATA_DIR: empty });
    rmSync(empty, { recursive: true, force: true });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/npm start/);
  });
});
