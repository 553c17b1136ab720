// What one need costs, measured on the real local system: the synthesized state machine on the local
// Step Functions, the real handlers, DynamoDB Local, the local pipe from the needs stream, and banks
// scripted by the bench that answer through the public, signed events endpoint. Two paths: granted
// at the first bank (then disbursed), and declined by the first bank then granted at the second.
//
// Measured per need: DynamoDB write and read units (every call of the functions' shared DynamoDB
// client asks ReturnConsumedCapacity INDEXES, and DynamoDB Local answers with the units of the table
// and of each index — inside a transaction by its own reckoning, which counts the transaction's items
// of a table together: 2 units for two small items, where DynamoDB's published rule is 2 per item per
// KB), Lambda invocations and their duration (for GB-seconds),
// state transitions (what Step Functions bills), API requests, pipe events, log bytes (the functions'
// JSON lines as written, the state machine's execution history at logging level ALL). Then the cost
// per million needs at the list prices below. Writes bench/cost-last-run.md; `npm run bench` runs it.
//
// The middleware is installed here only, on the client the handlers share (shared/adapters/dynamodb.ts);
// the bench's own reads and writes (banks, checks) go through a client of their own and are not counted.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FUNCTIONS, type FunctionName } from '../lib/routes';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/dynamodb-local';
import { startLocalRuntime, type AnyHandler } from '../local/runtime';
import { dynamoDbClient } from '../shared/adapters/dynamodb';
import { RoutingStore } from '../shared/adapters/routing-store';
import { validSubmission } from '../test/support/needs';
import { SME_LOAN_PRODUCT, TestBanks } from '../test/support/test-banks';

const NEEDS_PER_PATH = Number(process.env.COST_BENCH_NEEDS ?? 6);
const DEFAULT_MEMORY_MB = 512; // lib/lambda-defaults.ts
/**
 * Billed milliseconds assumed per invocation for the GB-seconds of the cost table: a warm handler
 * making a few DynamoDB calls of single-digit milliseconds, or one webhook delivery to a bank. The
 * durations measured here (against DynamoDB Local, on a shared machine) are shown beside it, as an
 * upper bound, but vary too much run to run to price.
 */
const ASSUMED_MS_PER_INVOCATION = 100;

/**
 * List prices assumed (US$), AWS us-east-1 public price pages as known in 2025 (not re-checked: this
 * machine has no internet). The production partition is aws-cn, priced in CNY by Sinnet (cn-north-1)
 * and NWCD (cn-northwest-1): convert with their current price lists before quoting these as China costs.
 */
export const PRICES = {
  apiGatewayRestPerMillion: 3.5, // REST API requests, first 333 million a month
  wafPerMillionRequests: 0.6, // web ACL requests (the regional WAF in front of the API)
  lambdaPerMillionRequests: 0.2, // arm64 and x86 alike
  lambdaArmPerGbSecond: 0.0000133334, // arm64, first 7.5 billion GB-s a month
  dynamoPerMillionWru: 0.625, // on-demand, since the 1 November 2024 reduction (1.25 before)
  dynamoPerMillionRru: 0.125, // on-demand, since the 1 November 2024 reduction (0.25 before)
  stepFunctionsPerThousandTransitions: 0.025, // Standard workflows
  pipesPerMillionRequests: 0.4, // EventBridge Pipes, per 64 KB chunk of events after filtering
  s3PutPerThousand: 0.005, // S3 Standard PUT, COPY, POST, LIST
  s3GetPerThousand: 0.0004, // S3 Standard GET and others
  logsIngestionPerGb: 0.5, // CloudWatch Logs standard ingestion
} as const;
const DYNAMO_BEFORE_NOV_2024 = { wru: 1.25, rru: 0.25 };

/** Per-event sizes CloudWatch Logs ingests that the local system does not write (assumed). */
const LAMBDA_PLATFORM_LOG_BYTES = 400; // START, END and REPORT lines of one invocation
const ACCESS_LOG_BYTES = 330; // one API Gateway access log line (lib/api.ts's JSON fields)
/**
 * The bank registry, re-read by a warm routing function when its 30-second cache ages out: the
 * issue measured 47 read units for a consistent read of the national registry (about 188 KB), half
 * that eventually consistent; at 1 million needs a month (0.39 a second) one re-read per 30 s per
 * warm instance, one instance: 23.5 / (0.39 × 30) ≈ 2 read units per need.
 */
const REGISTRY_REREAD_RRU_PER_NEED = 23.5 / ((1_000_000 / (30 * 86_400)) * 30);

interface Tally {
  wcu: number;
  rcu: number;
  byIndex: Record<string, number>;
  calls: Record<string, number>;
  invocations: Record<string, number>;
  gbSeconds: number;
  lambdaMs: number;
  apiRequests: number;
  logBytes: number;
  logLines: number;
}
const emptyTally = (): Tally => ({ wcu: 0, rcu: 0, byIndex: {}, calls: {}, invocations: {}, gbSeconds: 0, lambdaMs: 0, apiRequests: 0, logBytes: 0, logLines: 0 });
let tally = emptyTally();

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const CAPACITY_COMMANDS = new Set([...WRITES, 'GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

// Every call of the functions' DynamoDB client (document client and Powertools idempotency share it).
dynamoDbClient().middlewareStack.add(
  (next, context) => async (args) => {
    const command = context.commandName ?? '';
    if (!CAPACITY_COMMANDS.has(command)) return next(args);
    (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
    const result = await next(args);
    const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
    tally.calls[command] = (tally.calls[command] ?? 0) + 1;
    if (process.env.COST_BENCH_DEBUG) process.stderr.write(`${command} ${JSON.stringify(consumed)}\n`);
    for (const entry of [consumed ?? []].flat()) {
      const units = entry.CapacityUnits ?? 0;
      if (WRITES.has(command)) tally.wcu += units;
      else tally.rcu += units;
      for (const [index, capacity] of Object.entries(entry.GlobalSecondaryIndexes ?? {})) {
        tally.byIndex[index] = (tally.byIndex[index] ?? 0) + (capacity.CapacityUnits ?? 0);
      }
    }
    return result;
  },
  { step: 'initialize', name: 'costBenchConsumedCapacity' },
);

// The functions' log lines (JSON, one per line) are counted and kept off the screen.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  if (text.startsWith('{')) {
    tally.logBytes += Buffer.byteLength(text);
    tally.logLines += text.split('\n').filter(Boolean).length;
    return true;
  }
  return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

const memoryOf = (name: FunctionName) => (FUNCTIONS[name] as { memorySize?: number }).memorySize ?? DEFAULT_MEMORY_MB;
const wrapHandler = (name: FunctionName, handler: AnyHandler): AnyHandler => async (event, context) => {
  const started = performance.now();
  try {
    return await handler(event, context);
  } finally {
    const ms = Math.max(1, Math.ceil(performance.now() - started));
    tally.invocations[name] = (tally.invocations[name] ?? 0) + 1;
    tally.lambdaMs += ms;
    tally.gbSeconds += (ms / 1000) * (memoryOf(name) / 1024);
  }
};

const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-cost-'));
const runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'INFO', schedules: false, retryIntervalMs: 10, wrapHandler });
const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const benchDb = DynamoDBDocumentClient.from(new DynamoDBClient({ ...clientConfig, endpoint: runtime.dynamoDbEndpoint }));
const banks = new TestBanks(
  runtime.url,
  new RoutingStore(benchDb, runtime.tableNames),
  new SecretsManagerClient({ ...clientConfig, endpoint: runtime.awsEndpoint }),
  runtime.bankSecretPrefix,
);
await banks.start();

const api = async (url: string, init?: RequestInit) => {
  tally.apiRequests++;
  return fetch(url, init);
};
const bank = (division: string) =>
  banks.add({
    bankId: `cost-${division}-${randomUUID().slice(0, 8)}`,
    nameZh: `成本测试银行${division}`,
    nameEn: `Cost Bench Bank ${division}`,
    divisions: [division],
    products: [SME_LOAN_PRODUCT],
    capacity: 10_000,
    deadlines: { acknowledgeWorkingDays: 3, decideCalendarDays: 30 },
  });
const sendAsBank = async (bankId: string, type: string, data: Record<string, unknown>) => {
  for (let attempt = 0; attempt < 200; attempt++) {
    tally.apiRequests++;
    const answer = await banks.send(bankId, type, data);
    if (answer.status !== 409 || answer.body.type !== '/problems/referral-not-ready') {
      if (answer.status !== 200) throw new Error(`${type}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer;
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // as a bank honours Retry-After (shortened)
  }
  throw new Error(`${type} never settled`);
};
const grant = { amountYuan: 500_000, annualRateBp: 345, termMonths: 24, loanType: 'credit', firstLoan: true };

async function oneNeed(county: string, banksInOrder: { bankId: string; declines: boolean }[]) {
  const submission = validSubmission();
  submission.enterprise.countyCode = county;
  const submitted = await api(`${runtime.url}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(submission) });
  if (submitted.status !== 201) throw new Error(`submit: ${submitted.status}`);
  const { needId, trackingToken } = (await submitted.json()) as { needId: string; trackingToken: string };
  let grantedBy = '';
  for (const { bankId, declines } of banksInOrder) {
    const offer = await banks.nextOffer(bankId);
    const referralId = offer.body.data.referralId as string;
    if (declines) {
      await sendAsBank(bankId, 'referral.declined', { referralId, reasonCode: 'tax_arrears' });
      continue;
    }
    await sendAsBank(bankId, 'referral.accepted', { referralId });
    await sendAsBank(bankId, 'referral.granted', { referralId, ...grant });
    grantedBy = bankId;
    const execution = runtime.stepFunctions.executions().find((e) => e.name === needId)!;
    await execution.finished;
    await sendAsBank(bankId, 'referral.disbursed', { referralId, amountYuan: grant.amountYuan, disbursedOn: new Date().toISOString().slice(0, 10) });
    break;
  }
  if (!grantedBy) throw new Error(`${needId} was not granted`);
  const status = await api(`${runtime.url}/v1/needs/${needId}`, { headers: { Authorization: `Bearer ${trackingToken}` } });
  if (((await status.json()) as { status: string }).status !== 'disbursed') throw new Error(`${needId} not disbursed`);
  const execution = runtime.stepFunctions.executions().find((e) => e.name === needId)!;
  const history = (await runtime.stepFunctions.handle('GetExecutionHistory', { executionArn: execution.executionArn, maxResults: 1000 })) as { events: unknown[] };
  return { stateTransitions: execution.stateTransitions, historyBytes: history.events.reduce<number>((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0), historyEvents: history.events.length };
}

interface PathResult {
  path: string;
  needs: number;
  wcu: number;
  rcu: number;
  byIndex: Record<string, number>;
  calls: Record<string, number>;
  invocations: number;
  byFunction: Record<string, number>;
  gbSeconds: number;
  gbSecondsEstimate: number;
  lambdaMs: number;
  stateTransitions: number;
  apiRequests: number;
  pipeEvents: number;
  logBytes: number;
}

async function measure(pathName: string, county: string, order: () => Promise<{ bankId: string; declines: boolean }[]>): Promise<PathResult> {
  const lined = await order();
  // One need first, unmeasured: cold handlers, the routing function's first read of the registry.
  await oneNeed(county, lined);
  const sums = { stateTransitions: 0, historyBytes: 0, historyEvents: 0 };
  tally = emptyTally();
  for (let i = 0; i < NEEDS_PER_PATH; i++) {
    const one = await oneNeed(county, lined);
    sums.stateTransitions += one.stateTransitions;
    sums.historyBytes += one.historyBytes;
    sums.historyEvents += one.historyEvents;
  }
  const n = NEEDS_PER_PATH;
  const invocations = Object.values(tally.invocations).reduce((a, b) => a + b, 0);
  const logBytes =
    tally.logBytes + sums.historyBytes + invocations * LAMBDA_PLATFORM_LOG_BYTES + tally.apiRequests * ACCESS_LOG_BYTES + (tally.logLines + sums.historyEvents) * 26;
  return {
    path: pathName,
    needs: n,
    wcu: tally.wcu / n,
    rcu: tally.rcu / n,
    byIndex: Object.fromEntries(Object.entries(tally.byIndex).map(([k, v]) => [k, v / n])),
    calls: Object.fromEntries(Object.entries(tally.calls).map(([k, v]) => [k, v / n])),
    invocations: invocations / n,
    byFunction: Object.fromEntries(Object.entries(tally.invocations).map(([k, v]) => [k, v / n])),
    gbSeconds: tally.gbSeconds / n,
    gbSecondsEstimate:
      Object.entries(tally.invocations).reduce((sum, [name, count]) => sum + count * (ASSUMED_MS_PER_INVOCATION / 1000) * (memoryOf(name as FunctionName) / 1024), 0) / n,
    lambdaMs: tally.lambdaMs / n,
    stateTransitions: sums.stateTransitions / n,
    apiRequests: tally.apiRequests / n,
    pipeEvents: 1, // the need's INSERT record passes the pipe's filter; its later MODIFY records do not (not billed)
    logBytes: logBytes / n,
  };
}

const results: PathResult[] = [];
try {
  const granting = await bank('330106');
  results.push(await measure('granted at the first bank, then disbursed', '330106', async () => [{ bankId: granting.bankId, declines: false }]));
  const local = await bank('441900');
  const provincial = await bank('440000');
  results.push(
    await measure('declined by the first bank, granted at the second, disbursed', '441900', async () => [
      { bankId: local.bankId, declines: true },
      { bankId: provincial.bankId, declines: false },
    ]),
  );
} finally {
  await banks.stop();
  await runtime.stop();
  benchDb.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}

/** The cost lines of a million needs on a path, US$. */
function costLines(r: PathResult, dynamo: { wru: number; rru: number } = { wru: PRICES.dynamoPerMillionWru, rru: PRICES.dynamoPerMillionRru }) {
  const rcu = r.rcu + REGISTRY_REREAD_RRU_PER_NEED;
  return [
    { line: 'API Gateway REST requests', quantity: `${fmt(r.apiRequests)} requests`, price: `$${PRICES.apiGatewayRestPerMillion}/M`, usd: r.apiRequests * PRICES.apiGatewayRestPerMillion },
    { line: 'WAF requests', quantity: `${fmt(r.apiRequests)} requests`, price: `$${PRICES.wafPerMillionRequests}/M`, usd: r.apiRequests * PRICES.wafPerMillionRequests },
    { line: 'Lambda requests (arm64)', quantity: `${fmt(r.invocations)} invocations`, price: `$${PRICES.lambdaPerMillionRequests}/M`, usd: r.invocations * PRICES.lambdaPerMillionRequests },
    {
      line: 'Lambda duration (arm64)',
      quantity: `${fmt(r.gbSecondsEstimate, 3)} GB-s`,
      price: `$${PRICES.lambdaArmPerGbSecond}/GB-s`,
      usd: r.gbSecondsEstimate * PRICES.lambdaArmPerGbSecond * 1e6,
    },
    { line: 'DynamoDB writes (on-demand)', quantity: `${fmt(r.wcu)} WRU`, price: `$${dynamo.wru}/M WRU`, usd: r.wcu * dynamo.wru },
    { line: 'DynamoDB reads (on-demand)', quantity: `${fmt(rcu)} RRU`, price: `$${dynamo.rru}/M RRU`, usd: rcu * dynamo.rru },
    { line: 'Step Functions Standard transitions', quantity: `${fmt(r.stateTransitions)} transitions`, price: `$${PRICES.stepFunctionsPerThousandTransitions}/1,000`, usd: r.stateTransitions * PRICES.stepFunctionsPerThousandTransitions * 1000 },
    { line: 'EventBridge Pipes', quantity: `${r.pipeEvents} request`, price: `$${PRICES.pipesPerMillionRequests}/M`, usd: r.pipeEvents * PRICES.pipesPerMillionRequests },
    { line: 'S3 PUT / GET', quantity: '0 per need (reports: per county and day)', price: `$${PRICES.s3PutPerThousand}/1,000 PUT, $${PRICES.s3GetPerThousand}/1,000 GET`, usd: 0 },
    { line: 'CloudWatch Logs ingestion', quantity: `${fmt(r.logBytes / 1024, 1)} KiB`, price: `$${PRICES.logsIngestionPerGb}/GB`, usd: (r.logBytes / 1024 ** 3) * PRICES.logsIngestionPerGb * 1e6 },
  ];
}

function fmt(value: number, digits = 1): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const lines: string[] = [];
const out = (line = '') => lines.push(line);
out(`Measured ${new Date().toISOString().slice(0, 10)} on the local system (DynamoDB Local's ConsumedCapacity; ${NEEDS_PER_PATH} needs a path after one warm-up need). Per need:`);
out();
out('| measure | ' + results.map((r) => r.path).join(' | ') + ' |');
out('|---|' + results.map(() => '---:').join('|') + '|');
const row = (name: string, value: (r: PathResult) => string) => out(`| ${name} | ${results.map(value).join(' | ')} |`);
row('DynamoDB write units (WCU/WRU)', (r) => fmt(r.wcu));
row('— of which in indexes', (r) => Object.entries(r.byIndex).map(([k, v]) => `${k} ${fmt(v)}`).join(', ') || '0');
row('DynamoDB read units (RCU/RRU), measured', (r) => fmt(r.rcu));
row('DynamoDB calls', (r) => Object.entries(r.calls).map(([k, v]) => `${k.replace('Command', '')} ${fmt(v)}`).join(', '));
row('Lambda invocations', (r) => `${fmt(r.invocations)} (${Object.entries(r.byFunction).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')})`);
row('Lambda duration, measured here (ms)', (r) => fmt(r.lambdaMs, 0));
row('Lambda GB-seconds (measured ms × memory)', (r) => fmt(r.gbSeconds, 3));
row(`Lambda GB-seconds priced (${ASSUMED_MS_PER_INVOCATION} ms an invocation × memory)`, (r) => fmt(r.gbSecondsEstimate, 3));
row('State transitions', (r) => fmt(r.stateTransitions));
row('API requests (submit, bank events, one status read)', (r) => fmt(r.apiRequests));
row('Pipe events (after the filter)', (r) => String(r.pipeEvents));
row('S3 requests', () => '0');
row('Log bytes (functions, state machine ALL, platform, access)', (r) => fmt(r.logBytes, 0));
out();
for (const r of results) {
  const cost = costLines(r);
  const total = cost.reduce((sum, c) => sum + c.usd, 0);
  out(`Cost per million needs, ${r.path} (reads include ${fmt(REGISTRY_REREAD_RRU_PER_NEED)} RRU a need for the registry's re-reads at 1 M needs a month):`);
  out();
  out('| line | per need | list price | US$ per million needs |');
  out('|---|---:|---:|---:|');
  for (const c of cost) out(`| ${c.line} | ${c.quantity} | ${c.price} | ${fmt(c.usd, 2)} |`);
  out(`| **total** | | | **${fmt(total, 2)}** |`);
  const before = costLines(r, DYNAMO_BEFORE_NOV_2024).reduce((sum, c) => sum + c.usd, 0);
  out();
  out(`With DynamoDB's prices before November 2024 ($1.25/M WRU, $0.25/M RRU): US$${fmt(before, 2)}.`);
  out();
}
out(
  'Prices: AWS us-east-1 public list prices as known in 2025, not re-checked (no internet here); the production partition (aws-cn) is priced in CNY by its operators. ' +
    `Lambda durations are measured against DynamoDB Local on a shared machine (slower than DynamoDB): an upper bound, not priced; the table prices ${ASSUMED_MS_PER_INVOCATION} ms an invocation. Log bytes add ${LAMBDA_PLATFORM_LOG_BYTES} bytes of platform lines per invocation, ${ACCESS_LOG_BYTES} bytes of access log per API request and 26 bytes per log event (CloudWatch's overhead). ` +
    "DynamoDB Local counts a transaction's items of one table together (two small items: 2 units; DynamoDB's published rule: 2 per item per KB, 4): the table part of the write units may be higher in AWS; index units follow the rule. " +
    'Not per need, left out: the regulator reports (S3 PUTs per county and day), the routing sweeper, alarms, custom metrics, KMS, Secrets Manager (cached secrets), SQS dead-letter queues, data transfer.',
);
const text = lines.join('\n');
console.log(`\n== Cost per need ==\n${text}\n`);
writeFileSync(path.join(import.meta.dirname, 'cost-last-run.md'), `# Cost per need — last run\n\n\`npx tsx bench/cost.bench.ts\` (part of \`npm run bench\`).\n\n${text}\n`);
process.exit(0);
