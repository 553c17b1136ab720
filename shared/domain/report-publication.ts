/**
 * How a period's reports are published, atomically (issue 10): the roll-up workflow (Step Functions:
 * Plan → Map over batches → Publish) writes every file under a **version** of the period, and the
 * period's **manifest** — the reports it holds and that version — last. Readers (the report list and
 * download functions) resolve every key through the manifest, so they see the old complete period or
 * the new complete one, never a mix.
 *
 * Layout of the reports bucket:
 * - `reports/{period}/{version}/{code}.{format}` and `public-reports/{period}/{version}/{code}.{format}`:
 *   the files of both editions (written by the workers);
 * - `report-manifests/{period}.json`: the manifest (written by Publish only, last);
 * - `rollup-staging/{period}/{version}/…`: the Plan step's hand-over to the workers (the rolled-up
 *   reports of each batch) and the manifest to publish; expired by a lifecycle rule.
 * The version is content-derived (a hash of what the Plan step staged: every figure of both
 * editions), so a re-run on the same counters writes the same keys with the same bytes.
 *
 * A report's **name** (what the audit log records as `what`, and what the API's paths say) is
 * unversioned: `reports/{period}/{code}.{format}` (`public-reports/…` for the public edition).
 *
 * Pure module: no I/O, no environment, no clock.
 */
import * as z from 'zod';
import { isPeriodId, type PublicReport, type Report } from './report';

export type Edition = 'full' | 'public';

/** The key prefixes of the reports bucket, by what lives there (IAM grants are per prefix). */
export const REPORT_AREAS = {
  /** Full edition files (regulators). */
  reports: 'reports/',
  /** Public edition files. */
  publicReports: 'public-reports/',
  /** One manifest per period: written last by Publish, read by the report list and download. */
  manifests: 'report-manifests/',
  /** The roll-up's hand-over from Plan to the workers (expired after a few days). */
  staging: 'rollup-staging/',
} as const;
export type ReportArea = keyof typeof REPORT_AREAS;

/** Days the staging objects are kept (lifecycle rule on {@link REPORT_AREAS}.staging). */
export const STAGING_RETENTION_DAYS = 7;

const editionPrefix = (edition: Edition) => (edition === 'full' ? REPORT_AREAS.reports : REPORT_AREAS.publicReports);

/** A version id: `v` and 16 hex digits of the hash of the staged content. */
export const VERSION_PATTERN = /^v[0-9a-f]{16}$/;

/** The S3 key of one file of a published version. */
export function reportFileKey(period: string, version: string, code: string, edition: Edition, format: string): string {
  return `${editionPrefix(edition)}${period}/${version}/${code}.${format}`;
}

/** A report's name, unversioned (the audit log's `what`): `reports/{period}/{code}.{format}`. */
export function reportName(period: string, code: string, edition: Edition, format: string): string {
  return `${editionPrefix(edition)}${period}/${code}.${format}`;
}

export function manifestKey(period: string): string {
  return `${REPORT_AREAS.manifests}${period}.json`;
}

export function stagingKey(period: string, version: string, name: string): string {
  return `${REPORT_AREAS.staging}${period}/${version}/${name}.json`;
}

// ---------------------------------------------------------------------------------------------
// The manifest

const periodId = z.string().refine(isPeriodId, 'not a period id');
const version = z.string().regex(VERSION_PATTERN);

export const manifestEntrySchema = z.strictObject({
  code: z.string().regex(/^\d{6}$/),
  name: z.string().min(1),
  level: z.enum(['national', 'province', 'prefecture', 'county']),
});
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

export const manifestSchema = z.strictObject({
  period: periodId,
  version,
  /** The reports' `generatedAt`: the newest counter update, or the end of the period when it has none. */
  generatedAt: z.iso.datetime({ offset: true }),
  /** The newest counter update the reports include; absent when the period has no counters. A manifest is never replaced by one of older counters. */
  countersUpdatedAt: z.iso.datetime({ offset: true }).optional(),
  /** Files of the version: reports × 2 editions × formats. */
  files: z.number().int().nonnegative(),
  reports: z.array(manifestEntrySchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

/**
 * Whether `next` may replace `current` as the period's manifest: not when `current` holds newer
 * counters (a run that read the counters earlier and finishes later). A period without counters is
 * older than any with (its `generatedAt`, the end of the period, says nothing about the counters).
 */
export function supersedes(next: Pick<Manifest, 'countersUpdatedAt'>, current: Pick<Manifest, 'countersUpdatedAt'> | undefined): boolean {
  if (!current?.countersUpdatedAt) return true;
  return next.countersUpdatedAt !== undefined && Date.parse(next.countersUpdatedAt) >= Date.parse(current.countersUpdatedAt);
}

// ---------------------------------------------------------------------------------------------
// Batches

/**
 * Splits `items` into consecutive batches of at most `size` (the last may be smaller), keeping order.
 * `size` must be a positive whole number.
 */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive whole number, not ${size}`);
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** A batch's name within its period and version: `batch-000`, `batch-001`, … */
export const batchName = (index: number) => `batch-${String(index).padStart(3, '0')}`;

// ---------------------------------------------------------------------------------------------
// The workflow's payloads (small: Step Functions passes at most 256 KB between states)

/** The roll-up workflow's input: periods asked for, or the schedule's event (its time picks the periods). */
export const rollupInputSchema = z.object({
  periods: z.array(periodId).optional(),
  source: z.string().optional(),
  /** The scheduled event's time (EventBridge `time`): the run's day, so a re-run of the event rolls up the same periods. */
  time: z.iso.datetime({ offset: true }).optional(),
});
export type RollupInput = z.infer<typeof rollupInputSchema>;

const objectLike = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A staged batch: the rolled-up reports of the batch, each with its public edition. The reports are
 * validated once each, by the renderer (report-render.ts `renderReport`), not here.
 */
export const stagedBatchSchema = z.strictObject({
  period: periodId,
  batch: z.string(),
  reports: z.array(z.strictObject({ full: z.custom<Report>(objectLike), public: z.custom<PublicReport>(objectLike) })),
});
export type StagedBatch = z.infer<typeof stagedBatchSchema>;

/** One worker's assignment: a staged batch. */
export const batchRefSchema = z.strictObject({
  period: periodId,
  version,
  batch: z.string().regex(/^batch-\d{3,}$/),
  /** The staged object (rolled-up reports of the batch, both editions). */
  key: z.string().startsWith(REPORT_AREAS.staging),
  reports: z.number().int().positive(),
});
export type BatchRef = z.infer<typeof batchRefSchema>;

/** A period as planned: what Publish makes current. */
export const plannedPeriodSchema = z.strictObject({
  period: periodId,
  version,
  reports: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  batches: z.number().int().nonnegative(),
  itemsRead: z.number().int().nonnegative(),
  /** The staged manifest that Publish copies to {@link manifestKey}. */
  manifest: z.string().startsWith(REPORT_AREAS.staging),
});
export type PlannedPeriod = z.infer<typeof plannedPeriodSchema>;

export const planSchema = z.strictObject({
  periods: z.array(plannedPeriodSchema),
  batches: z.array(batchRefSchema),
});
export type Plan = z.infer<typeof planSchema>;

/** What a worker did. */
export const batchResultSchema = z.strictObject({
  period: periodId,
  version,
  batch: z.string(),
  reports: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type BatchResult = z.infer<typeof batchResultSchema>;

export const publishInputSchema = z.strictObject({
  periods: z.array(plannedPeriodSchema),
  written: z.array(batchResultSchema),
});
export type PublishInput = z.infer<typeof publishInputSchema>;

export interface PublishedPeriod {
  period: string;
  version: string;
  reports: number;
  files: number;
  bytes: number;
  itemsRead: number;
  /** `published`, or `kept` when the current manifest holds newer counters (a late, older run). */
  outcome: 'published' | 'kept';
}

/**
 * Checks that the workers wrote every file of every planned period (Publish refuses to make a
 * period current otherwise) and sums what they wrote, by period.
 */
export function writtenByPeriod(input: PublishInput): Map<string, { files: number; bytes: number; reports: number }> {
  const sums = new Map(input.periods.map((p) => [`${p.period}/${p.version}`, { files: 0, bytes: 0, reports: 0 }]));
  for (const batch of input.written) {
    const sum = sums.get(`${batch.period}/${batch.version}`);
    if (!sum) throw new Error(`batch ${batch.batch} of ${batch.period}/${batch.version} belongs to no planned period`);
    sum.files += batch.files;
    sum.bytes += batch.bytes;
    sum.reports += batch.reports;
  }
  for (const planned of input.periods) {
    const sum = sums.get(`${planned.period}/${planned.version}`)!;
    if (sum.files !== planned.files || sum.reports !== planned.reports) {
      throw new Error(
        `${planned.period}/${planned.version}: the workers wrote ${sum.reports} reports in ${sum.files} files, the plan has ${planned.reports} in ${planned.files}`,
      );
    }
  }
  return sums;
}
