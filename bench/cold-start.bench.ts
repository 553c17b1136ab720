// `npm run bench`: the submit-need handler against a minimal baseline (parse JSON, one PutItem),
// measured in the same run on the same machine, reported as ratios:
//   bundle size      esbuild with the stack's own settings (minified; AWS SDK bundled)
//   cold import      requiring the bundle in a fresh Node process (median of interleaved runs)
//   CPU per request  process CPU time per handler call against DynamoDB Local (median of batches)
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { BUNDLING, PROJECT_ROOT } from '../lib/lambda-defaults';
import { FUNCTIONS } from '../lib/routes';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../local/dynamodb-local';
import { functionEnvironment, LOCAL_CDK_OUT, synthesizeLocal } from '../local/synth';
import { createTables } from '../local/tables';
import { validSubmission } from '../test/support/needs';

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const BATCHES = 5;

const work = mkdtempSync(path.join(tmpdir(), 'smefin-bench-'));

function bundle(entry: string, name: string): string {
  const outfile = path.join(work, name, 'index.js');
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: BUNDLING.format === 'cjs' ? 'cjs' : 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    external: BUNDLING.externalModules,
    loader: BUNDLING.loader as Record<string, 'json'>,
    logLevel: 'error',
  });
  return outfile;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function coldImportMs(file: string, env: NodeJS.ProcessEnv): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const out = execFileSync(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  return Number(out.toString());
}

/** Runs `requests` handler calls in a child process; returns CPU microseconds per call. */
function cpuPerRequest(file: string, env: NodeJS.ProcessEnv, requests: number): Promise<number> {
  // Every request is a new enterprise (fresh credit code), so each one is a real write.
  const bodiesFile = path.join(work, `bodies-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(bodiesFile, JSON.stringify(Array.from({ length: requests + 10 }, () => validSubmission())));
  return new Promise((resolve, reject) => {
    const child = fork(path.join(import.meta.dirname, 'cpu-worker.cjs'), [file, String(requests), bodiesFile], {
      env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('message', (message: { cpuMicrosPerRequest?: number; error?: string }) => {
      if (message.error) reject(new Error(message.error));
      else resolve(message.cpuMicrosPerRequest!);
      child.kill();
    });
    child.once('error', reject);
  });
}

async function main() {
  const dataDir = path.join(work, 'data');
  const synthesis = synthesizeLocal(LOCAL_CDK_OUT(dataDir));
  const dynamodb = await startDynamoDbLocal(dataDir);
  try {
    await createTables(dynamodb.client, synthesis.template);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...functionEnvironment(synthesis.template, synthesis.functionIds['submit-need'], {
        WEB_ORIGIN: 'http://localhost:3000',
        ALLOWED_ORIGIN: 'http://localhost:3000',
      }),
      NODE_OPTIONS: '',
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
    };

    const subjects = {
      baseline: bundle(path.join(import.meta.dirname, 'baseline-handler.ts'), 'baseline'),
      'submit-need': bundle(path.join(PROJECT_ROOT, FUNCTIONS['submit-need'].entry), 'submit-need'),
    };
    const names = Object.keys(subjects) as (keyof typeof subjects)[];

    const size = Object.fromEntries(names.map((n) => [n, statSync(subjects[n]).size]));

    const cold: Record<string, number[]> = { baseline: [], 'submit-need': [] };
    for (let i = 0; i < COLD_RUNS; i++) for (const n of names) cold[n]!.push(coldImportMs(subjects[n], env));

    const cpu: Record<string, number[]> = { baseline: [], 'submit-need': [] };
    for (let b = 0; b < BATCHES; b++) {
      for (const n of names) cpu[n]!.push(await cpuPerRequest(subjects[n], env, Math.ceil(REQUESTS / BATCHES)));
    }

    const rows = [
      ['bundle size (KiB)', size.baseline! / 1024, size['submit-need']! / 1024],
      ['cold import (ms, median)', median(cold.baseline!), median(cold['submit-need']!)],
      ['CPU per request (µs, median)', median(cpu.baseline!), median(cpu['submit-need']!)],
    ] as const;
    const table = [
      '| measure | baseline | submit-need | ratio |',
      '|---|---:|---:|---:|',
      ...rows.map(([label, base, subject]) => `| ${label} | ${base.toFixed(1)} | ${subject.toFixed(1)} | ${(subject / base).toFixed(2)}× |`),
    ].join('\n');
    console.log(`\nsubmit-need vs baseline (parse JSON + one PutItem), Node ${process.version}, ` +
      `${COLD_RUNS} cold imports and ${REQUESTS} requests each, DynamoDB Local\n\n${table}\n`);
    writeFileSync(path.join(PROJECT_ROOT, 'bench', 'last-run.md'), table + '\n');
  } finally {
    await dynamodb.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
