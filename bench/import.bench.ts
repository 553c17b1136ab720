// `npm run bench` (bulk import): a 10,000-row CSV of visits imported through the real local parts —
// POST /v1/imports on the API emulator, the presigned PUT to the S3 emulator, the template's S3
// notification, the import worker as deployed (bundled by esbuild with the stack's settings for
// aws-cn, lib/lambda-defaults.ts bundlingFor(false); the template gives it no NODE_OPTIONS), its
// chunks one invocation after another, DynamoDB Local — against a baseline measured in the same run:
// rows of the same shape recorded one by one through the single-visit store path (VisitStore.record,
// what POST /v1/counties/{countyCode}/visits does per visit).
//
// Write units are counted by DynamoDB's rules for what each path writes (a transactional write: 2 per
// started KB of each item; a county-day counter item taken as 1 KB): DynamoDB Local's own
// ReturnConsumedCapacity reports a flat 2 units per table for any transaction, whatever its items
// (printed below, measured in this run), so it cannot tell the two paths apart.
// Writes bench/import-last-run.md.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { bundlingFor, PROJECT_ROOT } from '../lib/lambda-defaults';
import { FUNCTIONS } from '../lib/routes';
import { startLocalRuntime, type AnyHandler } from '../local/runtime';
import { transactionalWriteUnits } from '../shared/adapters/import-batch';
import { VisitStore, visitedEntityKey, visitKey } from '../shared/adapters/visit-store';
import { IMPORT_LIMITS } from '../shared/domain/import';
import { chinaDay } from '../shared/domain/need-record';
import { freshCreditCode } from '../test/support/needs';
import { bundle } from './bundle';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);
const BASELINE_ROWS = Number(process.env.BENCH_IMPORT_BASELINE_ROWS ?? 500);
const COUNTY = '330106';
const work = mkdtempSync(path.join(tmpdir(), 'smefin-import-bench-'));

const lastMonth = (() => {
  const [y, m] = chinaDay(new Date()).slice(0, 7).split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();
/** Rows over 20 days of last month, a few enterprises twice (a second visit that month). */
function rows(n: number) {
  const codes = Array.from({ length: Math.ceil(n * 0.9) }, () => freshCreditCode());
  return Array.from({ length: n }, (_, i) => ({
    creditCode: codes[i % codes.length]!,
    name: `杭州基准测试第${i}号有限公司`,
    visitedOn: `${lastMonth}-${String(1 + (i % 20)).padStart(2, '0')}`,
    method: i % 2 ? '实地走访' : 'phone',
    outcome: i % 3 ? '无融资需求' : '有融资需求',
    note: '基准测试',
  }));
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function main() {
  const worker = bundle(bundlingFor(false), path.join(PROJECT_ROOT, FUNCTIONS['import-worker'].entry), path.join(work, 'import-worker'));
  let bundled: AnyHandler | undefined;
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir: path.join(work, 'data'),
    logLevel: 'ERROR',
    schedules: false,
    // The worker as deployed: the bundle, loaded once the runtime has set the functions' environment.
    wrapHandler: (name, handler) =>
      name === 'import-worker'
        ? async (event, context) => {
            bundled ??= ((await import(pathToFileURL(worker.file).href)) as { handler: AnyHandler }).handler;
            return bundled(event, context);
          }
        : handler,
  });
  try {
    const token = await runtime.mintToken({ jurisdiction: COUNTY, role: 'task_force', subject: 'bench-officer' });
    const db = DynamoDBDocumentClient.from(runtime.dynamodbClient, { marshallOptions: { removeUndefinedValues: true } });
    const header = '统一社会信用代码,企业名称,走访日期,走访方式,走访结果,预计融资金额（元）,备注';
    const data = rows(ROWS);
    const file = Buffer.from(`\uFEFF${header}\r\n${data.map((r) => `${r.creditCode},${r.name},${r.visitedOn},${r.method},${r.outcome},,${r.note}`).join('\r\n')}\r\n`, 'utf8');

    const runImport = async () => {
      const started = Date.now();
      const created = await fetch(`${runtime.url}/v1/imports`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'visits', countyCode: COUNTY, fileName: 'bench.csv', sizeBytes: file.length }),
      });
      const { importId, uploadUrl } = (await created.json()) as { importId: string; uploadUrl: string };
      const put = await fetch(uploadUrl, { method: 'PUT', body: new Uint8Array(file) });
      if (put.status !== 200) throw new Error(`upload refused: ${put.status}`);
      for (;;) {
        // A GET, retried when the keep-alive socket was reset (the worker runs in this process and holds it while parsing).
        const answer = await fetch(`${runtime.url}/v1/imports/${importId}`, { headers: { Authorization: `Bearer ${token}` } }).catch(() => undefined);
        if (!answer) continue;
        const status = (await answer.json()) as Record<string, unknown>;
        if (status.status === 'failed') throw new Error(`import failed: ${JSON.stringify(status.failure)}`);
        if (status.status === 'done') {
          const elapsed = Date.now() - started;
          const { Item } = await db.send(new GetCommand({ TableName: runtime.tableNames.needs, Key: { pk: `IMPORT#${importId}`, sk: 'IMPORT' }, ConsistentRead: true }));
          return { elapsed, status, writeUnits: Number(Item!.writeUnits), readUnits: Number(Item!.readUnits) };
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };

    console.log(`importing ${ROWS} rows …`);
    const first = await runImport();
    console.log(`  done in ${seconds(first.elapsed)} s: ${JSON.stringify(first.status)}`);
    console.log('importing the same file again …');
    const again = await runImport();
    console.log(`  done in ${seconds(again.elapsed)} s`);

    // Baseline: rows of the same shape (new credit codes), one visit at a time through the single-visit path.
    const store = new VisitStore(db, runtime.tableNames);
    const baseline = rows(BASELINE_ROWS);
    let baselineUnits = 0;
    const now = new Date();
    const started = Date.now();
    for (const [i, row] of baseline.entries()) {
      const visit = { ...row, method: row.method === 'phone' ? ('phone' as const) : ('on_site' as const), outcome: 'no_need' as const, bankIds: [], visitId: `BENCH${i}`, countyCode: COUNTY, officer: 'bench-officer', recordedAt: now.toISOString() };
      await store.record(visit);
      // What the transaction wrote: the visit, the month's marker the first time, the counter item.
      const marker = { ...visitedEntityKey(visit), itemType: 'visited-entity', countyCode: COUNTY, creditCode: visit.creditCode, visitedOn: visit.visitedOn, visitId: visit.visitId };
      const firstOfMonth = baseline.findIndex((r) => r.creditCode === row.creditCode) === i;
      baselineUnits += transactionalWriteUnits({ ...visitKey(visit), itemType: 'visit', countedEntity: firstOfMonth, ...visit }) + (firstOfMonth ? transactionalWriteUnits(marker) : 0) + 2;
    }
    const baselineElapsed = Date.now() - started;

    // What DynamoDB Local reports for transactions of 1 and of 99 items.
    const reported = async (n: number) => {
      const answer = await db.send(
        new TransactWriteCommand({
          ReturnConsumedCapacity: 'TOTAL',
          TransactItems: Array.from({ length: n }, (_, i) => ({ Put: { TableName: runtime.tableNames.needs, Item: { pk: `BENCH#${n}`, sk: String(i), itemType: 'bench' } } })),
        }),
      );
      return (answer.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    };
    const [one, many] = [await reported(1), await reported(99)];

    const importRate = ROWS / (first.elapsed / 1000);
    const baselineRate = BASELINE_ROWS / (baselineElapsed / 1000);
    const created = Number(first.status.rowsCreated);
    const importUnits = first.writeUnits / ROWS;
    const singleUnits = baselineUnits / BASELINE_ROWS;
    const lines = [
      '# Bulk import bench (last run)',
      '',
      `${new Date().toISOString()}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) on ${process.env.BENCH_MACHINE ?? 'this machine'}: timings depend on the load (DynamoDB Local shares the cores).`,
      '',
      '| | rows | time | rows/s | write units/row | read units/row |',
      '|---|---|---|---|---|---|',
      `| import (CSV ${(file.length / 1024 / 1024).toFixed(1)} MB → presigned PUT → S3 event → bundled worker, ${Math.ceil(ROWS / IMPORT_LIMITS.chunkRows)} chunks) | ${ROWS} (${created} new visits) | ${seconds(first.elapsed)} s | ${importRate.toFixed(0)} | ${importUnits.toFixed(2)} | ${(first.readUnits / ROWS).toFixed(2)} |`,
      `| the same file again (every row already recorded) | ${ROWS} (${Number(again.status.rowsCreated)} new) | ${seconds(again.elapsed)} s | ${(ROWS / (again.elapsed / 1000)).toFixed(0)} | ${(again.writeUnits / ROWS).toFixed(2)} | ${(again.readUnits / ROWS).toFixed(2)} |`,
      `| baseline: one visit at a time (VisitStore.record) | ${BASELINE_ROWS} | ${seconds(baselineElapsed)} s | ${baselineRate.toFixed(0)} | ${singleUnits.toFixed(2)} | 0 |`,
      '',
      `Import vs baseline: ${(importRate / baselineRate).toFixed(1)}× the rows per second, ${(importUnits / singleUnits).toFixed(2)}× the write units per row.`,
      '',
      `Write units by DynamoDB's rules (transactional writes 2 per started KB of each item; the import's counter deltas go through its ledger item, one per group of ~49 visits, written and deleted once). DynamoDB Local's ReturnConsumedCapacity for a transaction of 1 item: ${one}, of 99 items: ${many} (per table, whatever the items): not usable to compare the paths.`,
      '',
    ];
    writeFileSync(path.join(PROJECT_ROOT, 'bench', 'import-last-run.md'), lines.join('\n'));
    console.log(lines.join('\n'));
  } finally {
    await runtime.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
