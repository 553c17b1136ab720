// `npm start` as a user runs it: prints its URLs when ready, keeps data across restarts in
// SMEFIN_DATA_DIR, and stops every child process (DynamoDB Local's Java too) on SIGTERM.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb-local';
import { validSubmission } from '../support/needs';
import { startNpmStart, stopNpmStart } from '../support/npm-start';

const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const start = (port: number) => startNpmStart({ port, dataDir });
const stop = stopNpmStart;

describe('npm start', () => {
  it('serves, persists across a restart, and leaves no Java process behind', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;

    const first = await start(port);
    expect(first.output()).toContain(`${base}/`);
    const javaPid = Number(readFileSync(path.join(dataDir, 'dynamodb.pid'), 'utf8'));
    expect(alive(javaPid)).toBe(true);
    expect((await fetch(`${base}/v1/health`)).status).toBe(200);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const created = (await (
      await fetch(`${base}/v1/needs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(validSubmission()),
      })
    ).json()) as { needId: string; trackingToken: string };

    expect(await stop(first.child)).toBe(0);
    expect(alive(javaPid)).toBe(false);

    const second = await start(port);
    const status = await fetch(`${base}/v1/needs/${created.needId}`, {
      headers: { Authorization: `Bearer ${created.trackingToken}` },
    });
    expect(status.status).toBe(200);
    const secondJavaPid = Number(readFileSync(path.join(dataDir, 'dynamodb.pid'), 'utf8'));
    expect(await stop(second.child)).toBe(0);
    expect(alive(secondJavaPid)).toBe(false);
  }, 240_000);
});
