// Publishing periods in three steps, the roll-up workflow's (lib/rollup-workflow.ts; layout in
// shared/domain/report-publication.ts):
// - plan: read the county-day counters once, roll them up the division tree, decide the public
//   edition across the whole period, and stage the rolled-up reports of each batch (both editions)
//   and the period's manifest under a content-derived version;
// - write a batch (one worker): render every report of the batch in every format (one validation per
//   report) and PUT the files under the version, a bounded number at a time;
// - publish: once every batch is written, make each period's version current by writing its manifest.
// The same counters give the same version, keys and bytes: `generatedAt` is the time of the newest
// counter update, not the clock.
import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { provisionalYearsOf, type Period } from '../domain/report';
import {
  batchesOf,
  batchName,
  manifestKey,
  manifestSchema,
  reportFileKey,
  stagedBatchSchema,
  stagingKey,
  supersedes,
  writtenByPeriod,
  type BatchRef,
  type BatchResult,
  type Manifest,
  type Plan,
  type PlannedPeriod,
  type PublishedPeriod,
  type PublishInput,
  type StagedBatch,
} from '../domain/report-publication';
import { publishableReports, rollUp } from '../domain/rollup';
import { publicEdition } from '../domain/suppression';
import { endOfChinaDay } from '../domain/working-days';
import { counterSource, type CounterSource } from './counters-reader';
import { renderReport, REPORT_FORMATS } from './report-render';
import { readManifest, type ReportObjects } from './report-store';

/** Reports per batch (one worker invocation each): see bench/national-rollup.bench.ts for the sizing. */
export const DEFAULT_BATCH_REPORTS = 100;
/** PUTs a worker keeps in flight. */
export const DEFAULT_PUT_CONCURRENCY = 16;

const JSON_TYPE = 'application/json';

export type ProgressLog = (message: string, fields: Record<string, unknown>) => void;

/**
 * At most `max` tasks in flight; `add` waits for a free slot (so a producer slows down to the
 * pace of the PUTs). The first failure stops further adds and is thrown by `add` or `drain`.
 */
export class Bounded {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly max: number) {}

  async add(task: () => Promise<void>): Promise<void> {
    while (this.inFlight.size >= this.max) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure.error;
    const running: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure.error;
  }
}

export interface PlanDeps {
  counters: CounterSource;
  store: ReportObjects;
  periods: readonly Period[];
  threshold: number;
  bankNames: Record<string, { zh: string; en: string }>;
  /** Whether a year lacks an official holiday arrangement (its deadlines are provisional): noted on the reports. */
  isProvisionalYear?: (year: number) => boolean;
  batchReports?: number;
  putConcurrency?: number;
  log?: ProgressLog;
}

/** The plan of one period: its batches' bodies and its manifest, under the version they hash to. */
export async function stagePeriod(deps: PlanDeps, period: Period): Promise<{ planned: PlannedPeriod; batches: BatchRef[]; staged: Map<string, Buffer> }> {
  const { rows, itemsRead, lastUpdatedAt } = await deps.counters(period.days);
  const generatedAt = lastUpdatedAt ?? endOfChinaDay(period.days.at(-1)!).toISOString();
  const provisionalDeadlineYears = deps.isProvisionalYear && provisionalYearsOf(period.days, deps.isProvisionalYear);
  const rolledUp = new Map(
    [...rollUp({ period, rows, generatedAt, bankNames: deps.bankNames })].map(
      ([key, report]) => [key, provisionalDeadlineYears ? { ...report, provisionalDeadlineYears } : report] as const,
    ),
  );
  // The public edition is decided across the whole period, parents and children together: a cell
  // hidden in one file can then not be worked back from another (suppression.ts's contract).
  const publics = publicEdition(rolledUp, { threshold: deps.threshold });
  const keyOf = new Map([...rolledUp].map(([key, report]) => [report, key]));
  const reports = publishableReports(rolledUp);
  const groups = batchesOf(
    reports.map((full) => ({ full, public: publics.get(keyOf.get(full)!)! })),
    deps.batchReports ?? DEFAULT_BATCH_REPORTS,
  );
  const bodies = groups.map((group, i) => Buffer.from(JSON.stringify({ period: period.id, batch: batchName(i), reports: group } satisfies StagedBatch)));
  const draft: Omit<Manifest, 'version'> = {
    period: period.id,
    generatedAt,
    ...(lastUpdatedAt ? { countersUpdatedAt: lastUpdatedAt } : {}),
    files: reports.length * 2 * REPORT_FORMATS.length,
    reports: reports.map((r) => ({ code: r.division.code, name: r.division.name, level: r.division.level })),
  };
  // The version names the content: every figure of both editions (the staged batches) and the manifest.
  const hash = createHash('sha256');
  for (const body of bodies) hash.update(body).update('\n');
  hash.update(JSON.stringify(draft));
  const version = `v${hash.digest('hex').slice(0, 16)}`;
  const manifest: Manifest = manifestSchema.parse({ ...draft, version });
  const staged = new Map<string, Buffer>(bodies.map((body, i) => [stagingKey(period.id, version, batchName(i)), body]));
  const manifestStaged = stagingKey(period.id, version, 'manifest');
  staged.set(manifestStaged, Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
  return {
    planned: { period: period.id, version, reports: reports.length, files: draft.files, batches: groups.length, itemsRead, manifest: manifestStaged },
    batches: groups.map((group, i) => ({ period: period.id, version, batch: batchName(i), key: stagingKey(period.id, version, batchName(i)), reports: group.length })),
    staged,
  };
}

/** Plans and stages every period of a run; returns the small references the workflow passes on. */
export async function planRollup(deps: PlanDeps): Promise<Plan> {
  const plan: Plan = { periods: [], batches: [] };
  for (const period of deps.periods) {
    const { planned, batches, staged } = await stagePeriod(deps, period);
    const puts = new Bounded(deps.putConcurrency ?? DEFAULT_PUT_CONCURRENCY);
    for (const [key, body] of staged) await puts.add(() => deps.store.put(key, body, JSON_TYPE));
    await puts.drain();
    deps.log?.('roll-up period planned', { ...planned, stagedBytes: [...staged.values()].reduce((sum, b) => sum + b.length, 0) });
    plan.periods.push(planned);
    plan.batches.push(...batches);
  }
  return plan;
}

export interface WriteBatchDeps {
  store: ReportObjects;
  putConcurrency?: number;
  log?: ProgressLog;
  /** Progress is logged every this many reports (and at the end). */
  logEvery?: number;
}

/** One worker: renders the staged reports of a batch and PUTs every file under the version. */
export async function writeBatch(deps: WriteBatchDeps, ref: BatchRef): Promise<BatchResult> {
  const body = await deps.store.get(ref.key);
  if (!body) throw new Error(`staged batch ${ref.key} is missing (expired, or the plan did not finish): run the roll-up again`);
  const staged = stagedBatchSchema.parse(JSON.parse(body.toString('utf8')));
  if (staged.period !== ref.period || staged.batch !== ref.batch || staged.reports.length !== ref.reports) {
    throw new Error(`staged batch ${ref.key} holds ${staged.period}/${staged.batch} with ${staged.reports.length} reports, not ${ref.period}/${ref.batch} with ${ref.reports}`);
  }
  const puts = new Bounded(deps.putConcurrency ?? DEFAULT_PUT_CONCURRENCY);
  const done = { reports: 0, files: 0, bytes: 0 };
  const progress = () => ({ period: ref.period, version: ref.version, batch: ref.batch, reportsDone: done.reports, reports: ref.reports, filesDone: done.files, bytes: done.bytes });
  const every = deps.logEvery ?? 25;
  for (const pair of staged.reports) {
    for (const edition of [pair.full, pair.public]) {
      for (const file of await renderReport(edition)) {
        const key = reportFileKey(ref.period, ref.version, edition.division.code, edition.edition, file.format);
        await puts.add(async () => {
          await deps.store.put(key, file.body, file.contentType);
          done.files += 1;
          done.bytes += file.body.length;
        });
      }
    }
    done.reports += 1;
    if (done.reports % every === 0 && done.reports < ref.reports) deps.log?.('roll-up batch progress', progress());
  }
  await puts.drain();
  deps.log?.('roll-up batch written', progress());
  return { period: ref.period, version: ref.version, batch: ref.batch, reports: done.reports, files: done.files, bytes: done.bytes };
}

/**
 * Makes each planned period current: checks the workers wrote every file, then writes the staged
 * manifest as the period's manifest — unless the current one holds newer counters (an older run
 * finishing late keeps its hands off).
 */
export async function publishPlanned(deps: { store: ReportObjects; log?: ProgressLog }, input: PublishInput): Promise<PublishedPeriod[]> {
  const written = writtenByPeriod(input);
  const results: PublishedPeriod[] = [];
  for (const planned of input.periods) {
    const body = await deps.store.get(planned.manifest);
    if (!body) throw new Error(`staged manifest ${planned.manifest} is missing: run the roll-up again`);
    const next = manifestSchema.parse(JSON.parse(body.toString('utf8')));
    if (next.period !== planned.period || next.version !== planned.version) throw new Error(`${planned.manifest} is not the manifest of ${planned.period}/${planned.version}`);
    const current = await readManifest(deps.store, planned.period);
    const outcome = supersedes(next, current) ? 'published' : 'kept';
    if (outcome === 'published') await deps.store.put(manifestKey(planned.period), body, JSON_TYPE);
    const { bytes } = written.get(`${planned.period}/${planned.version}`)!;
    const result: PublishedPeriod = { period: planned.period, version: planned.version, reports: planned.reports, files: planned.files, bytes, itemsRead: planned.itemsRead, outcome };
    deps.log?.(outcome === 'published' ? 'period published' : 'period kept: the current manifest holds newer counters', { ...result, current: current?.version });
    results.push(result);
  }
  return results;
}

/** A store that remembers what was put, so one process can run every step without reading back. */
function remembering(store: ReportObjects): ReportObjects {
  const kept = new Map<string, Buffer>();
  return {
    put: async (key, body, contentType) => {
      await store.put(key, body, contentType);
      kept.set(key, body);
    },
    get: async (key) => kept.get(key) ?? store.get(key),
  };
}

/** The whole roll-up of one period in this process (tests and tools; the deployed roll-up is the workflow). */
export async function publishPeriod(deps: {
  db: DynamoDBDocumentClient;
  countersTable: string;
  store: ReportObjects;
  period: Period;
  threshold: number;
  bankNames: Record<string, { zh: string; en: string }>;
  isProvisionalYear?: (year: number) => boolean;
}): Promise<PublishedPeriod> {
  const store = remembering(deps.store);
  const plan = await planRollup({ ...deps, store, counters: counterSource(deps.db, deps.countersTable), periods: [deps.period] });
  const written = [];
  for (const ref of plan.batches) written.push(await writeBatch({ store }, ref));
  const [published] = await publishPlanned({ store }, { periods: plan.periods, written });
  return published!;
}
