// The import worker's steps (functions/import-worker): the upload's event starts an import; each
// invocation then does one bounded step — parse the file into staged chunks, or write one chunk —
// under a lease, commits it conditionally on the cursor, and hands the next step to a new
// asynchronous invocation of itself. A crash anywhere re-runs the step: parsing overwrites the same
// staged chunks, and a chunk's rows are written by natural key (a visit or plan entry already
// there writes nothing) before its counts are committed once. A file that cannot be imported fails
// the import with its reason at once; a fault (DynamoDB, S3) fails the step, which Lambda retries
// (and the sweep resumes), until IMPORT_LIMITS.maxAttempts: then the import fails. The scheduled
// sweep starts an import whose event was lost, resumes a stalled one and fails one that never got
// its file or stalls too often (shared/domain/import.ts sweepDecision).
import { chinaDay } from '../domain/need-record';
import {
  IMPORT_LIMITS,
  ImportFileError,
  importFailure,
  mapHeader,
  parsePlanRow,
  parseVisitRow,
  rejectedRow,
  sweepDecision,
  type ImportFailure,
  type ImportRecord,
  type ImportRow,
  type RowRejection,
} from '../domain/import';
import { createVisit, type Visit } from '../domain/visit';
import type { BatchOutcome, Ledger } from './import-batch';
import { readImportFile, rejectedFile, rejectedLines } from './import-files';
import type { PlanEntry } from './import-plan-store';
import { IMPORT_KEYS, importIdOfKey, type ImportObjects, type ImportStore } from './import-store';

export interface ImportRunnerPorts {
  store: ImportStore;
  objects: ImportObjects;
  visits: { recordBatch(visits: readonly Visit[], now: Date, ledger: Ledger): Promise<BatchOutcome> };
  plans: { recordBatch(entries: readonly PlanEntry[], now: Date, ledger: Ledger): Promise<BatchOutcome> };
  /** Applies the counter deltas an interrupted chunk left in the import's ledger (import-batch.ts), before the import is failed. */
  settle(importId: string, now: Date): Promise<void>;
  newId(now: Date): string;
  clock(): Date;
  /** How long a running import without a lease stays unchanged before the sweep resumes it (default IMPORT_LIMITS.stalledMs). */
  stalledMs?: number;
  /** Log lines without personal data (ids, counts, reasons). */
  log?(message: string, fields: Record<string, unknown>): void;
}

/** What a step did: `continue` when another step is due (the caller invokes it). */
export type StepResult = 'continue' | 'done' | 'failed' | 'skipped';

export class ImportRunner {
  constructor(private readonly ports: ImportRunnerPorts) {}

  private log(message: string, fields: Record<string, unknown>): void {
    this.ports.log?.(message, fields);
  }

  /** Fails the import with its reason, its counters settled first (what was written stays, counted). */
  private async fail(importId: string, failure: ImportFailure): Promise<boolean> {
    await this.ports.settle(importId, this.ports.clock());
    return this.ports.store.fail(importId, failure, this.ports.clock());
  }

  /** An object created in the bucket (S3 event): starts its import, once. */
  async onUpload(key: string, size: number, leaseUntil: Date): Promise<StepResult> {
    const importId = importIdOfKey(key);
    if (!importId) return 'skipped';
    const record = await this.ports.store.get(importId);
    if (!record || record.status !== 'queued') return 'skipped';
    if (size > IMPORT_LIMITS.maxFileBytes) {
      await this.fail(importId, importFailure('file_too_large'));
      return 'failed';
    }
    if (!(await this.ports.store.start(importId, this.ports.clock()))) return 'skipped';
    return this.step(importId, leaseUntil);
  }

  /** One step of a running import, under its lease. */
  async step(importId: string, leaseUntil: Date): Promise<StepResult> {
    const { store } = this.ports;
    const held = await store.acquire(importId, this.ports.clock(), leaseUntil);
    if (!held) return 'skipped';
    if (held.attempts > IMPORT_LIMITS.maxAttempts) {
      await this.fail(importId, importFailure('internal'));
      return 'failed';
    }
    try {
      return held.cursor === undefined ? await this.parse(held) : await this.chunk(held);
    } catch (error) {
      if (error instanceof ImportFileError) {
        this.log('import failed: the file', { importId, reason: error.failure.code });
        await this.fail(importId, error.failure);
        return 'failed';
      }
      if (held.attempts >= IMPORT_LIMITS.maxAttempts) {
        this.log('import failed: repeated faults', { importId, error: error instanceof Error ? error.name : 'unknown' });
        await this.fail(importId, importFailure('internal'));
        return 'failed';
      }
      await store.release(importId, this.ports.clock());
      throw error;
    }
  }

  /** Reads the file, checks its header and size, stages its rows in chunks. */
  private async parse(record: ImportRecord): Promise<StepResult> {
    // A presigned PUT cannot limit the size (no content-length-range): a larger file is refused here, unread.
    const size = await this.ports.objects.uploadedSize(record.importId);
    if (size === undefined) throw new Error('the uploaded file is gone');
    if (size > IMPORT_LIMITS.maxFileBytes) throw new ImportFileError(importFailure('file_too_large'));
    const bytes = await this.ports.objects.get(IMPORT_KEYS.upload(record.importId));
    const file = await readImportFile(bytes, record.format);
    const mapping = mapHeader(record.kind, file.header);
    if (!mapping.ok) throw new ImportFileError(mapping.failure);
    const chunks = Math.ceil(file.rows.length / IMPORT_LIMITS.chunkRows);
    for (let chunk = 0; chunk < chunks; chunk += 1) {
      await this.ports.objects.putChunk(record.importId, chunk, file.rows.slice(chunk * IMPORT_LIMITS.chunkRows, (chunk + 1) * IMPORT_LIMITS.chunkRows));
    }
    const saved = await this.ports.store.saveParsed(
      record.importId,
      { rowsTotal: file.rows.length, chunks, header: file.header, columns: mapping.columns, encoding: file.encoding },
      this.ports.clock(),
    );
    this.log('import parsed', { importId: record.importId, rows: file.rows.length, chunks, encoding: file.encoding });
    return saved ? 'continue' : 'skipped';
  }

  /** Writes the chunk at the cursor: accepted rows through the stores, rejected rows to the file; commits its counts once. */
  private async chunk(record: ImportRecord): Promise<StepResult> {
    const chunk = record.cursor!;
    const rows = await this.ports.objects.getChunk(record.importId, chunk);
    const now = this.ports.clock();
    // The rows are judged as on the import's day, whichever day a re-run happens on.
    const today = chinaDay(new Date(record.createdAt));
    const columns = record.columns!;
    // The chunk's counter deltas wait under the import's key until applied (import-batch.ts).
    const ledger = { pk: `IMPORT#${record.importId}`, skPrefix: `DELTA#${String(chunk).padStart(4, '0')}#` };
    const rejected: { row: ImportRow; rejection: RowRejection }[] = [];
    let outcome: BatchOutcome;
    if (record.kind === 'visits') {
      const visits: Visit[] = [];
      for (const row of rows) {
        const parsed = parseVisitRow(row, columns, today);
        if (!parsed.ok) rejected.push({ row, rejection: parsed.rejection });
        else visits.push(createVisit(parsed.visit, { visitId: this.ports.newId(now), countyCode: record.countyCode, officer: record.officer, now }));
      }
      outcome = await this.ports.visits.recordBatch(visits, now, ledger);
    } else {
      const entries: PlanEntry[] = [];
      for (const row of rows) {
        const parsed = parsePlanRow(row, columns, today);
        if (!parsed.ok) rejected.push({ row, rejection: parsed.rejection });
        else entries.push({ ...parsed.plan, countyCode: record.countyCode, month: today.slice(0, 7), plannedOn: today, importId: record.importId, officer: record.officer, recordedAt: now.toISOString() });
      }
      outcome = await this.ports.plans.recordBatch(entries, now, ledger);
    }
    const errorsKey = await this.writeRejected(record, chunk, rejected);
    const last = chunk + 1 >= record.chunks!;
    const committed = await this.ports.store.commitChunk(
      record.importId,
      {
        chunk,
        rows: rows.length,
        accepted: rows.length - rejected.length,
        rejected: rejected.length,
        created: outcome.created.filter(Boolean).length,
        writeUnits: outcome.writeUnits,
        readUnits: outcome.readUnits,
        ...(errorsKey ? { errorsKey } : {}),
        errorPart: rejected.length > 0,
        last,
      },
      this.ports.clock(),
    );
    this.log('import chunk', { importId: record.importId, chunk, rows: rows.length, rejected: rejected.length, committed });
    if (!committed) return 'skipped';
    return last ? 'done' : 'continue';
  }

  /** This chunk's rejected rows as its part, and the whole file of the parts so far; the file's key, if any. */
  private async writeRejected(record: ImportRecord, chunk: number, rejected: readonly { row: ImportRow; rejection: RowRejection }[]): Promise<string | undefined> {
    const earlier = (record.errorParts ?? []).filter((part) => part !== chunk);
    if (rejected.length === 0) return earlier.length > 0 ? IMPORT_KEYS.errors(record.importId) : undefined;
    const width = record.header!.length;
    const part = rejectedLines(rejected.map(({ row, rejection }) => rejectedRow(row, width, rejection)));
    await this.ports.objects.put(IMPORT_KEYS.errorPart(record.importId, chunk), part, 'text/csv; charset=utf-8');
    const parts = await Promise.all(earlier.sort((a, b) => a - b).map((n) => this.ports.objects.get(IMPORT_KEYS.errorPart(record.importId, n))));
    const key = IMPORT_KEYS.errors(record.importId);
    await this.ports.objects.put(key, rejectedFile(record.header!, [...parts, part]), 'text/csv; charset=utf-8');
    return key;
  }

  /** The scheduled sweep: every open import looked at once; the ids of those to continue (the caller invokes them). */
  async sweep(): Promise<{ looked: number; toContinue: string[]; failed: number }> {
    const { store, objects } = this.ports;
    const ids = await store.listOpen();
    const toContinue: string[] = [];
    let failed = 0;
    for (const importId of ids) {
      const record = await store.get(importId);
      if (!record) {
        await store.forget(importId);
        continue;
      }
      const uploaded = record.status === 'queued' && (await objects.uploadedSize(importId)) !== undefined;
      const now = this.ports.clock();
      const decision = sweepDecision(record, now, uploaded, this.ports.stalledMs);
      if (decision.kind === 'forget') await store.forget(importId);
      else if (decision.kind === 'fail') failed += Number(await this.fail(importId, decision.failure));
      else if (decision.kind === 'start' && (await store.start(importId, now))) toContinue.push(importId);
      else if (decision.kind === 'resume' && (await store.resume(importId, record.updatedAt, now))) toContinue.push(importId);
    }
    this.log('import sweep', { looked: ids.length, continued: toContinue.length, failed });
    return { looked: ids.length, toContinue, failed };
  }
}
