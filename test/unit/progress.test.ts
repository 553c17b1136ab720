// A division's progress for the workspace (shared/domain/progress.ts): the month's period as of
// today, the county prefix the counters are read by, and the live roll-up of the division with its
// children (zero figures for a division without activity yet).
import { describe, expect, it } from 'vitest';
import { countyPrefixOf, divisionProgress, progressPeriod } from '../../shared/domain/progress';
import { parsePeriod } from '../../shared/domain/report';
import type { CounterRow } from '../../shared/domain/rollup';

describe('progressPeriod', () => {
  it('is the month to date for the current month, with or without the month given', () => {
    for (const month of [undefined, '2026-12']) {
      const result = progressPeriod(month, '2026-12-01');
      expect(result).toEqual({ ok: true, period: { kind: 'monthToDate', id: '2026-12-mtd-01', days: ['2026-12-01'] } });
    }
  });

  it('is the whole of a past month', () => {
    const result = progressPeriod('2026-02', '2026-12-01');
    expect(result.ok && result.period.days).toHaveLength(28);
    expect(result.ok && result.period.id).toBe('2026-02');
  });

  it('refuses a later month and a malformed one', () => {
    expect(progressPeriod('2027-01', '2026-12-31')).toEqual({ ok: false, reason: 'future' });
    for (const month of ['2026-13', '2026-1', '202612', ' 2026-12', '']) expect(progressPeriod(month, '2026-12-01')).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('countyPrefixOf', () => {
  it.each([
    ['000000', ''],
    ['330000', '33'],
    ['330100', '3301'],
    ['330106', '330106'],
    ['441900', '4419'],
    ['110000', '11'],
  ])('%s → "%s"', (code, prefix) => expect(countyPrefixOf(code)).toBe(prefix));
});

describe('divisionProgress', () => {
  const period = parsePeriod('2026-11');
  const at = '2026-12-01T02:00:00.000Z';

  it('sums the counties of a prefecture and lists each of them as a child', () => {
    const rows: CounterRow[] = [
      { day: '2026-11-02', countyCode: '330106', counters: { declared: 3, recommended: 2, offers: 2 } },
      { day: '2026-11-20', countyCode: '330106', counters: { declared: 1, granted: 1, grantedAmountYuan: 500_000 } },
      { day: '2026-11-05', countyCode: '330108', counters: { declared: 2, notRecommended: 2 } },
      // Another prefecture: not in Hangzhou's figures.
      { day: '2026-11-05', countyCode: '330212', counters: { declared: 7 } },
    ];
    const progress = divisionProgress('330100', period, rows, at)!;
    expect(progress.division).toMatchObject({ code: '330100', level: 'prefecture' });
    expect(progress.totals).toMatchObject({ declared: 6, recommended: 2, offered: 2, granted: { count: 1, amountYuan: 500_000 } });
    const xihu = progress.children.find((child) => child.division.code === '330106')!;
    expect(xihu.totals).toMatchObject({ declared: 4, granted: { count: 1, amountYuan: 500_000 } });
    expect(progress.children.find((child) => child.division.code === '330108')!.totals.declared).toBe(2);
    // Every county of Hangzhou is listed, the quiet ones with zeros.
    expect(progress.children.length).toBeGreaterThan(10);
    expect(progress.children.find((child) => child.division.code === '330110')!.totals.declared).toBe(0);
    expect(progress.children.some((child) => child.division.code === '330212')).toBe(false);
  });

  it('gives zero figures for a division without activity', () => {
    const progress = divisionProgress('330108', period, [], at)!;
    expect(progress).toMatchObject({ period: '2026-11', generatedAt: at, division: { code: '330108', level: 'county' }, children: [] });
    expect(progress.totals.declared).toBe(0);
    expect(progress.totals.granted).toEqual({ count: 0, amountYuan: 0 });
  });

  it('has nothing for a code that is no division', () => {
    expect(divisionProgress('339999', period, [], at)).toBeUndefined();
  });
});
