// The visit schema: the form's credit-code rules, the day rules against today in China time, the
// codes and their Chinese labels, field errors in Chinese and English; the natural key and what a
// visit adds to the counters.
import { describe, expect, it } from 'vitest';
import {
  createVisit,
  isVisitMonth,
  parseVisit,
  VISIT_LIMITS,
  VISIT_METHOD_LABELS,
  VISIT_METHODS,
  VISIT_OUTCOME_LABELS,
  VISIT_OUTCOMES,
  visitBankErrors,
  visitCounters,
  visitDayProblem,
  visitNaturalKey,
  type ValidVisit,
} from '../../shared/domain/visit';
import { diffCounters, recomputeCounters, splitItems } from '../../shared/domain/recompute';
import { freshCreditCode } from '../support/needs';

const TODAY = '2026-12-01';
const base = () => ({ creditCode: '9133010652601815X8', name: '杭州西湖食品有限公司', visitedOn: '2026-11-30', method: 'on_site', outcome: 'need_found' });

function valid(input: unknown): ValidVisit {
  const result = parseVisit(input, TODAY);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.visit;
}

function errorsOf(input: unknown) {
  const result = parseVisit(input, TODAY);
  if (result.ok) throw new Error('accepted');
  return result.errors;
}

describe('visit schema', () => {
  it('takes a minimal visit and normalises it (credit code as on the form, no banks)', () => {
    const visit = valid({ ...base(), creditCode: ' 9133-0106-5260-1815-x8 ', name: '  杭州西湖食品   有限公司 ' });
    expect(visit).toEqual({ ...base(), name: '杭州西湖食品 有限公司', bankIds: [] });
  });

  it('takes every code and its Chinese label, storing the code', () => {
    for (const method of VISIT_METHODS) {
      expect(valid({ ...base(), method }).method).toBe(method);
      expect(valid({ ...base(), method: ` ${VISIT_METHOD_LABELS[method].zh} ` }).method).toBe(method);
    }
    for (const outcome of VISIT_OUTCOMES) {
      expect(valid({ ...base(), outcome }).outcome).toBe(outcome);
      expect(valid({ ...base(), outcome: VISIT_OUTCOME_LABELS[outcome].zh }).outcome).toBe(outcome);
    }
    expect(valid({ ...base(), method: '电话走访', outcome: '未能联系' })).toMatchObject({ method: 'phone', outcome: 'unreachable' });
  });

  it('refuses other methods and outcomes (an English label is no code) with their own messages', () => {
    const errors = errorsOf({ ...base(), method: 'On-site visit', outcome: 'maybe' });
    expect(errors.map((e) => [e.pointer, e.code])).toEqual([
      ['/method', 'visit.method'],
      ['/outcome', 'visit.outcome'],
    ]);
    expect(errors[0]!.message.zh).toContain('实地走访');
    expect(errors[0]!.message.en).toContain('on_site');
  });

  it('keeps the optional amount, note and banks (banks deduplicated)', () => {
    const visit = valid({ ...base(), estimatedAmountYuan: 500_000, note: '  扩大产能\r\n需要流动资金 ', bankIds: ['huimin-bank', 'huimin-bank', 'icbc-hz'] });
    expect(visit).toMatchObject({ estimatedAmountYuan: 500_000, note: '扩大产能\n需要流动资金', bankIds: ['huimin-bank', 'icbc-hz'] });
  });

  it('gives one error per field, in Chinese and English, the form’s codes for the form’s fields', () => {
    const errors = errorsOf({
      creditCode: '9133010652601815X9',
      name: '',
      visitedOn: '2026-02-30',
      method: 'on_site',
      outcome: 'no_need',
      estimatedAmountYuan: 999.5,
      note: 'x'.repeat(VISIT_LIMITS.noteLength + 1),
      bankIds: ['Not A Bank'],
      officer: 'someone-else',
    });
    expect(errors.map((e) => [e.pointer, e.code]).sort()).toEqual(
      [
        ['/creditCode', 'credit_code.check'],
        ['/name', 'enterprise.name'],
        ['/visitedOn', 'visit.date'],
        ['/estimatedAmountYuan', 'amount.range'],
        ['/note', 'visit.note'],
        ['/bankIds/0', 'visit.bank_ids'],
        ['/officer', 'unknown_field'],
      ].sort(),
    );
    for (const error of errors) {
      expect(error.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(error.message.en).toMatch(/[A-Za-z]/);
    }
  });

  it('refuses what a person cannot have meant in the note, as in a need’s description', () => {
    expect(errorsOf({ ...base(), note: 'abc\u202Edef' })).toMatchObject([{ pointer: '/note', code: 'text.bidi' }]);
    expect(errorsOf({ ...base(), note: '\uFFFD' })).toMatchObject([{ pointer: '/note', code: 'text.replacement_character' }]);
  });

  it('asks for the required fields', () => {
    expect(errorsOf({}).map((e) => [e.pointer, e.code])).toEqual([
      ['/creditCode', 'required'],
      ['/name', 'required'],
      ['/visitedOn', 'required'],
      ['/method', 'required'],
      ['/outcome', 'required'],
    ]);
  });
});

describe('visit days', () => {
  it('takes today and the days back to the limit, not tomorrow (China time) nor before the limit', () => {
    expect(visitDayProblem('2026-12-01', TODAY)).toBeUndefined();
    expect(visitDayProblem('2025-11-30', TODAY)).toBeUndefined(); // 366 days before
    expect(visitDayProblem('2025-11-29', TODAY)).toBe('visit.date_too_old');
    expect(visitDayProblem('2026-12-02', TODAY)).toBe('visit.date_future');
    expect(visitDayProblem('2028-02-29', '2028-03-01')).toBeUndefined();
  });

  it('refuses what is no calendar day', () => {
    for (const day of ['2026-02-29', '2026-13-01', '2026-11-31', '2026-1-05', '20261130', '2026-11-30T00:00:00Z', '']) {
      expect(`${day}: ${String(visitDayProblem(day, TODAY))}`).toBe(`${day}: visit.date`);
    }
    expect(errorsOf({ ...base(), visitedOn: '2026-12-02' })).toMatchObject([{ pointer: '/visitedOn', code: 'visit.date_future', message: { zh: expect.stringContaining('北京时间') } }]);
    expect(errorsOf({ ...base(), visitedOn: 20261130 })).toMatchObject([{ pointer: '/visitedOn', code: 'visit.date' }]);
  });

  it('checks months for the list', () => {
    expect(isVisitMonth('2026-11')).toBe(true);
    for (const month of ['2026-13', '2026-1', '2026-11-01', '']) expect(isVisitMonth(month)).toBe(false);
  });
});

describe('natural key and counters', () => {
  const visit = (over: Partial<ValidVisit> & { countyCode?: string } = {}) => {
    const { countyCode = '330106', ...rest } = over;
    return createVisit({ ...valid(base()), ...rest }, { visitId: 'V1', countyCode, officer: 'officer-1', now: new Date('2026-12-01T02:00:00Z') });
  };

  it('is county, credit code and day: the method, outcome or note do not make another visit', () => {
    expect(visitNaturalKey(visit())).toBe(visitNaturalKey(visit({ method: 'phone', outcome: 'no_need', note: 'again' })));
    expect(visitNaturalKey(visit())).not.toBe(visitNaturalKey(visit({ visitedOn: '2026-11-29' })));
    expect(visitNaturalKey(visit())).not.toBe(visitNaturalKey(visit({ creditCode: freshCreditCode() })));
    expect(visitNaturalKey(visit())).not.toBe(visitNaturalKey(visit({ countyCode: '330108' })));
  });

  it('keeps the officer and the recording instant beside the visit', () => {
    expect(visit()).toMatchObject({ visitId: 'V1', countyCode: '330106', officer: 'officer-1', recordedAt: '2026-12-01T02:00:00.000Z', creditCode: '9133010652601815X8' });
  });

  it('counts a visit, and a visited entity only for the first of the month', () => {
    expect(visitCounters(true)).toEqual({ visits: 1, visitedEntities: 1 });
    expect(visitCounters(false)).toEqual({ visits: 1 });
  });

  it('names the banks that do not serve the county', () => {
    expect(visitBankErrors(['a-bank', 'b-bank'], ['a-bank'])).toMatchObject([{ pointer: '/bankIds', code: 'visit.bank_not_serving', message: { zh: expect.stringContaining('b-bank'), en: expect.stringContaining('b-bank') } }]);
    expect(visitBankErrors([], [])).toEqual([]);
  });
});

describe('recompute of the visit counters from raw records', () => {
  it('counts a visit per visit item and a visited entity per month marker, on the visit day', () => {
    const items = [
      { pk: 'VISITS#330106#2026-11', sk: 'VISIT#2026-11-10#A', itemType: 'visit', countyCode: '330106', visitedOn: '2026-11-10', countedEntity: true },
      { pk: 'VISITS#330106#2026-11', sk: 'VISITED#A', itemType: 'visited-entity', countyCode: '330106', visitedOn: '2026-11-10' },
      { pk: 'VISITS#330106#2026-11', sk: 'VISIT#2026-11-20#A', itemType: 'visit', countyCode: '330106', visitedOn: '2026-11-20', countedEntity: false },
      { pk: 'VISITS#330106#2026-11', sk: 'VISIT#2026-11-20#B', itemType: 'visit', countyCode: '330106', visitedOn: '2026-11-20', countedEntity: true },
      { pk: 'VISITS#330106#2026-11', sk: 'VISITED#B', itemType: 'visited-entity', countyCode: '330106', visitedOn: '2026-11-20' },
    ];
    const split = splitItems(items);
    expect([split.visits.length, split.visitedEntities.length, split.needs.length]).toEqual([3, 2, 0]);
    const rows = recomputeCounters(split);
    expect(rows.map((row) => ({ ...row, counters: { ...row.counters } }))).toEqual([
      { day: '2026-11-10', countyCode: '330106', counters: { visitedEntities: 1, visits: 1 } },
      { day: '2026-11-20', countyCode: '330106', counters: { visitedEntities: 1, visits: 2 } },
    ]);
    // What the live writes ADD (visitCounters, per the marker written or not) agrees.
    const live = [
      { day: '2026-11-10', countyCode: '330106', counters: visitCounters(true) },
      { day: '2026-11-20', countyCode: '330106', counters: visitCounters(false) },
      { day: '2026-11-20', countyCode: '330106', counters: visitCounters(true) },
    ];
    expect(diffCounters(live, rows)).toEqual([]);
  });
});
