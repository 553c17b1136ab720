// `npm run bench` (cold starts): every function of lib/routes.ts as deployed, against a minimal
// baseline (parse the JSON body, one PutItem) built with the best settings, measured in the same run
// on the same machine and reported as ratios:
//   bundle size        esbuild with the stack's own settings: lib/lambda-defaults.ts' bundlingFor(traced)
//                      for the production partition aws-cn (no Lambda tracing there); BENCH_PARTITIONS=aws-cn,aws
//                      adds the aws partition (tracer bundled). The baseline: ESM, main fields module,main,
//                      minified, no source map.
//   cold import        importing the bundle in a fresh Node process with the function's environment from the
//                      synthesized template, NODE_OPTIONS included (as Lambda starts it); median of interleaved
//                      runs, in wall time and in the process's CPU time (steadier when the machine is busy)
//   first error stack  on that cold instance, formatting the first stack that runs through the bundle (what
//                      the first logged error costs: with --enable-source-maps it decodes the source map)
//   CPU per request    submit-need vs baseline: process CPU per handler call against DynamoDB Local (median of batches)
// Writes bench/last-run.md.
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { bundlingFor, PROJECT_ROOT } from '../lib/lambda-defaults';
import { FUNCTIONS, type FunctionName } from '../lib/routes';
import { SmefinStack } from '../lib/smefin-stack';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../local/dynamodb-local';
import { functionEnvironment, functionLogicalIds, LOCAL_CDK_OUT, synthesizeLocal, type CfnTemplate } from '../local/synth';
import { createTables } from '../local/tables';
import { validSubmission } from '../test/support/needs';
import { chinaStage } from '../test/infra/stages';
import { bundle, contributors, type Bundle, type Bundling } from './bundle';

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const BATCHES = 5;
const PARTITIONS = (process.env.BENCH_PARTITIONS ?? 'aws-cn').split(',') as Partition[];
type Partition = 'aws-cn' | 'aws';
const REGION: Record<Partition, string> = { 'aws-cn': 'cn-north-1', aws: 'us-east-1' };

/** The best settings esbuild offers a Node.js 22 function: the baseline is built with them. */
const BEST: Bundling = {
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  target: 'node22',
  minify: true,
  sourceMap: false,
  loader: { '.json': 'json' },
};

const work = mkdtempSync(path.join(tmpdir(), 'smefin-bench-'));

function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The stack of a partition, synthesized without bundling: each function's environment as deployed. */
function synthesize(partition: Partition): { template: CfnTemplate; functionIds: Record<FunctionName, string> } {
  const app = new App({ outdir: path.join(work, `cdk-${partition}`), context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SmefinStack(app, 'smefin-bench', chinaStage(), { env: { account: '123456789012', region: REGION[partition] } });
  const template = app.synth().getStackByName('smefin-bench').template as CfnTemplate;
  return { template, functionIds: functionLogicalIds(stack) };
}

/** What a cold process sees: the function's own variables (NODE_OPTIONS as deployed), no reachable AWS endpoint. */
function coldEnvironment(own: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_OPTIONS: '',
    ...own,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
  };
}

interface ColdSample {
  importMs: number;
  /** The process's CPU time (user + system, all threads) during the import: steadier than wall time on a busy machine. */
  importCpuMs: number;
  /** Formatting the first error stack that runs through the bundle; NaN when the handler read no event within 3 s. */
  stackMs: number;
}

/**
 * Imports the bundle in a fresh Node process, then calls its handler with an event whose first read
 * (only the bundle's code reads it) creates an Error and formats its stack, the bundle's frames on it,
 * and exits there: nothing reaches the network.
 */
function coldSample(file: string, env: NodeJS.ProcessEnv): ColdSample {
  const script = `
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const mod = await import(${JSON.stringify(pathToFileURL(file).href)});
const importMs = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage(c0);
const importCpuMs = (cpu.user + cpu.system) / 1e3;
const report = (stackMs) => { process.stdout.write(JSON.stringify({ importMs, importCpuMs, stackMs })); process.exit(0); };
const probe = new Proxy({}, { get(_, key) {
  if (key === 'then') return undefined; // awaited: read by a promise job, no frame of the bundle on the stack
  const t = process.hrtime.bigint();
  const stack = String(new Error('probe').stack);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  // Only a read with the bundle's code on the stack (a frame of a file, not this script or Node's own).
  const inFile = (line) => (line.includes('(/') || line.includes('(file:///')) && !line.includes('[eval');
  if (stack.split('\\n').slice(2).some(inFile)) report(ms);
  return undefined;
} });
setTimeout(() => report(null), 3000);
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10000 };
try { Promise.resolve(mod.handler(probe, context)).catch(() => {}); } catch {}
`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const sample = JSON.parse(out.toString()) as { importMs: number; importCpuMs: number; stackMs: number | null };
  return { importMs: sample.importMs, importCpuMs: sample.importCpuMs, stackMs: sample.stackMs ?? Number.NaN };
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

interface Subject {
  label: string;
  partition?: Partition;
  bundle: Bundle;
  env: NodeJS.ProcessEnv;
  nodeOptions: string;
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const ratio = (value: number, base: number) => (Number.isFinite(value) ? `${(value / base).toFixed(2)}×` : '—');
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '—');

/** What the subject's bundle carries beyond the baseline's, by package or folder (esbuild metafile), largest first. */
function beyondBaseline(subject: Subject, baseline: Subject, count: number): string {
  const base = new Map(contributors(baseline.bundle.metafile).map(({ name, bytes }) => [name, bytes]));
  return contributors(subject.bundle.metafile)
    .map(({ name, bytes }) => ({ name, bytes: bytes - (base.get(name) ?? 0) }))
    .filter(({ bytes }) => bytes >= 512)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count)
    .map(({ name, bytes }) => `| ${name} | ${kib(bytes)} |`)
    .join('\n');
}

async function main() {
  process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING = '1';
  const dataDir = path.join(work, 'data');
  // The settings every aws-cn function gets from the stack (lib/functions.ts passes no others).
  const awsOnly = { WEB_ORIGIN: 'https://web.example', ALLOWED_ORIGIN: 'https://web.example' };
  const subjects: Subject[] = [];
  const synthesized = Object.fromEntries(PARTITIONS.map((p) => [p, synthesize(p)])) as Record<Partition, ReturnType<typeof synthesize>>;
  const submitEnvironment = functionEnvironment(synthesized[PARTITIONS[0]!].template, synthesized[PARTITIONS[0]!].functionIds['submit-need'], awsOnly);
  subjects.push({
    label: 'baseline',
    bundle: bundle(BEST, path.join(import.meta.dirname, 'baseline-handler.ts'), path.join(work, 'baseline')),
    env: coldEnvironment({ ...submitEnvironment, NODE_OPTIONS: '' }),
    nodeOptions: '',
  });
  for (const partition of PARTITIONS) {
    const { template, functionIds } = synthesized[partition];
    const bundling = bundlingFor(partition === 'aws');
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const own = functionEnvironment(template, functionIds[name], awsOnly);
      subjects.push({
        label: name,
        partition,
        bundle: bundle(bundling, path.join(PROJECT_ROOT, FUNCTIONS[name].entry), path.join(work, partition, name)),
        env: coldEnvironment(own),
        nodeOptions: own.NODE_OPTIONS ?? '',
      });
    }
  }

  // Cold starts, interleaved: one sample of every subject per round.
  const samples = new Map<Subject, ColdSample[]>(subjects.map((s) => [s, []]));
  for (let round = 0; round < COLD_RUNS; round++) {
    for (const subject of subjects) samples.get(subject)!.push(coldSample(subject.bundle.file, subject.env));
  }
  const measured = subjects.map((subject) => ({
    subject,
    bytes: statSync(subject.bundle.file).size,
    importMs: median(samples.get(subject)!.map((s) => s.importMs)),
    importCpuMs: median(samples.get(subject)!.map((s) => s.importCpuMs)),
    stackMs: median(samples.get(subject)!.map((s) => s.stackMs)),
  }));
  const base = measured[0]!;

  // CPU per request: submit-need (production partition) vs baseline, against DynamoDB Local.
  const synthesis = synthesizeLocal(LOCAL_CDK_OUT(dataDir));
  const dynamodb = await startDynamoDbLocal(dataDir);
  const cpu = { baseline: [] as number[], 'submit-need': [] as number[] };
  const submit = subjects.find((s) => s.label === 'submit-need' && s.partition === PARTITIONS[0])!;
  try {
    await createTables(dynamodb.client, synthesis.template);
    const localEnvironment = functionEnvironment(synthesis.template, synthesis.functionIds['submit-need'], awsOnly);
    const env = (nodeOptions: string): NodeJS.ProcessEnv => ({
      ...process.env,
      ...localEnvironment,
      NODE_OPTIONS: nodeOptions,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      POWERTOOLS_TRACE_ENABLED: 'false',
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
    });
    for (let b = 0; b < BATCHES; b++) {
      cpu.baseline.push(await cpuPerRequest(base.subject.bundle.file, env(''), Math.ceil(REQUESTS / BATCHES)));
      cpu['submit-need'].push(await cpuPerRequest(submit.bundle.file, env(submit.nodeOptions), Math.ceil(REQUESTS / BATCHES)));
    }
  } finally {
    await dynamodb.stop();
  }

  const nodeOptionsSeen = [...new Set(measured.slice(1).map((m) => m.subject.nodeOptions || '(none)'))].join(', ');
  const row = (m: (typeof measured)[number]) =>
    `| ${m.subject.label}${PARTITIONS.length > 1 && m.subject.partition ? ` (${m.subject.partition})` : ''} | ${kib(m.bytes)} | ${ratio(m.bytes, base.bytes)} | ${ms(m.importMs)} | ${ratio(m.importMs, base.importMs)} | ${ms(m.importCpuMs)} | ${ratio(m.importCpuMs, base.importCpuMs)} | ${ms(m.stackMs)} |`;
  const table = [
    '| function | bundle KiB | × baseline | cold import ms | × baseline | cold import CPU ms | × baseline | first error stack ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...measured.map(row),
  ].join('\n');
  const cpuBase = median(cpu.baseline);
  const cpuSubmit = median(cpu['submit-need']);
  const submitMeasured = measured.find((m) => m.subject === submit)!;
  const goals = [
    `- bundle: ${ratio(submitMeasured.bytes, base.bytes)} (goal ≤ 1.30×: ${submitMeasured.bytes <= 1.3 * base.bytes ? 'met' : `${kib(submitMeasured.bytes - 1.3 * base.bytes)} KiB over`})`,
    `- cold import: ${ratio(submitMeasured.importMs, base.importMs)} (goal ≤ 1.20×: ${submitMeasured.importMs <= 1.2 * base.importMs ? 'met' : `${ms(submitMeasured.importMs - 1.2 * base.importMs)} ms over`}); ` +
      `its CPU time ${ratio(submitMeasured.importCpuMs, base.importCpuMs)} (${submitMeasured.importCpuMs <= 1.2 * base.importCpuMs ? 'met' : `${ms(submitMeasured.importCpuMs - 1.2 * base.importCpuMs)} ms over`})`,
    `- CPU per request against DynamoDB Local: ${cpuSubmit.toFixed(0)} µs vs ${cpuBase.toFixed(0)} µs (${ratio(cpuSubmit, cpuBase)})`,
  ].join('\n');
  const report = [
    `Node ${process.version}, ${COLD_RUNS} interleaved cold imports per function (medians), partition ${PARTITIONS.join(' and ')} ` +
      `(bundlingFor(${PARTITIONS.map((p) => p === 'aws').join(') and bundlingFor(')}) from lib/lambda-defaults.ts), ` +
      `NODE_OPTIONS from the synthesized template: ${nodeOptionsSeen}. Baseline: parse JSON + one PutItem, ESM, main fields module,main, minified, no source map.`,
    '',
    table,
    '',
    `submit-need (${PARTITIONS[0]}) against the goals:`,
    '',
    goals,
    '',
    `What submit-need's bundle carries beyond the baseline's (KiB, by package or folder, esbuild metafile):`,
    '',
    '| input | KiB beyond the baseline |',
    '|---|---:|',
    beyondBaseline(submit, base.subject, 14),
    '',
  ].join('\n');
  console.log(`\ncold starts\n\n${report}`);
  writeFileSync(path.join(PROJECT_ROOT, 'bench', 'last-run.md'), report);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
