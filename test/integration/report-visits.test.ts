// Visits in the regulator reports, on the real local parts (issue 8): visits recorded through the
// visits API (DynamoDB Local), rolled up by the roll-up workflow on the local Step Functions, and
// read back as the regulators download them (presigned links to the local S3): the county's and the
// province's reports show the enterprises visited (distinct per county and month), the visits, the
// funnel's first step, and the public edition suppresses the small counts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { chinaDay } from '../../shared/domain/need-record';
import type { PublicReport, Report } from '../../shared/domain/report';
import { freshCreditCode } from '../support/needs';
import { rollUp } from '../support/rollup';

const XIHU = '330106';
const BINJIANG = '330108';
const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-report-visits-'));
let runtime: LocalRuntime;

// A month in the past (CST): last month.
const thisMonth = chinaDay(new Date()).slice(0, 7);
const MONTH = (() => {
  const [y, m] = thisMonth.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', schedules: false });
});

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function recordVisit(county: string, creditCode: string, visitedOn: string): Promise<void> {
  const token = await runtime.mintToken({ jurisdiction: county, role: 'task_force', subject: `${county}-officer` });
  const response = await fetch(`${runtime.url}/v1/counties/${county}/visits`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ creditCode, name: '杭州走访报告测试有限公司', visitedOn, method: 'on_site', outcome: 'no_need' }),
  });
  expect(response.status).toBe(201);
}

/** A report as a regulator of `jurisdiction` downloads it: the API's presigned link, then the file. */
async function download<T = Report>(code: string, jurisdiction: string, edition: 'full' | 'public' = 'full'): Promise<T> {
  const token = await runtime.mintToken({ jurisdiction, role: 'regulator' });
  const answer = await fetch(`${runtime.url}/v1/reports/${MONTH}/${code}?format=json&edition=${edition}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  expect(answer.status).toBe(200);
  const { url } = (await answer.json()) as { url: string };
  const file = await fetch(url);
  expect(file.status).toBe(200);
  return (await file.json()) as T;
}

describe('visits in the reports', () => {
  it('the county and province reports show the enterprises visited, the visits and the funnel’s first step', async () => {
    const a = freshCreditCode();
    const b = freshCreditCode();
    // Xihu: enterprise a twice (one visited entity), b once; Binjiang: a once (another county: one more).
    await recordVisit(XIHU, a, `${MONTH}-03`);
    await recordVisit(XIHU, a, `${MONTH}-17`);
    await recordVisit(XIHU, b, `${MONTH}-17`);
    await recordVisit(BINJIANG, a, `${MONTH}-05`);

    await rollUp(runtime, [MONTH]);

    const xihu = await download(XIHU, XIHU);
    expect(xihu.division).toMatchObject({ code: XIHU, level: 'county' });
    expect(xihu.totals.visits).toEqual({ visited: 2, visits: 3, planned: 0, coverage: null });
    expect(xihu.totals.funnel).toMatchObject({ reached: 2, declared: 0, recommended: 0 });
    expect(xihu.totals.reviews).toMatchObject({ made: 0, medianWorkingDays: null });

    const zhejiang = await download('330000', '330000');
    expect(zhejiang.totals.visits).toMatchObject({ visited: 3, visits: 4 });
    const hangzhou = zhejiang.children.find((c) => c.division.code === '330100')!;
    expect(hangzhou.totals.visits).toMatchObject({ visited: 3, visits: 4 });
    const prefecture = await download('330100', '330000');
    expect(prefecture.children.find((c) => c.division.code === BINJIANG)!.totals.visits).toMatchObject({ visited: 1, visits: 1 });

    // The public edition: counts below 5 are suppressed, and listed.
    const published = await download<PublicReport>(XIHU, XIHU, 'public');
    expect(published.totals.visits.visited).toBeNull();
    expect(published.suppressed).toEqual(expect.arrayContaining(['/totals/visits/visited', '/totals/visits/visits', '/totals/funnel/reached']));
  });
});
