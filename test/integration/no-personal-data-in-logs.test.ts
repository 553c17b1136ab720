// No personal data in any log line. The whole local system as `npm start` runs it (a child process,
// simulated banks included), with every handler logging at DEBUG (AWS_LAMBDA_LOG_LEVEL, which
// Powertools honours above the stack's INFO), goes through a full flow: a bad submission, a need
// screened, offered, accepted (contact disclosed to the bank), granted and disbursed, a duplicate, a
// need not recommended, the status page with and without its token, a regulator's report download,
// the roll-up and the erasure. Then every line the system wrote — handler JSON logs, the runtime's
// own lines, the simulated banks' — and the state data the workflow's CloudWatch log would hold
// (execution history with data) are searched for each piece of personal data submitted.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { readRuntimeInfo } from '../../local/runtime-info';
import { chinaDay } from '../../shared/domain/need-record';
import { freshCreditCode, validSubmission } from '../support/needs';
import { rollUp } from '../support/rollup';

const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-logs-'));
let child: ChildProcess | undefined;
let output = '';

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function startSystem(port: number): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, PORT: String(port), SMEFIN_DATA_DIR: dataDir, SMEFIN_DAY_SECONDS: '10', AWS_LAMBDA_LOG_LEVEL: 'DEBUG' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!output.includes('Press Ctrl-C')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the system did not become ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stopSystem(): Promise<void> {
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  child!.kill('SIGTERM');
  expect(await exited).toBe(0);
}

/** Personal data no test or other need uses, so any hit is this test's. */
function distinctSubmission(amountYuan: number) {
  const submission = validSubmission();
  const tag = randomInt(100_000, 999_999);
  submission.enterprise.name = `日志检查食品有限公司${tag}`;
  submission.enterprise.creditCode = freshCreditCode();
  submission.contact = { name: `隐私${tag}`, mobile: `137${randomInt(10_000_000, 99_999_999)}` };
  submission.need.amountYuan = amountYuan;
  submission.need.description = `私人说明${tag}`;
  return submission;
}

const personalData = (s: ReturnType<typeof validSubmission>) => [s.enterprise.name, s.enterprise.creditCode, s.contact.name, s.contact.mobile, s.need.description!];

describe('logs of a full run', () => {
  it('hold none of the personal data submitted', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    await startSystem(port);
    const post = (body: unknown) => fetch(`${base}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

    // A credit loan of 2.5 million only the granting simulated bank offers: offered, accepted, granted, disbursed.
    const granted = distinctSubmission(2_500_000);
    const bad = distinctSubmission(2_500_000);
    bad.enterprise.creditCode = bad.enterprise.creditCode.slice(0, 17) + (bad.enterprise.creditCode.endsWith('0') ? '1' : '0');
    expect((await post(bad)).status).toBe(400);
    const created = await post(granted);
    expect(created.status).toBe(201);
    const need = (await created.json()) as { needId: string; trackingToken: string };
    expect((await post(granted)).status).toBe(409); // one open need per credit code
    // Not recommended: the amount is far above three times the revenue.
    const refused = distinctSubmission(50_000_000);
    expect((await post(refused)).status).toBe(201);

    const status = () => fetch(`${base}/v1/needs/${need.needId}`, { headers: { Authorization: `Bearer ${need.trackingToken}` } });
    expect((await fetch(`${base}/v1/needs/${need.needId}`, { headers: { Authorization: 'Bearer wrong-token' } })).status).toBe(404);
    const deadline = Date.now() + 120_000;
    let current = '';
    while (current !== 'disbursed') {
      if (Date.now() > deadline) throw new Error(`the need is ${current}, not disbursed:\n${output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      current = ((await (await status()).json()) as { status: string }).status;
    }
    const timeline = ((await (await status()).json()) as { timeline: { status: string }[] }).timeline.map((e) => e.status);
    expect(timeline).toEqual(expect.arrayContaining(['offered', 'accepted', 'granted', 'disbursed']));

    // A regulator's day: the roll-up, a download; then the erasure run.
    const today = chinaDay(new Date());
    const invoke = (name: string, body: unknown) => fetch(`${base}/_local/functions/${name}/invoke`, { method: 'POST', body: JSON.stringify(body) });
    const running = readRuntimeInfo(dataDir)!;
    await rollUp({ awsEndpoint: running.awsEmulatorEndpoint, rollupStateMachineArn: running.rollupStateMachineArn! }, [today]);
    const { token } = (await (await fetch(`${base}/_local/demo-token/330000`, { method: 'POST' })).json()) as { token: string };
    const download = await fetch(`${base}/v1/reports/${today}/330106?format=csv`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
    expect(download.status).toBe(200);
    expect((await invoke('erase-personal-data', { source: 'schedule' })).status).toBe(200);

    // What the workflow's log group would hold (level ALL, with execution data): every state's input and output.
    const info = readRuntimeInfo(dataDir)!;
    const sfn = new SFNClient({ endpoint: info.awsEmulatorEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const executionArn = `${info.stateMachineArn!.replace(':stateMachine:', ':execution:')}:${need.needId}`;
    const history = JSON.stringify((await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, includeExecutionData: true }))).events);
    sfn.destroy();
    await stopSystem();

    const lines = output.split('\n').filter((line) => line.trim() !== '');
    const handlerLogs = lines.filter((line) => line.startsWith('{') && line.includes('"level"'));
    // The capture works: the handlers' lines of this run are there.
    for (const message of ['offer sent', 'routing started', 'period published', 'personal data erasure run']) {
      expect(handlerLogs.some((line) => line.includes(`"${message}"`)), message).toBe(true);
    }
    expect(history).toContain(need.needId);
    // The shortest granted path ends with the decision wait succeeding (no Granted state on it).
    expect(history).toContain('AwaitDecision');
    expect(history).toContain('ExecutionSucceeded');

    for (const value of [...personalData(granted), ...personalData(bad), ...personalData(refused)]) {
      const hits = lines.filter((line) => line.includes(value));
      expect(hits, `log lines with ${value}`).toEqual([]);
      expect(history.includes(value), `workflow state data with ${value}`).toBe(false);
    }
  }, 300_000);
});
