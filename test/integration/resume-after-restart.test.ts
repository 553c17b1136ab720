// `npm start` keeps its data across a restart but its Step Functions executions live in memory: the
// routing of a need that was waiting for a bank must resume when `npm start` comes back (the
// routing sweeper's `lost` sweep at start). Two real `npm start` processes on one data folder.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb-local';
import { readRuntimeInfo } from '../../local/runtime-info';
import { executionArn } from '../../shared/adapters/workflow';
import { validSubmission } from '../support/needs';
import { startNpmStart, stopNpmStart } from '../support/npm-start';

const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-resume-'));
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) await stopNpmStart(child);
  rmSync(dataDir, { recursive: true, force: true });
});

// Long simulated days: the silent bank's deadline cannot pass while the test runs.
async function start(port: number): Promise<ChildProcess> {
  const { child } = await startNpmStart({ port, dataDir, env: { SMEFIN_DAY_SECONDS: '3600' }, readyWithinMs: 120_000 });
  children.push(child);
  return child;
}
const stop = stopNpmStart;

async function executionStatus(needId: string): Promise<string | undefined> {
  const info = readRuntimeInfo(dataDir)!;
  const sfn = new SFNClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: info.awsEmulatorEndpoint });
  try {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(info.stateMachineArn!, needId) }));
    return status;
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return undefined;
    throw error;
  } finally {
    sfn.destroy();
  }
}

async function needStatus(base: string, needId: string, token: string): Promise<string> {
  const response = await fetch(`${base}/v1/needs/${needId}`, { headers: { Authorization: `Bearer ${token}` } });
  return ((await response.json()) as { status: string }).status;
}

describe('npm start, restarted', () => {
  it('resumes the routing of a need that was waiting for its bank', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let child = await start(port);

    // Only the silent simulated bank lends this much against collateral: the need waits on its offer.
    const submission = validSubmission();
    submission.enterprise.annualRevenueYuan = 10_000_000;
    submission.need.amountYuan = 25_000_000;
    submission.need.guarantee = 'collateral';
    submission.need.purpose = 'equipment';
    const response = await fetch(`${base}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(submission) });
    expect(response.status).toBe(201);
    const { needId, trackingToken } = (await response.json()) as { needId: string; trackingToken: string };
    const deadline = Date.now() + 30_000;
    while ((await needStatus(base, needId, trackingToken)) !== 'offered') {
      if (Date.now() > deadline) throw new Error('the need was not offered to a bank');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await executionStatus(needId)).toBe('RUNNING');

    expect(await stop(child)).toBe(0);
    child = await start(port);
    // The new process's Step Functions runs the need's workflow again, named by the need id; the
    // need is where it was.
    expect(await executionStatus(needId)).toBe('RUNNING');
    expect(await needStatus(base, needId, trackingToken)).toBe('offered');
    expect(await stop(child)).toBe(0);
  }, 300_000);
});
