import { describe, expect, it } from 'vitest';
import { codedTimelineEntrySchema, timelineEntrySchema, type CodedTimelineEntry, type TimelineCode } from '../../shared/domain/timeline-schema';
import { timelineEntry } from '../../shared/domain/timeline';
import { legacyNoteText, timelineText } from '../../shared/domain/timeline-text';
import { DECLINE_REASONS, SCREENING_REASONS } from '../../shared/domain/reasons';

const at = '2026-11-05T06:03:00.000Z';
const bank = { zh: '测试银行', en: 'Test Bank' };
const HAN = /[\u4e00-\u9fff]/u;

/** One entry of every code, with parameters that exercise the rendering. */
const EVERY_CODE: { [C in TimelineCode]: Extract<CodedTimelineEntry, { code: C }> } = {
  submitted: timelineEntry('submitted', at, 'submitted'),
  screening: timelineEntry('screening', at, 'screening'),
  recommended: timelineEntry('recommended', at, 'recommended'),
  not_recommended: timelineEntry('not_recommended', at, 'not_recommended', { reasons: ['no_fixed_premises', 'negative_list.abnormal_operation'] }),
  offered: timelineEntry('offered', at, 'offered'),
  bank_deadline_missed: timelineEntry('bank_deadline_missed', at, 'recommended', { bank }),
  bank_unavailable: timelineEntry('bank_unavailable', at, 'recommended', { bank }),
  accepted: timelineEntry('accepted', at, 'accepted', { bank }),
  declined: timelineEntry('declined', at, 'recommended', { bank, reasonCode: 'tax_arrears', repairable: true }),
  granted: timelineEntry('granted', at, 'granted', { bank, amountYuan: 2_500_000, annualRateBp: 345, termMonths: 1 }),
  disbursed: timelineEntry('disbursed', at, 'disbursed', { bank, amountYuan: 1_234_567 }),
  unmatched: timelineEntry('unmatched', at, 'unmatched'),
  routing_failed: timelineEntry('routing_failed', at, 'offered'),
  amended: timelineEntry('amended', at, 'submitted', { fields: ['/need/amountYuan', '/enterprise/hasFixedPremises'] }),
  withdrawn: timelineEntry('withdrawn', at, 'withdrawn'),
  task_force_taken_up: timelineEntry('task_force_taken_up', at, 'unmatched'),
  task_force_amended: timelineEntry('task_force_amended', at, 'submitted', { fields: ['/need/amountYuan', '/need/guarantee'], agreement: 'in_person' }),
  task_force_handed_to_bank: timelineEntry('task_force_handed_to_bank', at, 'submitted'),
  task_force_resolved_offline: timelineEntry('task_force_resolved_offline', at, 'unmatched'),
  task_force_closed: timelineEntry('task_force_closed', at, 'unmatched', { outcome: 'financed_elsewhere' }),
  entered_from_visit: timelineEntry('entered_from_visit', at, 'submitted'),
  awaiting_consent: timelineEntry('awaiting_consent', at, 'awaiting_consent'),
  consent_confirmed: timelineEntry('consent_confirmed', at, 'submitted'),
  in_review: timelineEntry('in_review', at, 'in_review', { workingDays: 5, dueAt: at }),
  returned: timelineEntry('returned', at, 'returned', { needed: ['revenue_evidence', 'other'] }),
  review_decided: timelineEntry('review_decided', at, 'not_recommended', { decision: 'not_recommended', reasons: ['not_genuine_need'] }),
};

describe('timeline entries', () => {
  it('every code the schema knows has an entry here, and each entry is what the schema accepts', () => {
    const codes = codedTimelineEntrySchema.options.map((option) => option.shape.code.value);
    expect(Object.keys(EVERY_CODE).sort()).toEqual([...codes].sort());
    for (const entry of Object.values(EVERY_CODE)) expect(timelineEntrySchema.parse(entry)).toEqual(entry);
  });

  it('reads every code in English without a Chinese character, and in Chinese with one', () => {
    for (const entry of Object.values(EVERY_CODE)) {
      const en = timelineText(entry, 'en');
      const zh = timelineText(entry, 'zh');
      expect(en, entry.code).not.toMatch(HAN);
      expect(en, entry.code).not.toContain(' / ');
      expect(zh, entry.code).toMatch(HAN);
      expect(zh, entry.code).not.toBe(en);
    }
  });

  it('formats amounts, rates and terms and names the bank in the reader’s language', () => {
    expect(timelineText(EVERY_CODE.granted, 'en')).toBe('Test Bank granted 2,500,000 yuan at 3.45% a year for 1 month');
    expect(timelineText(EVERY_CODE.granted, 'zh')).toBe('测试银行已授信 2,500,000 元，年利率 3.45%，期限 1 个月');
    expect(timelineText(EVERY_CODE.disbursed, 'en')).toBe('Test Bank disbursed 1,234,567 yuan');
  });

  it('gives the reasons of a non-recommendation and of a decline their published texts', () => {
    expect(timelineText(EVERY_CODE.not_recommended, 'zh')).toContain(SCREENING_REASONS.no_fixed_premises.message.zh);
    expect(timelineText(EVERY_CODE.not_recommended, 'en')).toContain('On the negative list: Abnormal operation list');
    const tax = DECLINE_REASONS.find((r) => r.code === 'tax_arrears')!;
    expect(timelineText(EVERY_CODE.declined, 'zh')).toContain(tax.zh);
    expect(timelineText(EVERY_CODE.declined, 'en')).toContain(tax.en);
    expect(timelineText(EVERY_CODE.declined, 'en')).toContain('can be put right');
    expect(timelineText({ ...EVERY_CODE.declined, params: { ...EVERY_CODE.declined.params, repairable: false } }, 'en')).not.toContain('put right');
  });

  it('shows a reason code it does not know as it is, rather than nothing', () => {
    expect(timelineText(timelineEntry('not_recommended', at, 'not_recommended', { reasons: ['new_rule'] }), 'en')).toBe('Not recommended: new_rule');
  });

  it('reads a note from before codes in one language', () => {
    const legacy = { at, status: 'submitted' as const, note: '需求已提交 / Need submitted' };
    expect(timelineText(legacy, 'zh')).toBe('需求已提交');
    expect(timelineText(legacy, 'en')).toBe('Need submitted');
    expect(legacyNoteText('no separator', 'en')).toBe('no separator');
    // Only the first separator splits: an English side may contain one.
    expect(legacyNoteText('甲 / A / B', 'en')).toBe('A / B');
  });
});
