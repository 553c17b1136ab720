// National roll-up benchmark (`npx tsx bench/national-rollup.bench.ts`, part of `npm run bench`):
// the full national month with every county-level unit active every day (synthetic counters, as
// bench/rollup.bench.ts), run through the roll-up workflow's steps in this process — Plan (with the
// counters read through the real SDK, whose HTTP handler answers from memory), every Worker of the Map, Publish — against an
// in-memory S3 that counts PUTs and bytes. CPU is measured per step (process.cpuUsage: user +
// system); S3 and DynamoDB latencies are not, they are assumptions of the projection (stated in the
// output), as are Lambda's vCPU share and Step Functions' overheads. Projected: every invocation's
// wall time in Lambda and each scheduled run's (a day and its month-to-date; on the 1st the previous
// month as well), against the goal (under 5 minutes, no invocation above a third of its timeout).
// Baseline in the same run: the same work in one invocation with one PUT after another at 1,024 MB,
// the shape of the roll-up before the workflow. Writes bench/national-rollup-last-run.md.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FUNCTIONS } from '../lib/routes';
import { MAP_CONCURRENCY } from '../lib/rollup-workflow';
import { parsePeriod, scheduledPeriods, type Period } from '../shared/domain/report';
import type { BatchRef, BatchResult, PlannedPeriod } from '../shared/domain/report-publication';
import type { CounterRow } from '../shared/domain/rollup';
import { counterSource } from '../shared/adapters/counters-reader';
import { DEFAULT_BATCH_REPORTS, DEFAULT_PUT_CONCURRENCY, planRollup, publishPlanned, writeBatch } from '../shared/adapters/report-publisher';
import type { ReportObjects } from '../shared/adapters/report-store';
import { COUNTIES, countersOfDays } from './synthetic-counters';

/** The 1st of the month: its run rolls up 30 November, November to date and the month of November. */
const FIRST = '2026-12-01';
/** Any other day: 29 November and November to the 29th. */
const REGULAR = '2026-11-30';
const BATCH_REPORTS = Number(process.env.BENCH_BATCH_REPORTS ?? DEFAULT_BATCH_REPORTS);
const THRESHOLD = 5;

// ---------------------------------------------------------------------------------------------
// Assumptions of the projection (stated in the output)

const ASSUME = {
  /** One S3 PUT or GET, ms (low, high). */
  putMs: [20, 40] as const,
  /** One DynamoDB Query page of up to 1 MB, ms (low, high); the days of a period are queried in parallel. */
  queryPageMs: [30, 80] as const,
  /**
   * Lambda CPU seconds per CPU second measured here at 1,769 MB (one full vCPU): 1.0 if a Lambda
   * vCPU (arm64, Graviton2) is as fast as a core of this machine, 1.5 if it is a third slower.
   */
  cpuFactor: [1.0, 1.5] as const,
  /** Lambda's vCPU share at a memory size: proportional, 1,769 MB = 1 vCPU. */
  vcpu: (memoryMb: number) => Math.min(memoryMb / 1769, 1),
  /** Cold start of a roll-up function (init of the bundle), s: paid by Plan, Publish and the first wave of workers. */
  coldStartS: [0.5, 1.5] as const,
  /** A Step Functions state transition plus the Lambda invoke around a task, s. */
  transitionS: [0.05, 0.15] as const,
  /** S3 PUTs per second per partitioned prefix (S3's documented baseline); a period writes two prefixes (the editions). */
  s3PutsPerSecondPerPrefix: 3500,
} as const;

// ---------------------------------------------------------------------------------------------
// Helpers

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mib = (bytes: number) => fmt(bytes / 2 ** 20, 1);
const secs = (s: number) => (s >= 100 ? fmt(s) : fmt(s, s < 1 ? 2 : 1));
const range = ([low, high]: readonly [number, number]) => `${secs(low)}–${secs(high)}`;

function cpuMs<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = process.cpuUsage();
  return fn().then((result) => {
    const used = process.cpuUsage(start);
    return { ms: (used.user + used.system) / 1000, result };
  });
}

/** S3 in memory: what was put, and how many PUTs and bytes. */
class MemoryBucket implements ReportObjects {
  readonly objects = new Map<string, Buffer>();
  puts = 0;
  bytes = 0;
  put(key: string, body: Buffer): Promise<void> {
    this.objects.set(key, body);
    this.puts += 1;
    this.bytes += body.length;
    return Promise.resolve();
  }
  get(key: string): Promise<Buffer | undefined> {
    return Promise.resolve(this.objects.get(key));
  }
}

/** A day's DynamoDB Query pages (≤ 1 MB each) as they come over the wire: marshalled items, the next page's key. */
function pagesOf(rows: readonly CounterRow[]): string[] {
  const pages: string[][] = [[]];
  let size = 0;
  for (const row of rows) {
    const item = JSON.stringify({
      day: { S: row.day },
      countyCode: { S: row.countyCode },
      updatedAt: { S: `${row.day}T15:59:00.000Z` },
      ...Object.fromEntries(Object.entries(row.counters).map(([name, n]) => [name, { N: String(n) }])),
    });
    if (size + item.length > 1_000_000 && pages.at(-1)!.length) {
      pages.push([]);
      size = 0;
    }
    pages.at(-1)!.push(item);
    size += item.length;
  }
  return pages.map((items, i) => {
    const next = i + 1 < pages.length ? `,"LastEvaluatedKey":{"day":{"S":"${rows[0]!.day}"},"countyCode":{"S":"page-${i + 1}"}}` : '';
    return `{"Count":${items.length},"ScannedCount":${items.length},"Items":[${items.join(',')}]${next}}`;
  });
}

/**
 * A DynamoDB client whose HTTP handler answers each Query with the day's page (no network): the
 * Plan step reads the counters through the real SDK, deserializer and document client included.
 */
function dynamoDbOf(pagesByDay: ReadonlyMap<string, string[]>): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: 'cn-north-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: {
      handle: (request: { body: string | Uint8Array }) => {
        const query = JSON.parse(typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8')) as { ExpressionAttributeValues: { ':day': { S: string } }; ExclusiveStartKey?: { countyCode: { S: string } } };
        const page = Number(query.ExclusiveStartKey?.countyCode.S.slice('page-'.length) ?? 0);
        const body = pagesByDay.get(query.ExpressionAttributeValues[':day'].S)?.[page] ?? '{"Count":0,"ScannedCount":0,"Items":[]}';
        return Promise.resolve({ response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from(body)]) } });
      },
    } as never,
  });
  return DynamoDBDocumentClient.from(client);
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface Worker extends BatchResult {
  cpuMs: number;
}

interface RunMeasure {
  runDay: string;
  periods: Period[];
  planCpuMs: number;
  planned: PlannedPeriod[];
  batches: BatchRef[];
  stagingPuts: number;
  stagingBytes: number;
  pagesByPeriod: Map<string, number>;
  /** The plan's staged objects, which the workers read. */
  bucket: MemoryBucket;
}

async function measurePlan(runDay: string, pagesByDay: Map<string, string[]>): Promise<RunMeasure> {
  const periods = scheduledPeriods(runDay);
  const bucket = new MemoryBucket();
  const { ms, result } = await cpuMs(() =>
    planRollup({ counters: counterSource(dynamoDbOf(pagesByDay), 'Counters'), store: bucket, periods, threshold: THRESHOLD, bankNames: {}, batchReports: BATCH_REPORTS }),
  );
  return {
    runDay,
    periods,
    planCpuMs: ms,
    planned: result.periods,
    batches: result.batches,
    stagingPuts: bucket.puts,
    stagingBytes: bucket.bytes,
    pagesByPeriod: new Map(periods.map((p) => [p.id, Math.max(...p.days.map((d) => pagesByDay.get(d)?.length ?? 0))])),
    bucket,
  };
}

async function measureWorkers(run: RunMeasure): Promise<Worker[]> {
  const workers: Worker[] = [];
  for (const ref of run.batches) {
    const output = new MemoryBucket();
    // Reads its staged batch from the plan's objects, writes into a bucket of its own (counted).
    const store: ReportObjects = { put: (key, body) => output.put(key, body), get: (key) => run.bucket.get(key) };
    const { ms, result } = await cpuMs(() => writeBatch({ store }, ref));
    if (result.files !== output.puts || result.bytes !== output.bytes) throw new Error(`${ref.batch}: the worker's count disagrees with the bucket's`);
    workers.push({ ...result, cpuMs: ms });
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  return workers;
}

async function measurePublish(run: RunMeasure, workers: Worker[]): Promise<number> {
  const written = workers.map(({ cpuMs: _, ...result }) => result);
  const { ms, result } = await cpuMs(() => publishPlanned({ store: run.bucket }, { periods: run.planned, written }));
  if (result.some((r) => r.outcome !== 'published')) throw new Error('a period was not published');
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Projection

type Bound = 0 | 1;
const BOUNDS: readonly Bound[] = [0, 1];

const workerMemory = FUNCTIONS['rollup-worker'].memorySize;
const planMemory = FUNCTIONS['rollup-plan'].memorySize;

/** A worker invocation's wall time (s), upper-bounded: render and PUTs counted one after the other. */
function workerWall(worker: Worker, b: Bound): number {
  const cpu = ((worker.cpuMs / 1000) * ASSUME.cpuFactor[b]) / ASSUME.vcpu(workerMemory);
  const puts = (Math.ceil(worker.files / DEFAULT_PUT_CONCURRENCY) * ASSUME.putMs[b]) / 1000;
  return cpu + puts + ASSUME.putMs[b] / 1000; // + the GET of its staged batch
}

function planWall(run: RunMeasure, b: Bound): number {
  const cpu = ((run.planCpuMs / 1000) * ASSUME.cpuFactor[b]) / ASSUME.vcpu(planMemory);
  // Periods one after the other; a period's days in parallel (each a few 1 MB pages); staging PUTs 16 at a time.
  const reads = [...run.pagesByPeriod.values()].reduce((sum, pages) => sum + (pages * ASSUME.queryPageMs[b]) / 1000, 0);
  const staging = (Math.ceil(run.stagingPuts / DEFAULT_PUT_CONCURRENCY) * ASSUME.putMs[b] * run.periods.length) / 1000;
  return ASSUME.coldStartS[b] + cpu + reads + staging;
}

/** The Map's wall time: MAP_CONCURRENCY workers at a time, each batch to the first free one, in order. */
function mapWall(workers: Worker[], b: Bound): { wall: number; s3Floor: number } {
  const slots = new Array<number>(Math.min(MAP_CONCURRENCY, workers.length)).fill(ASSUME.coldStartS[b]);
  for (const worker of workers) {
    const i = slots.indexOf(Math.min(...slots));
    slots[i]! += ASSUME.transitionS[b] + workerWall(worker, b);
  }
  const files = workers.reduce((sum, w) => sum + w.files, 0);
  const periods = new Set(workers.map((w) => w.period)).size;
  const s3Floor = files / (ASSUME.s3PutsPerSecondPerPrefix * 2 * periods);
  return { wall: Math.max(...slots, s3Floor), s3Floor };
}

function publishWall(run: RunMeasure, publishCpuMs: number, b: Bound): number {
  // Per period: GET the staged manifest, GET the current one, PUT the new one.
  return ASSUME.coldStartS[b] + (publishCpuMs / 1000) * ASSUME.cpuFactor[b] + (run.periods.length * 3 * ASSUME.putMs[b]) / 1000;
}

/** Before the workflow: one 1,024 MB invocation doing everything, one PUT after another. */
function sequentialWall(run: RunMeasure, workers: Worker[], b: Bound): number {
  const cpu = run.planCpuMs + workers.reduce((sum, w) => sum + w.cpuMs, 0);
  const files = workers.reduce((sum, w) => sum + w.files, 0);
  const reads = [...run.pagesByPeriod.values()].reduce((sum, pages) => sum + (pages * ASSUME.queryPageMs[b]) / 1000, 0);
  return ((cpu / 1000) * ASSUME.cpuFactor[b]) / ASSUME.vcpu(1024) + (files * ASSUME.putMs[b]) / 1000 + reads;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const loadAtStart = loadavg()[0]!.toFixed(1);
  const days = parsePeriod('2026-11').days;
  const generation = performance.now();
  const byDay = countersOfDays(days, 20261130);
  const pagesByDay = new Map([...byDay].map(([day, rows]) => [day, pagesOf(rows)]));
  const generationS = (performance.now() - generation) / 1000;
  const rows = [...byDay.values()].reduce((sum, r) => sum + r.length, 0);
  const pageCount = [...pagesByDay.values()].reduce((sum, p) => sum + p.length, 0);
  const pageBytes = [...pagesByDay.values()].flat().reduce((sum, p) => sum + p.length, 0);
  byDay.clear();

  console.log(`national roll-up bench: ${fmt(COUNTIES.length)} counties × ${days.length} days, batches of ${BATCH_REPORTS} reports`);
  const first = await measurePlan(FIRST, pagesByDay);
  console.log(`plan of the 1st: ${fmt(first.planCpuMs)} ms CPU; workers (${first.batches.length})`);
  const workers = await measureWorkers(first);
  const publishCpuMs = await measurePublish(first, workers);
  const regular = await measurePlan(REGULAR, pagesByDay);
  console.log(`plan of a regular day: ${fmt(regular.planCpuMs)} ms CPU`);
  // A regular run's workers: its day and month-to-date have the reports of the 1st's day and
  // month-to-date (every county active), with one day less in the month-to-date.
  const [firstDay, firstMtd] = first.periods.map((p) => p.id);
  const regularWorkers = workers
    .filter((w) => w.period === firstDay || w.period === firstMtd)
    .map((w) => ({ ...w, period: w.period === firstDay ? regular.periods[0]!.id : regular.periods[1]!.id }));

  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  out('# National roll-up benchmark');
  out();
  out(
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, load average at start ${loadAtStart}. ` +
      `Counters: ${fmt(COUNTIES.length)} county-level units, every one active every day of November 2026 (${fmt(rows)} county-day rows, ` +
      `${fmt(pageCount)} DynamoDB pages of ≤ 1 MB, ${mib(pageBytes)} MiB as DynamoDB JSON; generated in ${fmt(generationS, 1)} s). ` +
      `The workflow's steps run in this process on an in-memory S3 (PUTs and bytes counted); CPU is user + system time of each step ` +
      `(Plan reads the counters through the real SDK and document client, its HTTP handler answering from memory). Batches of ${BATCH_REPORTS} reports, ${DEFAULT_PUT_CONCURRENCY} PUTs in flight per worker, ` +
      `Map concurrency ${MAP_CONCURRENCY}; Plan and workers at ${fmt(planMemory)} and ${fmt(workerMemory)} MB.`,
  );
  out();
  out('## Periods of the run on the 1st (2026-12-01)');
  out();
  out('| period | counter rows | reports | files | MiB | batches | staged MiB |');
  out('|---|---:|---:|---:|---:|---:|---:|');
  for (const planned of first.planned) {
    const staged = [...first.bucket.objects].filter(([key]) => key.includes(`/${planned.period}/`)).reduce((sum, [, body]) => sum + body.length, 0);
    const bytes = workers.filter((w) => w.period === planned.period).reduce((sum, w) => sum + w.bytes, 0);
    out(`| ${planned.period} | ${fmt(planned.itemsRead)} | ${fmt(planned.reports)} | ${fmt(planned.files)} | ${mib(bytes)} | ${planned.batches} | ${mib(staged)} |`);
  }
  out();
  out(
    `Plan CPU: ${fmt(first.planCpuMs)} ms for the 1st (three periods, ${fmt(first.stagingPuts)} staging PUTs, ${mib(first.stagingBytes)} MiB), ` +
      `${fmt(regular.planCpuMs)} ms for a regular day (two periods). Publish CPU: ${fmt(publishCpuMs, 1)} ms. ` +
      `Peak resident memory of this whole process (counters, plan, workers): ${fmt(process.resourceUsage().maxRSS / 1024)} MiB, against ${fmt(planMemory)} MB for Plan.`,
  );
  out();
  out('## Per worker (the 1st)');
  out();
  out(`| period | batch | reports | files | MiB | CPU ms | projected wall s (low–high) | of its ${FUNCTIONS['rollup-worker'].timeoutSeconds} s timeout (high) |`);
  out('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const w of workers) {
    const wall = BOUNDS.map((b) => workerWall(w, b)) as [number, number];
    out(`| ${w.period} | ${w.batch} | ${w.reports} | ${fmt(w.files)} | ${mib(w.bytes)} | ${fmt(w.cpuMs)} | ${range(wall)} | ${fmt((100 * wall[1]) / FUNCTIONS['rollup-worker'].timeoutSeconds, 1)} % |`);
  }
  out();
  const sorted = [...workers].sort((a, b) => a.cpuMs - b.cpuMs);
  out(
    `Workers: ${workers.length}, CPU per worker ${fmt(sorted[0]!.cpuMs)}–${fmt(sorted.at(-1)!.cpuMs)} ms (median ${fmt(sorted[Math.floor(sorted.length / 2)]!.cpuMs)}), ` +
      `${fmt(workers.reduce((s, w) => s + w.cpuMs, 0))} ms in all; ${fmt(workers.reduce((s, w) => s + w.files, 0))} files, ${mib(workers.reduce((s, w) => s + w.bytes, 0))} MiB.`,
  );
  out();
  out('## Projected wall time in Lambda per scheduled run');
  out();
  out(
    `Assumptions (low–high): S3 PUT/GET ${range(ASSUME.putMs)} ms; DynamoDB Query page ${range(ASSUME.queryPageMs)} ms (a period's days in parallel); ` +
      `Lambda vCPU share proportional to memory, 1,769 MB = 1 vCPU, a Lambda vCPU-second = ${range(ASSUME.cpuFactor)} CPU-seconds here; ` +
      `cold start ${range(ASSUME.coldStartS)} s for Plan, Publish and the first wave of workers; ${range(ASSUME.transitionS)} s per Map iteration for Step Functions and the invoke; ` +
      `a worker's render and PUTs counted one after the other (they overlap in fact: an upper bound); ` +
      `S3 at most ${fmt(ASSUME.s3PutsPerSecondPerPrefix)} PUT/s per prefix, two prefixes (the editions) per period, as a floor under the Map.`,
  );
  out();
  out('| run | periods | Plan s | Map s (workers, S3 floor) | Publish s | total s | goal < 300 s | before: one 1,024 MB invocation, PUTs one by one, s |');
  out('|---|---|---:|---:|---:|---:|---|---:|');
  const goalLines: string[] = [];
  for (const [label, run, ws] of [
    [`regular (${REGULAR})`, regular, regularWorkers],
    [`1st of the month (${FIRST})`, first, workers],
  ] as const) {
    const plan = BOUNDS.map((b) => planWall(run, b)) as [number, number];
    const map = BOUNDS.map((b) => mapWall(ws, b));
    const publish = BOUNDS.map((b) => publishWall(run, publishCpuMs, b)) as [number, number];
    const total = BOUNDS.map((b) => plan[b] + map[b]!.wall + publish[b] + 3 * ASSUME.transitionS[b]) as [number, number];
    const before = BOUNDS.map((b) => sequentialWall(run, ws, b)) as [number, number];
    out(
      `| ${label} | ${run.periods.map((p) => p.id).join(', ')} | ${range(plan)} | ${range([map[0]!.wall, map[1]!.wall])} (${ws.length}; floor ${secs(map[1]!.s3Floor)}) | ${range(publish)} | **${range(total)}** | ${total[1] < 300 ? 'met' : `missed by ${secs(total[1] - 300)} s`} | ${range(before)} (${fmt(before[0] / 60, 1)}–${fmt(before[1] / 60, 1)} min) |`,
    );
    goalLines.push(
      `- ${label}: Plan ${secs(plan[1])} s of ${FUNCTIONS['rollup-plan'].timeoutSeconds} s (${fmt((100 * plan[1]) / FUNCTIONS['rollup-plan'].timeoutSeconds, 1)} %), ` +
        `the slowest worker ${secs(Math.max(...ws.map((w) => workerWall(w, 1))))} s of ${FUNCTIONS['rollup-worker'].timeoutSeconds} s (${fmt((100 * Math.max(...ws.map((w) => workerWall(w, 1)))) / FUNCTIONS['rollup-worker'].timeoutSeconds, 1)} %), ` +
        `Publish ${secs(publish[1])} s of ${FUNCTIONS['rollup-publish'].timeoutSeconds} s: ` +
        `${plan[1] <= FUNCTIONS['rollup-plan'].timeoutSeconds / 3 && ws.every((w) => workerWall(w, 1) <= FUNCTIONS['rollup-worker'].timeoutSeconds / 3) && publish[1] <= FUNCTIONS['rollup-publish'].timeoutSeconds / 3 ? 'every invocation within a third of its timeout (high bound)' : 'an invocation is above a third of its timeout'}.`,
    );
  }
  out();
  out('Invocations against their timeouts (high bound):');
  out();
  goalLines.forEach((line) => out(line));
  out();
  out(
    `A regular run's workers are measured on the 1st's day and month-to-date (the same reports: every county active; the month-to-date one day longer). ` +
      `The "before" column is this run's CPU in one invocation at 1,024 MB (0.58 vCPU) with the ${fmt(workers.reduce((s, w) => s + w.files, 0))} PUTs one after another — ` +
      `the shape of the roll-up before the workflow, with today's renderers (issue 10 measured the old renderers at 118 s CPU per period: 12–21 min per period, 24–63 min per run).`,
  );
  out();
  out(`Total bench time ${fmt((performance.now() - started) / 1000, 1)} s.`);
  const text = lines.join('\n') + '\n';
  console.log(`\n${text}`);
  writeFileSync(path.join(import.meta.dirname, 'national-rollup-last-run.md'), text);
}

await main();
