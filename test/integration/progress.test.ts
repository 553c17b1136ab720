// A division's progress on the real local parts (gateway with the template's authorizer and the
// local OpenID Provider's tokens → the progress handler → the counters in DynamoDB Local, written
// by a need submitted through the API and routed by the local workflow): the county's task force,
// the prefecture's coordinator and a regulator above it see the month's live figures; a county-level
// task force cannot read its prefecture or a neighbour; bad months 400, an unknown division 404, no
// token 401.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { chinaDay } from '../../shared/domain/need-record';
import type { Report } from '../../shared/domain/report';
import { eventually } from '../support/aws-emulator';
import { validSubmission } from '../support/needs';

const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-progress-'));
let runtime: LocalRuntime;
const tokens: Record<string, string> = {};

const get = (division: string, token: string | undefined, query = '') =>
  fetch(`${runtime.url}/v1/progress/${division}${query}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR', schedules: false });
  tokens.xihu = await runtime.mintToken({ jurisdiction: '330106', role: 'task_force' });
  tokens.binjiang = await runtime.mintToken({ jurisdiction: '330108', role: 'task_force' });
  tokens.hangzhou = await runtime.mintToken({ jurisdiction: '330100', role: 'task_force' });
  tokens.zhejiangRegulator = await runtime.mintToken({ jurisdiction: '330000', role: 'regulator' });
  tokens.admin = await runtime.mintToken({ jurisdiction: '000000', role: 'admin' });
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /v1/progress/{divisionCode}', () => {
  it('shows a need declared in Xihu this month to Xihu, Hangzhou and Zhejiang', async () => {
    const response = await fetch(`${runtime.url}/v1/needs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(validSubmission()) });
    expect(response.status).toBe(201);
    // The workflow screens it: declared and recommended are counted in the need's transactions.
    const hangzhou = await eventually(async () => {
      const answer = await get('330100', tokens.hangzhou);
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as Report;
      return body.totals.recommended >= 1 ? body : undefined;
    }, 30_000);
    const today = chinaDay(new Date());
    expect(hangzhou).toMatchObject({ period: `${today.slice(0, 7)}-mtd-${today.slice(8)}`, edition: 'full', division: { code: '330100', level: 'prefecture' } });
    expect(hangzhou.totals.declared).toBe(1);
    const xihu = hangzhou.children.find((child) => child.division.code === '330106')!;
    expect(xihu.totals).toMatchObject({ declared: 1, recommended: 1 });
    expect(hangzhou.children.find((child) => child.division.code === '330108')!.totals.declared).toBe(0);

    const own = await get('330106', tokens.xihu);
    expect(own.status).toBe(200);
    expect(((await own.json()) as Report).totals.declared).toBe(1);
    const province = await get('330000', tokens.zhejiangRegulator, `?month=${today.slice(0, 7)}`);
    expect(province.status).toBe(200);
    const zhejiang = (await province.json()) as Report;
    expect(zhejiang.children.find((child) => child.division.code === '330100')!.totals.declared).toBe(1);
    // A past month has none of it.
    const earlier = await get('330100', tokens.hangzhou, '?month=2026-01');
    expect(((await earlier.json()) as Report).totals.declared).toBe(0);
  });

  it('refuses what is outside the caller’s jurisdiction, and an admin', async () => {
    for (const [division, token] of [
      ['330100', tokens.xihu],
      ['330106', tokens.binjiang],
      ['330000', tokens.hangzhou],
      ['330106', tokens.admin],
    ] as const) {
      const answer = await get(division, token);
      expect(answer.status, `${division}`).toBe(403);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await get('330106', undefined)).status).toBe(401);
  });

  it('answers a bad month 400 in Chinese and English, and an unknown division 404', async () => {
    for (const [query, code] of [
      ['?month=2026-13', 'month.malformed'],
      ['?month=2999-01', 'month.future'],
    ] as const) {
      const answer = await get('330100', tokens.hangzhou, query);
      expect(answer.status).toBe(400);
      const problem = (await answer.json()) as { errors: { code: string; message: { zh: string; en: string } }[] };
      expect(problem.errors[0]).toMatchObject({ code });
      expect(problem.errors[0]!.message.zh).toMatch(/月份/);
      expect(problem.errors[0]!.message.en).toMatch(/month/);
    }
    for (const division of ['339999', 'abc', '33010６']) expect((await get(division, tokens.hangzhou)).status, division).toBe(404);
  });
});
