import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { needSubmissionSchema } from '../../shared/domain/need';
import { createNeedRecord } from '../../shared/domain/need-record';
import {
  DECLINE_REASONS,
  DECLINE_REASON_CODES,
  bankEventSchema,
  declineReason,
  parseBankEvent,
  referralOffered,
  referralOfferedSchema,
} from '../../shared/domain/bank-events';
import { validSubmission } from '../support/needs';

const NOW = new Date('2026-11-30T08:30:00.000Z');
const DEADLINE = new Date('2026-12-03T16:00:00.000Z');
const record = createNeedRecord({
  input: needSubmissionSchema.parse(validSubmission()),
  needId: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5',
  now: NOW,
  trackingTokenHash: 'hash',
});

const offer = () => referralOffered({ referralId: '01JDZ9A0000000000000000000', deadline: DEADLINE, now: NOW, need: record });

const NEED_KEYS = [
  'industryCode',
  'industrySection',
  'sizeClass',
  'countyCode',
  'entityType',
  'yearsInOperation',
  'amountYuan',
  'termMonths',
  'purpose',
  'guarantee',
  'firstLoan',
];

describe('referral.offered', () => {
  it('carries the referral id, the deadline, how to answer and what a bank needs to judge interest', () => {
    expect(offer()).toEqual({
      type: 'referral.offered',
      timestamp: '2026-11-30T08:30:00.000Z',
      data: {
        referralId: '01JDZ9A0000000000000000000',
        deadline: '2026-12-03T16:00:00.000Z',
        respondBy: 'referral.accepted or referral.declined',
        need: {
          industryCode: 'C14',
          industrySection: 'C',
          sizeClass: 'small',
          countyCode: '330106',
          entityType: 'enterprise',
          yearsInOperation: 5,
          amountYuan: 500_000,
          termMonths: 12,
          purpose: 'working_capital',
          guarantee: 'credit',
          firstLoan: true,
        },
      },
    });
    expect(Object.keys(offer().data.need).sort()).toEqual([...NEED_KEYS].sort());
  });

  it('contains no personal data: no name, credit code, contact or description', () => {
    const json = JSON.stringify(offer());
    for (const secret of [
      record.enterprise.name,
      record.enterprise.creditCode,
      record.contact.name,
      record.contact.mobile,
      record.need.description ?? '采购原料',
      record.needId,
      record.trackingTokenHash,
    ]) {
      expect(json).not.toContain(secret);
    }
  });

  it.each([
    ['data.need', 'name'],
    ['data.need', 'creditCode'],
    ['data.need', 'contact'],
    ['data.need', 'mobile'],
    ['data.need', 'description'],
    ['data', 'name'],
    ['data', 'creditCode'],
    ['data', 'contact'],
    ['', 'enterprise'],
    ['', 'contact'],
  ])('rejects an extra key at %s: %s', (where, key) => {
    const payload = structuredClone(offer()) as Record<string, any>;
    const target = where === '' ? payload : where === 'data' ? payload.data : payload.data.need;
    target[key] = key === 'contact' ? { name: '王丽', mobile: '13800138000' } : '杭州西湖食品有限公司';
    const result = referralOfferedSchema.safeParse(payload);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: [key] });
  });

  it('property: no key outside the listed ones passes, at any level', () => {
    const allowed = new Set([...NEED_KEYS, 'type', 'timestamp', 'data', 'referralId', 'deadline', 'respondBy', 'need']);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !allowed.has(k) && k !== '__proto__'),
        fc.constantFrom('top', 'data', 'need'),
        fc.jsonValue(),
        (key, level, value) => {
          const payload = structuredClone(offer()) as Record<string, any>;
          const target = level === 'top' ? payload : level === 'data' ? payload.data : payload.data.need;
          target[key] = value;
          expect(referralOfferedSchema.safeParse(payload).success).toBe(false);
        },
      ),
    );
  });

  it('refuses to build an offer from a record with an invalid county', () => {
    const broken = { ...record, enterprise: { ...record.enterprise, countyCode: '330100' } };
    expect(() => referralOffered({ referralId: 'r1', deadline: DEADLINE, now: NOW, need: broken })).toThrow();
  });
});

describe('bank events', () => {
  const event = (type: string, data: Record<string, unknown>, timestamp = '2026-11-30T09:00:00Z') => ({ type, timestamp, data });
  const ok = (body: unknown) => {
    const result = parseBankEvent(body);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.event;
  };
  const errors = (body: unknown) => {
    const result = parseBankEvent(body);
    if (result.ok) throw new Error('expected the event to be rejected');
    return result.errors;
  };

  it('accepts referral.accepted', () => {
    expect(ok(event('referral.accepted', { referralId: 'r-1' }))).toEqual(event('referral.accepted', { referralId: 'r-1' }));
  });

  it('accepts referral.accepted with the branch the enterprise can turn to, and refuses a bad one field by field', () => {
    const branch = { name: ' 惠民银行西湖支行 ', phone: '+86 (571) 8700-0000', address: '杭州市西湖区文三路 1 号' };
    expect(ok(event('referral.accepted', { referralId: 'r-1', branch })).data).toEqual({ referralId: 'r-1', branch: { ...branch, name: '惠民银行西湖支行' } });
    const refused = errors(event('referral.accepted', { referralId: 'r-1', branch: { name: '惠民\u202e银行', phone: '12' } }));
    expect(refused.map((e) => e.pointer).sort()).toEqual(['/data/branch/name', '/data/branch/phone']);
    const phone = refused.find((e) => e.pointer === '/data/branch/phone')!;
    expect(phone.message.zh).toContain('联系电话');
    expect(phone.message.en).toContain('phone');
    expect(errors(event('referral.accepted', { referralId: 'r-1', branch: { name: '支行', phone: '0571-87000000', mobileOfOfficer: '138' } }))[0]?.pointer).toBe('/data/branch/mobileOfOfficer');
  });

  it('accepts referral.declined and derives `repairable` from the reason code', () => {
    expect(ok(event('referral.declined', { referralId: 'r-1', reasonCode: 'tax_arrears' })).data).toEqual({
      referralId: 'r-1',
      reasonCode: 'tax_arrears',
      repairable: true,
    });
    expect(
      ok(event('referral.declined', { referralId: 'r-1', reasonCode: 'fraud_suspected', repairable: false, note: '  见附件 ' })).data,
    ).toEqual({ referralId: 'r-1', reasonCode: 'fraud_suspected', repairable: false, note: '见附件' });
    expect(ok(event('referral.declined', { referralId: 'r-1', reasonCode: 'tax_arrears', note: '   ' })).data).not.toHaveProperty('note');
  });

  it('rejects a `repairable` that contradicts the published list, saying what is expected', () => {
    expect(errors(event('referral.declined', { referralId: 'r-1', reasonCode: 'tax_arrears', repairable: false }))).toEqual([
      expect.objectContaining({ pointer: '/data/repairable', code: 'bank_event.repairable_true' }),
    ]);
    const [error] = errors(event('referral.declined', { referralId: 'r-1', reasonCode: 'illegal_activity', repairable: true }));
    expect(error).toMatchObject({ pointer: '/data/repairable', code: 'bank_event.repairable_false' });
    expect(error?.message.en).toContain('must be false');
  });

  it('rejects unknown reason codes, long notes, and `other` without a note', () => {
    expect(errors(event('referral.declined', { referralId: 'r-1', reasonCode: 'too_risky' }))).toEqual([
      expect.objectContaining({ pointer: '/data/reasonCode', code: 'bank_event.reason_code' }),
    ]);
    expect(errors(event('referral.declined', { referralId: 'r-1', reasonCode: 'tax_arrears', note: 'x'.repeat(501) }))).toEqual([
      expect.objectContaining({ pointer: '/data/note', code: 'bank_event.note' }),
    ]);
    expect(ok(event('referral.declined', { referralId: 'r-1', reasonCode: 'tax_arrears', note: '欠'.repeat(500) })).type).toBe(
      'referral.declined',
    );
    expect(errors(event('referral.declined', { referralId: 'r-1', reasonCode: 'other' }))).toEqual([
      expect.objectContaining({ pointer: '/data/note', code: 'required' }),
    ]);
    expect(ok(event('referral.declined', { referralId: 'r-1', reasonCode: 'other', note: '内部政策' })).type).toBe('referral.declined');
  });

  const grant = { referralId: 'r-1', amountYuan: 480_000, annualRateBp: 345, termMonths: 12, loanType: 'credit', firstLoan: true };

  it('accepts referral.granted and checks its figures', () => {
    expect(ok(event('referral.granted', grant)).data).toEqual(grant);
    for (const [field, value] of [
      ['amountYuan', 0],
      ['amountYuan', 1.5],
      ['annualRateBp', 0],
      ['annualRateBp', 3601],
      ['annualRateBp', 3.45],
      ['termMonths', 0],
      ['termMonths', 361],
      ['loanType', 'mortgage'],
      ['firstLoan', 'yes'],
    ] as const) {
      expect(errors(event('referral.granted', { ...grant, [field]: value }))).toEqual([
        expect.objectContaining({ pointer: `/data/${field}` }),
      ]);
    }
    expect(ok(event('referral.granted', { ...grant, annualRateBp: 3600, termMonths: 360 })).type).toBe('referral.granted');
  });

  it('accepts referral.disbursed with a real calendar day', () => {
    const data = { referralId: 'r-1', amountYuan: 480_000, disbursedOn: '2026-12-05' };
    expect(ok(event('referral.disbursed', data)).data).toEqual(data);
    for (const disbursedOn of ['2026-02-30', '2026-12-5', '05/12/2026']) {
      expect(errors(event('referral.disbursed', { ...data, disbursedOn }))).toEqual([
        expect.objectContaining({ pointer: '/data/disbursedOn', code: 'bank_event.day' }),
      ]);
    }
  });

  it('accepts timestamps in UTC or with an offset, and rejects others', () => {
    expect(ok(event('referral.accepted', { referralId: 'r-1' }, '2026-11-30T17:00:00+08:00')).timestamp).toBe('2026-11-30T17:00:00+08:00');
    expect(ok(event('referral.accepted', { referralId: 'r-1' }, '2026-11-30T09:00:00.123456Z')).type).toBe('referral.accepted');
    for (const ts of ['2026-11-30', '2026-11-30 09:00:00', 'yesterday', '1764493200']) {
      expect(errors(event('referral.accepted', { referralId: 'r-1' }, ts))).toEqual([
        expect.objectContaining({ pointer: '/timestamp', code: 'bank_event.timestamp' }),
      ]);
    }
  });

  it('rejects unknown types, unknown keys, bad referral ids and non-objects', () => {
    expect(errors(event('referral.offered', { referralId: 'r-1' }))).toEqual([
      expect.objectContaining({ pointer: '/type', code: 'bank_event.type' }),
    ]);
    expect(errors(event('referral.declined', { referralId: 'r-1', reason_code: 'tax_arrears' }))).toEqual(
      expect.arrayContaining([expect.objectContaining({ pointer: '/data/reason_code', code: 'unknown_field' })]),
    );
    expect(errors({ ...event('referral.accepted', { referralId: 'r-1' }), extra: 1 })).toEqual([
      expect.objectContaining({ pointer: '/extra', code: 'unknown_field' }),
    ]);
    for (const referralId of ['', 'a b', 'x'.repeat(129), 'r/1']) {
      expect(errors(event('referral.accepted', { referralId }))).toEqual([
        expect.objectContaining({ pointer: '/data/referralId', code: 'bank_event.referral_id' }),
      ]);
    }
    expect(parseBankEvent('referral.accepted').ok).toBe(false);
    expect(parseBankEvent(null).ok).toBe(false);
    expect(parseBankEvent([]).ok).toBe(false);
  });

  it('every error has a message in Chinese and English', () => {
    for (const e of errors(event('referral.granted', { referralId: '', amountYuan: -1, extra: true }, 'now'))) {
      expect(e.message.zh.length).toBeGreaterThan(0);
      expect(e.message.en.length).toBeGreaterThan(0);
    }
  });

  it('property: every well-formed decline parses with the list’s repairable value', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DECLINE_REASON_CODES),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
        (reasonCode, repairable, note) => {
          const body = event('referral.declined', { referralId: 'r-1', reasonCode, note, ...(repairable === undefined ? {} : { repairable }) });
          const expected = declineReason(reasonCode)!.repairable;
          const result = bankEventSchema.safeParse(body);
          expect(result.success).toBe(repairable === undefined || repairable === expected);
          if (result.success && result.data.type === 'referral.declined') expect(result.data.data.repairable).toBe(expected);
        },
      ),
    );
  });
});

describe('DECLINE_REASONS', () => {
  it('publishes about 15+ unique codes, repairable and not, each with Chinese and English labels', () => {
    expect(DECLINE_REASONS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(DECLINE_REASON_CODES).size).toBe(DECLINE_REASONS.length);
    for (const reason of DECLINE_REASONS) {
      expect(reason.code).toMatch(/^[a-z][a-z_]*$/);
      expect(reason.zh.length).toBeGreaterThan(0);
      expect(reason.en.length).toBeGreaterThan(0);
    }
    expect(DECLINE_REASONS.some((r) => r.repairable)).toBe(true);
    expect(DECLINE_REASONS.some((r) => !r.repairable)).toBe(true);
  });

  it.each([
    ['tax_arrears', true],
    ['incomplete_documents', true],
    ['insufficient_cash_flow_evidence', true],
    ['collateral_insufficient', true],
    ['guarantor_needed', true],
    ['short_operating_history', true],
    ['credit_report_query_excess', true],
    ['overdue_record_cleared', true],
    ['dishonest_judgment_debtor', false],
    ['illegal_activity', false],
    ['industry_restricted', false],
    ['fraud_suspected', false],
    ['over_indebted', false],
    ['outside_service_area', false],
    ['duplicate_need', false],
  ])('%s repairable: %s', (code, repairable) => {
    expect(declineReason(code)).toMatchObject({ code, repairable });
  });

  it('has no entry for an unknown code', () => {
    expect(declineReason('nope')).toBeUndefined();
    expect(declineReason('toString')).toBeUndefined();
  });
});
