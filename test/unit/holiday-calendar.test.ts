// The holiday calendar: the bundled arrangements (cross-checked against chinese-days, which seeded
// them), the statutory holidays of a year without an arrangement (cross-checked against every
// official arrangement: each statutory day is a day off in it), provisional deadlines, an operator's
// arrangement replacing the law, the coverage left, and the recompute of open provisional deadlines.
import chineseDays from 'chinese-days/dist/chinese-days.json';
import { describe, expect, it } from 'vitest';
import { daysBetween, TEST_2027 } from '../support/holidays';
import {
  coverageWarning,
  holidayArrangementSchema,
  holidayArrangementsFileSchema,
  holidayCalendar,
  officialCoverageDaysLeft,
  statutoryArrangement,
  workingDayDeadline,
} from '../../shared/domain/holiday-calendar';
import type { Referral } from '../../shared/domain/referral';
import { provisionalYearsOf } from '../../shared/domain/report';
import { recomputeProvisionalDeadlines, type ProvisionalDeadlinesPort } from '../../shared/domain/routing';
import { addWorkingDays, shiftDay, weekdayCalendar } from '../../shared/domain/working-days';
import { BUNDLED_ARRANGEMENTS, calendarOf } from '../../shared/adapters/calendar';
import { lunarDates } from '../../shared/adapters/lunar';



describe('the bundled arrangements', () => {
  it('parse, one per year, 2020–2026, each with its source notice', () => {
    expect(BUNDLED_ARRANGEMENTS.map((a) => a.year)).toEqual([2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    for (const a of BUNDLED_ARRANGEMENTS) expect(a.source.title).toContain(`${a.year}年部分节假日安排`);
  });

  it('agree day by day with chinese-days, which seeded them', () => {
    const calendar = calendarOf();
    const data = chineseDays as { holidays: Record<string, string>; workdays: Record<string, string> };
    for (const d of daysBetween('2020-01-01', '2026-12-31')) {
      const expected = d in data.workdays ? true : d in data.holidays ? false : weekdayCalendar.isWorkday(d);
      expect([d, calendar.isWorkday(d)]).toEqual([d, expected]);
    }
  });
});

describe('statutory holidays of a year without an arrangement', () => {
  it('computes 2027 from the law: New Year Fri 1 Jan, Spring Festival eve Fri 5 Feb to Mon 8 Feb, Qingming, May 1–2, Dragon Boat, Mid-Autumn, Oct 1–3, with weekend holidays made up', () => {
    const { holidays, workdays } = statutoryArrangement(2027, lunarDates);
    expect(workdays).toEqual({});
    for (const d of ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-04-05', '2027-05-01', '2027-05-02', '2027-06-09', '2027-09-15', '2027-10-01', '2027-10-02', '2027-10-03']) {
      expect(holidays[d], d).toBeDefined();
    }
    // Sat 6 and Sun 7 Feb are made up on Tue 9 and Wed 10 Feb; Sat 1 and Sun 2 May on Mon 3 and Tue 4 May;
    // Sat 2 and Sun 3 Oct on Mon 4 and Tue 5 Oct.
    for (const d of ['2027-02-09', '2027-02-10', '2027-05-03', '2027-05-04', '2027-10-04', '2027-10-05']) expect(holidays[d], d).toBeDefined();
    expect(Object.keys(holidays)).toHaveLength(19);
  });

  it('every statutory festival day of 2020–2026 is a day off in that year’s official arrangement (the lunar dates are right)', () => {
    for (const official of BUNDLED_ARRANGEMENTS) {
      const { holidays } = statutoryArrangement(official.year, lunarDates);
      // Before the 2024 revision (in force 2025) the Spring Festival eve and 2 May were not statutory.
      const festival = Object.entries(holidays).filter(([d, name]) => {
        if (official.year >= 2025) return true;
        return !(name === '劳动节' && d.endsWith('-05-02')) && !(name === '春节' && d === shiftDay(lunarDates.lunarToSolar(official.year, 1, 1), -1));
      });
      for (const [d, name] of festival) {
        // Substitute days (补假) are placed by the notice, not always on the next weekday: check the festivals themselves.
        const substitute = !Object.keys(holidays).includes(d) || !weekdayCalendar.isWorkday(d) ? false : !isFestivalDay(official.year, d);
        if (!substitute) expect([official.year, d, name, d in official.holidays]).toEqual([official.year, d, name, true]);
      }
    }
  });
});

function isFestivalDay(year: number, d: string): boolean {
  const ny = lunarDates.lunarToSolar(year, 1, 1);
  return [
    `${year}-01-01`, shiftDay(ny, -1), ny, shiftDay(ny, 1), shiftDay(ny, 2), lunarDates.qingming(year),
    `${year}-05-01`, `${year}-05-02`, lunarDates.lunarToSolar(year, 5, 5), lunarDates.lunarToSolar(year, 8, 15),
    `${year}-10-01`, `${year}-10-02`, `${year}-10-03`,
  ].includes(d);
}

describe('provisional years', () => {
  const calendar = calendarOf();

  it('2027 is provisional, and its statutory days are not working days (Monday–Friday was the old fallback)', () => {
    expect(calendar.yearStatus(2026)).toBe('official');
    expect(calendar.yearStatus(2027)).toBe('provisional');
    expect(calendar.lastOfficialYear).toBe(2026);
    for (const d of ['2027-01-01', '2027-02-05', '2027-02-08', '2027-10-01', '2027-10-03']) expect(calendar.isWorkday(d), d).toBe(false);
    expect(weekdayCalendar.isWorkday('2027-01-01')).toBe(true);
  });

  it('a deadline set on 30 December 2026 runs to the end of Tue 5 Jan 2027 and is provisional (the weekday fallback said Mon 4 Jan)', () => {
    const start = new Date('2026-12-30T02:00:00.000Z');
    expect(workingDayDeadline(start, 3, calendar)).toEqual({ deadline: new Date('2027-01-05T16:00:00.000Z'), provisional: true });
    expect(addWorkingDays(start, 3, weekdayCalendar)).toEqual(new Date('2027-01-04T16:00:00.000Z'));
    expect(workingDayDeadline(new Date('2026-12-01T02:00:00.000Z'), 3, calendar)).toEqual({ deadline: new Date('2026-12-04T16:00:00.000Z'), provisional: false });
  });

  it('an operator’s arrangement makes the year official and replaces the law', () => {
    const loaded = calendarOf([TEST_2027]);
    expect(loaded.yearStatus(2027)).toBe('official');
    expect(loaded.lastOfficialYear).toBe(2027);
    expect(loaded.isWorkday('2027-02-11')).toBe(false); // bridging day off of the arrangement
    expect(calendar.isWorkday('2027-02-11')).toBe(true); // not a statutory day
    expect(loaded.isWorkday('2027-02-20')).toBe(true); // make-up Saturday
    expect(workingDayDeadline(new Date('2026-12-30T02:00:00.000Z'), 3, loaded)).toEqual({ deadline: new Date('2027-01-05T16:00:00.000Z'), provisional: false });
  });

  it('names the provisional years of a report period (shown in the reports)', () => {
    const isProvisional = (year: number) => calendar.yearStatus(year) === 'provisional';
    expect(provisionalYearsOf(['2026-12-31', '2027-01-01'], isProvisional)).toEqual([2027]);
    expect(provisionalYearsOf(['2026-11-30', '2026-12-01'], isProvisional)).toBeUndefined();
  });

  it('counts the official coverage left and warns within 60 days', () => {
    expect(officialCoverageDaysLeft(calendar, new Date('2026-12-01T02:00:00.000Z'))).toBe(30);
    expect(officialCoverageDaysLeft(calendar, new Date('2026-10-31T02:00:00.000Z'))).toBe(61);
    expect(coverageWarning(calendar, new Date('2026-10-31T02:00:00.000Z'))).toBeUndefined();
    expect(coverageWarning(calendar, new Date('2026-12-01T02:00:00.000Z'))).toMatchObject({ daysLeft: 30, zh: expect.stringContaining('2027'), en: expect.stringContaining('provisional') });
    expect(coverageWarning(calendar, new Date('2027-01-02T02:00:00.000Z'))?.daysLeft).toBe(-2);
    expect(coverageWarning(calendarOf([TEST_2027]), new Date('2026-12-01T02:00:00.000Z'))).toBeUndefined();
    // A gap in the official years ends the coverage where the gap starts.
    expect(holidayCalendar([BUNDLED_ARRANGEMENTS[0]!, TEST_2027], lunarDates).lastOfficialYear).toBe(2020);
  });
});

describe('the arrangement format', () => {
  it('refuses days outside the year, a make-up working day on a weekday or that is also a holiday, and a year listed twice', () => {
    const base = structuredClone(TEST_2027);
    const issues = (value: unknown) => holidayArrangementSchema.safeParse(value).error?.issues.map((i) => i.message) ?? [];
    expect(issues({ ...base, holidays: { ...base.holidays, '2028-01-01': '元旦' } })).toEqual(['2028-01-01 is not in 2027']);
    expect(issues({ ...base, workdays: { '2027-02-22': '春节' } })).toEqual(['2027-02-22 is a weekday: make-up working days fall on weekends']);
    expect(issues({ ...base, workdays: { '2027-02-06': '春节' } })).toEqual(['2027-02-06 is both a holiday and a working day']);
    expect(issues({ ...base, holidays: { '2027-02-30': '春节' } }).length).toBeGreaterThan(0);
    expect(holidayArrangementsFileSchema.safeParse({ format: 1, arrangements: [base, base] }).error?.issues[0]?.message).toBe('2027 appears twice');
  });
});

describe('recomputeProvisionalDeadlines', () => {
  const referral = (id: string, overrides: Partial<Referral> = {}): Referral => ({
    referralId: id,
    needId: `need-${id}`,
    bankId: 'b',
    bankNameZh: '银行',
    bankNameEn: 'Bank',
    productId: 'p',
    countyCode: '330106',
    stage: 'offered',
    offeredAt: '2026-12-30T02:00:00.000Z',
    deadline: '2027-01-05T16:00:00.000Z',
    acknowledgeWorkingDays: 3,
    deadlineProvisional: true,
    decideWithinDays: 30,
    explanation: [],
    ...overrides,
  });

  function port(referrals: Referral[]) {
    const byId = new Map(referrals.map((r) => [r.referralId, structuredClone(r)]));
    const index = new Set(referrals.map((r) => r.referralId));
    const store: ProvisionalDeadlinesPort = {
      provisionalReferralIds: async () => [...index],
      getReferral: async (id) => structuredClone(byId.get(id)),
      moveDeadline: async (id, deadline, provisional) => {
        const r = byId.get(id)!;
        if (r.stage !== 'offered') return 'condition_failed';
        byId.set(id, { ...r, deadline, deadlineProvisional: provisional });
        if (!provisional) index.delete(id);
        return 'written';
      },
      forgetProvisional: async (id) => void index.delete(id),
    };
    return { store, byId, index };
  }

  it('moves open deadlines to the official calendar, forgets closed referrals, keeps the ones still provisional', async () => {
    const { store, byId, index } = port([
      referral('a', { offeredAt: '2027-02-04T02:00:00.000Z', deadline: '2027-02-15T16:00:00.000Z' }),
      referral('b', { stage: 'declined' }),
      referral('c', { offeredAt: '2027-12-30T02:00:00.000Z', deadline: '2028-01-04T16:00:00.000Z' }),
    ]);
    const result = await recomputeProvisionalDeadlines(store, calendarOf([TEST_2027]), 1, new Date('2027-02-04T03:00:00.000Z'));
    // Offered Thu 4 Feb 2027: the arrangement closes 5–13 Feb; working days Sun 14 … — 14 is a Sunday, so Mon 15, Tue 16, Wed 17.
    expect(result.changed).toEqual([
      { referralId: 'a', from: '2027-02-15T16:00:00.000Z', to: '2027-02-17T16:00:00.000Z', provisional: false },
      // Fri 31 Dec 2027, then 2028 by the law: Sat 1 Jan made up on Mon 3 Jan, so Tue 4 and Wed 5.
      { referralId: 'c', from: '2028-01-04T16:00:00.000Z', to: '2028-01-05T16:00:00.000Z', provisional: true },
    ]);
    expect(byId.get('a')).toMatchObject({ deadline: '2027-02-17T16:00:00.000Z', deadlineProvisional: false });
    expect(result.closed).toBe(1);
    // c runs into 2028, which has no arrangement: its deadline may move but stays provisional.
    expect(byId.get('c')?.deadlineProvisional).toBe(true);
    expect([...index].sort()).toEqual(['c']);
  });

  it('scales a recomputed deadline as the offer was (the local time scale)', async () => {
    const { store, byId } = port([referral('a', { offeredAt: '2027-02-04T02:00:00.000Z', deadline: '2027-02-04T02:01:00.000Z' })]);
    await recomputeProvisionalDeadlines(store, calendarOf([TEST_2027]), 8640, new Date());
    // 13 days 14 hours of real deadline at 8,640× is 136 s after the offer.
    expect(byId.get('a')?.deadline).toBe('2027-02-04T02:02:16.000Z');
  });
});
