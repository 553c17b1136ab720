// Each function starts with exactly the environment its template gives it — nothing borrowed from
// another function (the local runtime runs them all in one process, which would hide that).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionName } from '../../lib/routes';
import { functionEnvironment, synthesizeLocal } from '../../local/synth';

const outdir = mkdtempSync(path.join(tmpdir(), 'smefin-env-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const { template, functionIds } = synthesizeLocal(outdir);

describe('function environments', () => {
  it.each(Object.keys(FUNCTIONS) as FunctionName[])('%s loads with only its own settings', (name) => {
    // Values that exist only in AWS: the CloudFront origin, and the dev stage's Cognito issuer and client.
    const awsOnly = {
      WEB_ORIGIN: 'https://web.example',
      ALLOWED_ORIGIN: 'https://web.example',
      OIDC_ISSUER: 'https://idp.example/realms/smefin',
      OIDC_AUDIENCE: 'smefin-web',
    };
    const own = functionEnvironment(template, functionIds[name], awsOnly, (id) => id);
    delete own.NODE_OPTIONS;
    const entry = path.resolve(FUNCTIONS[name].entry);
    const run = () =>
      execFileSync(process.execPath, ['--import', 'tsx', '-e', `await import(${JSON.stringify(entry)})`], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_REGION: 'cn-north-1', AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', ...own },
        stdio: 'pipe',
      });
    expect(run).not.toThrow();
  });
});
