// The reason codes of the county task force's review (审核, shared/domain/review.ts), with their text
// in Chinese and English: why a need is not recommended, and what the enterprise is asked for when
// the review returns it. Pure and free of zod, so the status page can bundle it (timeline-text.ts).

export interface ReviewReason {
  zh: string;
  en: string;
}

/** Why the task force does not recommend a need. `other` needs a note. */
export const REVIEW_NOT_RECOMMENDED_REASONS = {
  not_genuine_need: { zh: '融资需求不真实或与经营情况不符', en: 'The need is not genuine or does not match the business' },
  not_operating: { zh: '企业未正常经营', en: 'The enterprise is not operating normally' },
  purpose_not_compliant: { zh: '资金用途不符合规定', en: 'The purpose of the funds does not comply with the rules' },
  serious_breach_of_trust: { zh: '存在严重失信记录', en: 'Serious breaches of trust are on record' },
  outside_mechanism: { zh: '不属于协调工作机制支持范围', en: 'Outside what the coordination mechanism supports' },
  duplicate: { zh: '重复申报', en: 'Declared more than once' },
  other: { zh: '其他原因（请联系县级工作专班）', en: 'Other reasons (contact the county task force)' },
} as const satisfies Record<string, ReviewReason>;

/** What the enterprise is asked to provide when the review returns its need. `other` needs a note. */
export const REVIEW_RETURN_REASONS = {
  revenue_evidence: { zh: '补充经营收入证明', en: 'Evidence of the revenue' },
  premises_evidence: { zh: '补充经营场所证明', en: 'Evidence of the premises' },
  purpose_detail: { zh: '说明资金具体用途', en: 'The details of what the funds are for' },
  amount_basis: { zh: '说明融资金额的测算依据', en: 'How the amount was worked out' },
  contact_unreachable: { zh: '核实联系方式（未能联系上）', en: 'A contact that can be reached (we could not reach you)' },
  other: { zh: '其他材料（请联系县级工作专班）', en: 'Other information (contact the county task force)' },
} as const satisfies Record<string, ReviewReason>;

export type ReviewNotRecommendedReason = keyof typeof REVIEW_NOT_RECOMMENDED_REASONS;
export type ReviewReturnReason = keyof typeof REVIEW_RETURN_REASONS;

/** A review reason code's text (a code unknown here is shown as it is). */
export function reviewReasonText(table: Readonly<Record<string, ReviewReason>>, code: string, language: 'zh' | 'en'): string {
  return Object.hasOwn(table, code) ? table[code]![language] : code;
}
