// The bulk import's parts without AWS: reading files (UTF-8 with and without BOM, GB18030, XLSX),
// header mapping in Chinese and English, the row checks (the visit schema, caps, formulas as text),
// the zip-bomb guard (declared and actual sizes), the rejected-rows file, the sweep's decisions, and
// the worker's steps with fakes for their failure paths (a crash mid-chunk re-run, faults, a file
// that cannot be imported); the batch writer's retries with aws-sdk-client-mock.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  IMPORT_LIMITS,
  ImportFileError,
  mapHeader,
  normalizeDay,
  parsePlanRow,
  parseVisitRow,
  sweepDecision,
  type ImportRecord,
} from '../../shared/domain/import';
import { NewItemsWriter, groupsOf, itemBytes, type NewItem } from '../../shared/adapters/import-batch';
import { decodeCsv, guardZip, readCsv, readImportFile, readXlsx, rejectedFile, rejectedLines } from '../../shared/adapters/import-files';
import { ImportRunner, type ImportRunnerPorts } from '../../shared/adapters/import-runner';
import type { ChunkCommit } from '../../shared/adapters/import-store';
import { newImport, rejectedRow } from '../../shared/domain/import';
import { encodeGb18030 } from '../support/gb18030';

const HEADER = '统一社会信用代码,企业名称,走访日期,走访方式,走访结果,预计融资金额（元）,备注';
const CODE = '9133010652601815X8';
const TODAY = '2026-11-30';

const fileError = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFileError);
    return (error as ImportFileError).failure.code;
  }
  throw new Error('no error');
};

describe('reading CSV', () => {
  const text = `${HEADER}\r\n${CODE},杭州示例科技有限公司,2026-11-03,实地走访,有融资需求,"300,000","两行\r\n备注"\r\n,,,,,,\r\n`;

  it('UTF-8 with BOM, UTF-8 without, and GB18030 give the same rows', () => {
    const utf8 = Buffer.from(text, 'utf8');
    const files = [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), utf8, encodeGb18030(text)].map(readCsv);
    expect(files.map((f) => f.encoding)).toEqual(['utf-8', 'utf-8', 'gb18030']);
    for (const file of files) {
      expect(file.header).toEqual(HEADER.split(','));
      // The blank row is dropped; the quoted field keeps its comma and line break.
      expect(file.rows).toEqual([{ line: 3, cells: [CODE, '杭州示例科技有限公司', '2026-11-03', '实地走访', '有融资需求', '300,000', '两行\r\n备注'] }]);
    }
  });

  it('detects: valid UTF-8 is UTF-8, anything else GB18030; bytes neither can read are refused', () => {
    expect(decodeCsv(encodeGb18030('企业')).text).toBe('企业');
    expect(decodeCsv(Buffer.from('企业', 'utf8')).encoding).toBe('utf-8');
    expect(fileError(() => decodeCsv(Buffer.from([0x81, 0x20, 0xff])))).toBe('encoding');
    expect(fileError(() => decodeCsv(Buffer.from('\ufeffa,b', 'utf16le')))).toBe('encoding');
  });

  it('caps the rows: a file with more than the limit fails, whatever it holds', () => {
    const many = `${HEADER}\n${Array.from({ length: IMPORT_LIMITS.maxRows + 1 }, () => 'a,b,c,d,e').join('\n')}\n`;
    expect(fileError(() => readCsv(Buffer.from(many)))).toBe('too_many_rows');
    expect(fileError(() => readCsv(Buffer.from(`${HEADER}\n`)))).toBe('empty_file');
    expect(fileError(() => readCsv(Buffer.from(`${HEADER}\n"unclosed,1\n`)))).toBe('csv_malformed');
  }, 120_000);
});

describe('the header', () => {
  it('maps Chinese headers and English keys, full-width or ASCII parentheses, any order', () => {
    expect(mapHeader('visits', HEADER.split(','))).toEqual({
      ok: true,
      columns: { creditCode: 0, name: 1, visitedOn: 2, method: 3, outcome: 4, estimatedAmountYuan: 5, note: 6 },
    });
    expect(mapHeader('visits', ['outcome', 'METHOD', 'visitedOn', ' name ', '\ufeffcreditCode', '预计融资金额(元)'])).toEqual({
      ok: true,
      columns: { creditCode: 4, name: 3, visitedOn: 2, method: 1, outcome: 0, estimatedAmountYuan: 5 },
    });
    expect(mapHeader('visit_plan', ['企业名称', '统一社会信用代码', '其他'])).toEqual({ ok: true, columns: { creditCode: 1, name: 0 } });
  });

  it('names the missing or repeated columns in both languages', () => {
    const missing = mapHeader('visits', ['统一社会信用代码', '企业名称']);
    expect(missing).toMatchObject({ ok: false, failure: { code: 'missing_columns' } });
    expect(JSON.stringify(missing)).toContain('走访日期');
    expect(JSON.stringify(missing)).toContain('visitedOn');
    expect(mapHeader('visit_plan', ['creditCode', '统一社会信用代码', 'name'])).toMatchObject({ ok: false, failure: { code: 'duplicate_columns' } });
  });
});

describe('a row', () => {
  const columns = { creditCode: 0, name: 1, visitedOn: 2, method: 3, outcome: 4, estimatedAmountYuan: 5, note: 6 };
  const row = (cells: string[]) => ({ line: 2, cells });

  it('is checked with the visit schema: labels or codes, days as spreadsheets write them, amounts with separators', () => {
    expect(parseVisitRow(row([CODE, '杭州示例', '2026/11/3', '电话走访', 'no_need', '300,000', '']), columns, TODAY)).toEqual({
      ok: true,
      visit: { creditCode: CODE, name: '杭州示例', visitedOn: '2026-11-03', method: 'phone', outcome: 'no_need', estimatedAmountYuan: 300000, bankIds: [] },
    });
    expect(normalizeDay('2026年11月3日')).toBe('2026-11-03');
    expect(normalizeDay('46329')).toBe('2026-11-03'); // an Excel day number
  });

  it('is rejected with reasons per field in Chinese and English', () => {
    const result = parseVisitRow(row(['123', '', '2026-12-30', '飞行', '有融资需求', 'abc', '']), columns, TODAY);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const field of ['统一社会信用代码', '企业名称', '走访日期', '走访方式', '预计融资金额']) expect(result.rejection.zh).toContain(field);
    for (const field of ['creditCode', 'name', 'visitedOn', 'method', 'estimatedAmountYuan']) expect(result.rejection.en).toContain(field);
  });

  it('a cell over the cap rejects the row before any field is read', () => {
    const result = parseVisitRow(row([CODE, '杭州示例', '2026-11-03', '实地走访', '有融资需求', '', 'x'.repeat(IMPORT_LIMITS.maxCellChars + 1)]), columns, TODAY);
    expect(result).toEqual({ ok: false, rejection: { zh: `备注：单元格超过 ${IMPORT_LIMITS.maxCellChars} 个字符`, en: `note: the cell has more than ${IMPORT_LIMITS.maxCellChars} characters` } });
  });

  it('a formula is text: never evaluated, judged as the text it is', () => {
    expect(parseVisitRow(row(['=A1', '杭州示例', '2026-11-03', '实地走访', '有融资需求']), columns, TODAY).ok).toBe(false);
    expect(parsePlanRow(row([CODE, '=1+1']), { creditCode: 0, name: 1 }, TODAY)).toEqual({ ok: true, plan: { creditCode: CODE, name: '=1+1' } });
  });

  it('the rejected-rows file: BOM, header with reasons, original cells defused and shortened', () => {
    const rejection = { zh: '原因', en: 'reason' };
    const part = rejectedLines([rejectedRow({ line: 7, cells: ['=cmd|calc', '@x', 'y'.repeat(3000)] }, 3, rejection)]);
    const file = rejectedFile(['a', 'b', 'c'], [part]).toString('utf8');
    expect(file.startsWith('\ufeff行号 Row,a,b,c,原因,Reason\r\n')).toBe(true);
    expect(file).toContain("7,'=cmd|calc,'@x,");
    expect(file).toContain('…（已截断 truncated）');
    expect(file.length).toBeLessThan(400);
  });
});

describe('XLSX', () => {
  it('reads the first sheet: dates as days, formulas as their text, numbers as text', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('走访');
    sheet.addRow(HEADER.split(','));
    sheet.addRow([CODE, { formula: 'A1&"x"', result: '计算结果' }, new Date('2026-11-03T00:00:00Z'), '实地走访', { richText: [{ text: '有融资' }, { text: '需求' }] }, 300000]);
    const file = await readXlsx(new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(file.rows).toEqual([{ line: 2, cells: [CODE, '=A1&"x"', '2026-11-03', '实地走访', '有融资需求', '300000'] }]);
  });

  it('a zip bomb is refused before inflating: by its declared sizes, and by its actual ones when it lies', async () => {
    // The guard's cap is a parameter (IMPORT_LIMITS.maxXlsxInflatedBytes in the worker; the integration test sends a 130 MB bomb).
    const cap = 1024 * 1024;
    const bomb = zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(4 * cap) }, { level: 9 });
    expect(fileError(() => guardZip(bomb, cap))).toBe('xlsx_too_large');
    // The same bytes claiming 1 KB in the local header and the central directory.
    const liar = Buffer.from(bomb);
    const lie = (offset: number) => liar.writeUInt32LE(1024, offset);
    lie(22); // local file header: uncompressed size
    lie(liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24); // central directory: uncompressed size
    expect(fileError(() => guardZip(liar, cap))).toBe('xlsx_too_large');
    expect(fileError(() => guardZip(zipSync({ a: new Uint8Array(1), b: new Uint8Array(1), c: new Uint8Array(1) }), cap, 2))).toBe('xlsx_too_large');
    // A small real workbook passes.
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('s').addRow(['a']);
    const small = new Uint8Array(await workbook.xlsx.writeBuffer());
    expect(() => guardZip(small)).not.toThrow();
    await expect(readImportFile(Buffer.from('PK\u0003\u0004 not a zip'), 'csv')).rejects.toThrow(ImportFileError);
  });
});

describe('the sweep', () => {
  const base: ImportRecord = { ...newImport({ importId: '01JD0000000000000000000000', kind: 'visits', countyCode: '330106', fileName: 'a.csv', officer: 'o', now: new Date('2026-11-30T00:00:00.000Z') }), status: 'running' };
  const at = (ms: number) => new Date(Date.parse(base.updatedAt) + ms);

  it('resumes a running import no worker holds once it stalled, fails it after too many resumptions', () => {
    expect(sweepDecision(base, at(IMPORT_LIMITS.stalledMs - 1), false)).toEqual({ kind: 'leave' });
    expect(sweepDecision(base, at(IMPORT_LIMITS.stalledMs + 1), false)).toEqual({ kind: 'resume' });
    expect(sweepDecision({ ...base, leaseUntil: at(10 * 60_000).toISOString() }, at(5 * 60_000), false)).toEqual({ kind: 'leave' });
    expect(sweepDecision({ ...base, resumes: IMPORT_LIMITS.maxResumes }, at(IMPORT_LIMITS.stalledMs + 1), false)).toMatchObject({ kind: 'fail', failure: { code: 'stalled' } });
  });

  it('starts a queued import whose file is there, fails one never uploaded, forgets finished ones', () => {
    const queued = { ...base, status: 'queued' as const };
    expect(sweepDecision(queued, at(IMPORT_LIMITS.missedEventMs + 1), true)).toEqual({ kind: 'start' });
    expect(sweepDecision(queued, at(IMPORT_LIMITS.uploadWaitMs - 1), false)).toEqual({ kind: 'leave' });
    expect(sweepDecision(queued, at(IMPORT_LIMITS.uploadWaitMs + 1), false)).toMatchObject({ kind: 'fail', failure: { code: 'not_uploaded' } });
    expect(sweepDecision({ ...base, status: 'done' }, at(0), false)).toEqual({ kind: 'forget' });
  });
});

/** An in-memory import store and bucket with the real ones' conditions (cursor, lease, states). */
function fakes(file: Buffer, options: { failWrites?: number; crashAfterWrite?: number } = {}) {
  const now = new Date('2026-11-30T02:00:00Z');
  let record: ImportRecord = { ...newImport({ importId: '01JD0000000000000000000001', kind: 'visits', countyCode: '330106', fileName: 'a.csv', officer: 'officer-1', now }), status: 'running' };
  const objects = new Map<string, Buffer>([[`uploads/${record.importId}`, file]]);
  const written = new Set<string>();
  const commits: ChunkCommit[] = [];
  const failures: string[] = [];
  let writeCalls = 0;
  const settled: string[] = [];
  const ports: ImportRunnerPorts = {
    settle: async (importId) => void settled.push(importId),
    store: {
      acquire: async () => (record.leaseUntil ? undefined : (record = { ...record, attempts: record.attempts + 1, leaseUntil: 'x' })),
      release: async () => {
        delete record.leaseUntil;
      },
      saveParsed: async (_id: string, parsed: Partial<ImportRecord>) => {
        record = { ...record, ...parsed, cursor: 0, attempts: 0 };
        delete record.leaseUntil;
        return record;
      },
      commitChunk: async (_id: string, commit: ChunkCommit) => {
        if (record.cursor !== commit.chunk) return false;
        commits.push(commit);
        record = { ...record, cursor: commit.chunk + 1, rowsDone: record.rowsDone + commit.rows, attempts: 0, status: commit.last ? 'done' : 'running', ...(commit.errorPart ? { errorParts: [...(record.errorParts ?? []), commit.chunk] } : {}) };
        delete record.leaseUntil;
        return true;
      },
      fail: async (_id: string, failure: { code: string }) => {
        failures.push(failure.code);
        record = { ...record, status: 'failed' };
        return true;
      },
    } as unknown as ImportRunnerPorts['store'],
    objects: {
      uploadedSize: async () => file.length,
      get: async (key: string) => objects.get(key)!,
      put: async (key: string, body: Buffer) => void objects.set(key, body),
      putChunk: async (_id: string, chunk: number, rows: unknown) => void objects.set(`chunk${chunk}`, Buffer.from(JSON.stringify(rows))),
      getChunk: async (_id: string, chunk: number) => JSON.parse(objects.get(`chunk${chunk}`)!.toString()),
    } as unknown as ImportRunnerPorts['objects'],
    visits: {
      recordBatch: async (visits) => {
        writeCalls += 1;
        if (options.failWrites && writeCalls <= options.failWrites) throw new Error('throttled');
        const created = visits.map((v) => {
          const key = `${v.creditCode}#${v.visitedOn}`;
          const fresh = !written.has(key);
          written.add(key);
          return fresh;
        });
        if (options.crashAfterWrite === writeCalls) throw new Error('the process died after writing');
        return { created, writeUnits: created.filter(Boolean).length * 4, readUnits: visits.length };
      },
    },
    plans: { recordBatch: async () => ({ created: [], writeUnits: 0, readUnits: 0 }) },
    newId: () => '01JD0000000000000000000009',
    clock: () => now,
  };
  return { ports, commits, failures, written, objects, settled, record: () => record };
}

const csvOf = (n: number, bad = 0) =>
  Buffer.from(
    `${HEADER}\n${Array.from({ length: n }, (_, i) => `${CODE},企业${i},2026-11-${String(1 + (i % 28)).padStart(2, '0')},实地走访,有融资需求,,`).join('\n')}\n${Array.from({ length: bad }, () => 'x,y,2026-11-01,实地走访,有融资需求,,').join('\n')}\n`,
  );

describe('the worker’s steps', () => {
  const lease = new Date('2026-11-30T02:05:00Z');

  it('parses into chunks, then writes one chunk per step, each committed once', async () => {
    const { ports, commits, record } = fakes(csvOf(28, 2));
    const runner = new ImportRunner(ports);
    expect(await runner.step(record().importId, lease)).toBe('continue');
    expect(record()).toMatchObject({ rowsTotal: 30, chunks: 1, cursor: 0 });
    expect(await runner.step(record().importId, lease)).toBe('done');
    expect(commits).toEqual([expect.objectContaining({ chunk: 0, rows: 30, accepted: 28, rejected: 2, created: 28, last: true, errorPart: true })]);
  });

  it('a chunk that crashed after writing is re-run: nothing written twice, counts committed once', async () => {
    const { ports, commits, record, written } = fakes(csvOf(28), { crashAfterWrite: 1 });
    const runner = new ImportRunner(ports);
    await runner.step(record().importId, lease);
    await expect(runner.step(record().importId, lease)).rejects.toThrow('the process died');
    expect(commits).toEqual([]);
    expect(record().leaseUntil).toBeUndefined(); // let go: Lambda's retry or the sweep runs it again
    expect(await runner.step(record().importId, lease)).toBe('done');
    expect(written.size).toBe(28);
    expect(commits).toHaveLength(1);
    expect(commits[0]).toMatchObject({ accepted: 28, created: 0 });
  });

  it('faults are retried up to the attempt limit, then the import fails with its reason', async () => {
    const { ports, failures, record, settled } = fakes(csvOf(3), { failWrites: 10 });
    const runner = new ImportRunner(ports);
    await runner.step(record().importId, lease);
    for (let attempt = 1; attempt < IMPORT_LIMITS.maxAttempts; attempt += 1) await expect(runner.step(record().importId, lease)).rejects.toThrow('throttled');
    expect(await runner.step(record().importId, lease)).toBe('failed');
    expect(failures).toEqual(['internal']);
    // The counters of what the failed chunk wrote are settled before it is failed.
    expect(settled).toEqual([record().importId]);
  });

  it('a file that cannot be imported fails at once, nothing written', async () => {
    const { ports, failures, written, record } = fakes(Buffer.from('统一社会信用代码\n1\n'));
    expect(await new ImportRunner(ports).step(record().importId, lease)).toBe('failed');
    expect(failures).toEqual(['missing_columns']);
    expect(written.size).toBe(0);
  });

  it('a held import is left alone (another invocation has it)', async () => {
    const { ports, record } = fakes(csvOf(1));
    await ports.store.acquire(record().importId, new Date(), lease);
    expect(await new ImportRunner(ports).step(record().importId, lease)).toBe('skipped');
  });
});

describe('the batch writer', () => {
  const entry = (sk: string, day = '2026-11-03'): NewItem => ({
    item: { pk: 'VISITS#330106#2026-11', sk: `VISIT#${day}#${sk}`, itemType: 'visit' },
    marker: { pk: 'VISITS#330106#2026-11', sk: `VISITED#${sk}` },
    markerFlag: 'countedEntity',
    day,
    countyCode: '330106',
    counters: (withMarker): Record<string, number> => (withMarker ? { visits: 1, visitedEntities: 1 } : { visits: 1 }),
  });

  it('groups fit one transaction (items, markers and the ledger item: at most 100 actions)', () => {
    const groups = groupsOf(Array.from({ length: 120 }, (_, i) => entry(String(i))));
    expect(groups.map((g) => g.length)).toEqual([49, 49, 22]);
    expect(itemBytes({ pk: 'ab', n: 12345 })).toBe(3 + 2 + 2 + 1 + 4);
  });

  it('a condition that failed (written meanwhile) reads the group again and writes only what is new; counters through the ledger', async () => {
    const db = mockClient(DynamoDBDocumentClient);
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' }));
    let reads = 0;
    db.on(BatchGetCommand).callsFake(() => {
      reads += 1;
      // Second read: the first visit was recorded by someone else in between.
      return { Responses: { needs: reads === 1 ? [] : [{ pk: 'VISITS#330106#2026-11', sk: 'VISIT#2026-11-03#A' }, { pk: 'VISITS#330106#2026-11', sk: 'VISITED#A' }] } };
    });
    let transactions = 0;
    db.on(TransactWriteCommand).callsFake(() => {
      transactions += 1;
      if (transactions === 1) {
        throw new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }, { Code: 'None' }] });
      }
      return {};
    });
    let ledgerReads = 0;
    db.on(QueryCommand).callsFake(() => {
      ledgerReads += 1;
      return { Items: ledgerReads === 1 ? [{ pk: 'IMPORT#X', sk: 'DELTA#0000#0000', deltas: { '2026-11-03#330106': { day: '2026-11-03', countyCode: '330106', counters: { visits: 1, visitedEntities: 1 } } } }] : [] };
    });
    const outcome = await new NewItemsWriter(client, { needs: 'needs', counters: 'counters' }).write([entry('A'), entry('B'), entry('A')], new Date(), { pk: 'IMPORT#X', skPrefix: 'DELTA#0000#' });
    expect(outcome.created).toEqual([false, true, false]);
    const calls = db.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    // The retry: B's visit and marker, and the ledger item with B's counters only.
    expect(calls[1]!.map((a) => a.Put?.Item?.sk)).toEqual(['VISIT#2026-11-03#B', 'VISITED#B', 'DELTA#0000#0000']);
    expect(calls[1]![2]!.Put!.Item!.deltas).toEqual({ '2026-11-03#330106': { day: '2026-11-03', countyCode: '330106', counters: { visits: 1, visitedEntities: 1 } } });
    // The ledger applied: the counters ADDed and the ledger item deleted, in one transaction.
    expect(calls[2]!.map((a) => Object.keys(a)[0])).toEqual(['Delete', 'Update']);
    expect(calls[2]![1]!.Update!.UpdateExpression).toBe('ADD #c0 :c0, #c1 :c1 SET updatedAt = :now');
    db.restore();
  });

  it('throttling is an error (nothing is taken for written)', async () => {
    const db = mockClient(DynamoDBDocumentClient);
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' }));
    db.on(BatchGetCommand).resolves({ Responses: { needs: [] } });
    db.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'throttled', $metadata: {}, CancellationReasons: [{ Code: 'ThrottlingError' }] }));
    await expect(new NewItemsWriter(client, { needs: 'needs', counters: 'counters' }).write([entry('A')], new Date(), { pk: 'IMPORT#X', skPrefix: 'DELTA#0000#' })).rejects.toThrow();
    db.restore();
  });
});
