// The workspace page's pure parts: the visit body from the form (blanks left out, the amount a
// number when it is one, so the API's own message speaks to anything else), the file name of a
// download, the counties a coordinator may pick, and the text table (every key in both languages).
import { describe, expect, it } from 'vitest';
import { attachmentName } from '../../web/src/workspace-api';
import { isWorkspaceKey, WORKSPACE_KEYS, wt } from '../../web/src/workspace-i18n';
import { chinaToday, visitBody } from '../../web/src/workspace-visits';
import { isOverdue, PROGRESS_COLUMNS } from '../../web/src/workspace-progress';

describe('visitBody', () => {
  const values = { creditCode: '9133010652601815X8', name: '杭州西湖甲有限公司', visitedOn: '2026-12-01', method: 'phone', outcome: 'no_need', estimatedAmountYuan: '', note: '  ' };

  it('leaves out an empty amount and a blank note', () => {
    expect(visitBody(values, [])).toEqual({ creditCode: '9133010652601815X8', name: '杭州西湖甲有限公司', visitedOn: '2026-12-01', method: 'phone', outcome: 'no_need', bankIds: [] });
  });

  it('sends a whole amount as a number (separators dropped), anything else as typed, and the banks present', () => {
    expect(visitBody({ ...values, estimatedAmountYuan: '1,200,000', note: '厂房在建' }, ['huimin'])).toMatchObject({ estimatedAmountYuan: 1_200_000, note: '厂房在建', bankIds: ['huimin'] });
    expect(visitBody({ ...values, estimatedAmountYuan: '12.5万' }, []).estimatedAmountYuan).toBe('12.5万');
  });
});

describe('attachmentName', () => {
  it('prefers the UTF-8 name, then the plain one, then the fallback', () => {
    expect(attachmentName(`attachment; filename="list.csv"; filename*=UTF-8''${encodeURIComponent('330106-申报清单.csv')}`, 'x')).toBe('330106-申报清单.csv');
    expect(attachmentName('attachment; filename="330106-declared.xlsx"', 'x')).toBe('330106-declared.xlsx');
    expect(attachmentName(null, 'fallback.csv')).toBe('fallback.csv');
    expect(attachmentName("attachment; filename*=UTF-8''%E0%A4%A", 'fallback.csv')).toBe('fallback.csv');
  });
});

describe('chinaToday', () => {
  it('is the day in China time', () => {
    expect(chinaToday(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
    expect(chinaToday(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
  });
});

describe('the workspace text', () => {
  it('has every key in Chinese and English, with the same placeholders', () => {
    expect(WORKSPACE_KEYS.length).toBeGreaterThan(50);
    for (const key of WORKSPACE_KEYS) {
      expect(isWorkspaceKey(key)).toBe(true);
      const zh = wt('zh', key);
      const en = wt('en', key);
      expect(zh.trim(), key).not.toBe('');
      expect(en, key).not.toMatch(/[\u4e00-\u9fff]/);
      expect(zh.match(/\{\w+\}/g)?.sort(), key).toEqual(en.match(/\{\w+\}/g)?.sort());
    }
    expect(wt('en', 'ws.visits.saved', { name: 'A Ltd', day: '2026-12-01' })).toBe('Visit saved: A Ltd (2026-12-01).');
    expect(isWorkspaceKey('ws.nope')).toBe(false);
  });
});

describe('the progress columns', () => {
  const totals = (over: Record<string, unknown>) =>
    ({
      declared: 4,
      recommended: 3,
      offered: 5,
      unmatched: 0,
      granted: { count: 1, amountYuan: 100_000 },
      visits: { visited: 10, visits: 12, planned: 20, coverage: 0.5 },
      reviews: { made: 2, madeBy: {}, timed: 2, medianWorkingDays: 1, overdue: 0 },
      escalations: { opened: 2, openedBy: {}, resolved: 2, resolvedBy: {} },
      funnel: { reached: 10, declared: 4, recommended: 3, offered: 2, accepted: 1, granted: 1, disbursed: 0 },
      ...over,
    }) as never;

  it('reads visited, planned, coverage, and needs offered counted once each (the funnel), not offers', () => {
    const values = Object.fromEntries(PROGRESS_COLUMNS.map((column) => [column.key, column.value(totals({}))]));
    expect(values).toMatchObject({ 'ws.progress.visited': 10, 'ws.progress.planned': 20, 'ws.progress.coverage': 0.5, 'ws.progress.offered': 2, 'ws.progress.escalationsOpen': 0 });
  });

  it('flags a division with an overdue review or an escalation opened and not resolved', () => {
    expect(isOverdue(totals({}))).toBe(false);
    expect(isOverdue(totals({ reviews: { made: 0, madeBy: {}, timed: 0, medianWorkingDays: null, overdue: 1 } }))).toBe(true);
    expect(isOverdue(totals({ escalations: { opened: 3, openedBy: {}, resolved: 1, resolvedBy: {} } }))).toBe(true);
  });
});
