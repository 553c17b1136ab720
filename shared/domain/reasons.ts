// The reasons a need is not recommended (screening, the negative list) and a bank declines, with
// their bilingual texts: data without zod, so the pages and the SMS templates can show them.
import type { LocalizedText } from './problem';

// ---------------------------------------------------------------------------------------------
// Negative list

export const NEGATIVE_LIST_REASONS = {
  dishonest_judgment_debtor: { zh: '失信被执行人', en: 'Dishonest judgment debtor' },
  serious_violation: { zh: '严重违法失信名单', en: 'Serious violation and dishonesty list' },
  abnormal_operation: { zh: '经营异常名录', en: 'Abnormal operation list' },
  malicious_debt_evasion: { zh: '恶意逃废债', en: 'Malicious debt evasion' },
  illegal_fundraising: { zh: '非法集资', en: 'Illegal fund-raising' },
  eliminated_industry: { zh: '淘汰类或限制类产业', en: 'Eliminated or restricted industry' },
  other: { zh: '其他', en: 'Other' },
} as const satisfies Record<string, LocalizedText>;

export type NegativeListReasonCode = keyof typeof NEGATIVE_LIST_REASONS;
export const NEGATIVE_LIST_REASON_CODES = Object.keys(NEGATIVE_LIST_REASONS) as [
  NegativeListReasonCode,
  ...NegativeListReasonCode[],
];

// ---------------------------------------------------------------------------------------------
// Screening

export const SCREENING_CRITERIA = [
  'eligible_entity',
  'continuing_operation',
  'fixed_premises',
  'genuine_need',
  'credit_standing',
  'lawful_purpose',
  'negative_list',
] as const;
export type ScreeningCriterion = (typeof SCREENING_CRITERIA)[number];

export const SCREENING_REASONS = {
  size_not_eligible: {
    criterion: 'eligible_entity',
    message: {
      zh: '企业规模为中型或大型，不属于小微企业、个体工商户、农民专业合作社或家庭农场',
      en: 'A medium or large enterprise: not a small or micro enterprise, individual business, farmers’ cooperative or family farm',
    },
  },
  operating_years_below_minimum: {
    criterion: 'continuing_operation',
    message: { zh: '经营年限不足', en: 'Not enough years in operation' },
  },
  no_revenue_while_operating: {
    criterion: 'continuing_operation',
    message: {
      zh: '经营一年以上但年营业收入为零，与持续经营不符',
      en: 'No annual revenue after a year or more in business, which contradicts continuing operation',
    },
  },
  no_fixed_premises: {
    criterion: 'fixed_premises',
    message: { zh: '无固定经营场所', en: 'No fixed business premises' },
  },
  amount_exceeds_revenue_ratio: {
    criterion: 'genuine_need',
    message: {
      zh: '融资金额超过年营业收入的合理倍数',
      en: 'The amount exceeds the reasonable multiple of annual revenue',
    },
  },
  renewal_without_existing_loan: {
    criterion: 'genuine_need',
    message: {
      zh: '申请续贷但声明为首贷户，没有可续的贷款',
      en: 'A renewal was requested by a first-time borrower: there is no loan to renew',
    },
  },
  purpose_unknown: {
    criterion: 'lawful_purpose',
    message: { zh: '贷款用途不在允许的范围内', en: 'The loan purpose is not one of the allowed purposes' },
  },
  purpose_other_undescribed: {
    criterion: 'lawful_purpose',
    message: { zh: '用途为“其他”时须说明具体用途', en: 'A purpose of “other” needs a description' },
  },
} as const satisfies Record<string, { criterion: ScreeningCriterion; message: LocalizedText }>;

export type ScreeningReasonCode = keyof typeof SCREENING_REASONS | `negative_list.${NegativeListReasonCode}`;

// ---------------------------------------------------------------------------------------------
// Decline reasons

export interface DeclineReason {
  code: string;
  zh: string;
  en: string;
  /** The county task force can help the enterprise fix it; the need then gets a second look. */
  repairable: boolean;
}

export const DECLINE_REASONS = [
  // Repairable.
  { code: 'tax_arrears', zh: '存在欠缴税款', en: 'Tax arrears (late tax payment)', repairable: true },
  { code: 'social_insurance_arrears', zh: '存在欠缴社会保险费', en: 'Social insurance contributions in arrears', repairable: true },
  { code: 'incomplete_documents', zh: '申请材料不全', en: 'Incomplete application documents', repairable: true },
  { code: 'insufficient_cash_flow_evidence', zh: '经营流水不足', en: 'Insufficient evidence of cash flow (bank statements)', repairable: true },
  { code: 'irregular_financial_statements', zh: '财务报表不规范', en: 'Irregular or missing financial statements', repairable: true },
  { code: 'collateral_insufficient', zh: '抵押物不足', en: 'Insufficient collateral', repairable: true },
  { code: 'guarantor_needed', zh: '需要提供担保人', en: 'A guarantor is needed', repairable: true },
  { code: 'short_operating_history', zh: '经营时间较短', en: 'Short operating history', repairable: true },
  { code: 'credit_report_query_excess', zh: '征信查询次数过多', en: 'Too many recent credit-report enquiries', repairable: true },
  { code: 'overdue_record_cleared', zh: '有已结清的逾期记录', en: 'Past overdue record (since cleared)', repairable: true },
  { code: 'amount_above_repayment_capacity', zh: '申请金额超出还款能力', en: 'Amount above repayment capacity', repairable: true },
  { code: 'enterprise_unreachable', zh: '无法联系到企业', en: 'The enterprise could not be reached', repairable: true },
  // Not repairable.
  { code: 'dishonest_judgment_debtor', zh: '失信被执行人', en: 'Dishonest judgment debtor', repairable: false },
  { code: 'illegal_activity', zh: '涉嫌违法违规经营', en: 'Suspected illegal business activity', repairable: false },
  { code: 'fraud_suspected', zh: '涉嫌欺诈', en: 'Suspected fraud', repairable: false },
  { code: 'industry_restricted', zh: '所属行业受限', en: 'Restricted industry', repairable: false },
  { code: 'over_indebted', zh: '负债过高', en: 'Over-indebted', repairable: false },
  { code: 'outside_service_area', zh: '超出服务区域', en: 'Outside the bank’s service area', repairable: false },
  { code: 'product_mismatch', zh: '无匹配的信贷产品', en: 'No matching loan product', repairable: false },
  { code: 'duplicate_need', zh: '重复需求（已在本行办理）', en: 'Duplicate need (already handled by this bank)', repairable: false },
  { code: 'other', zh: '其他原因（见说明）', en: 'Other (see the note)', repairable: false },
] as const satisfies readonly DeclineReason[];

export type DeclineReasonCode = (typeof DECLINE_REASONS)[number]['code'];
export const DECLINE_REASON_CODES = DECLINE_REASONS.map((r) => r.code) as [DeclineReasonCode, ...DeclineReasonCode[]];

const DECLINE_BY_CODE: ReadonlyMap<string, DeclineReason> = new Map(DECLINE_REASONS.map((r) => [r.code, r]));

/** The published decline reason for a code, or undefined for an unknown code. */
export function declineReason(code: string): DeclineReason | undefined {
  return DECLINE_BY_CODE.get(code);
}

/**
 * What would put each repairable decline right: the hint the county task force's escalation inbox
 * shows beside the bank's reason code (shared/domain/escalation.ts). Every repairable reason has one.
 */
export const DECLINE_REPAIRS = {
  tax_arrears: { zh: '补缴欠税并取得完税证明后重新推送', en: 'Pay the tax arrears, obtain the tax clearance certificate, then route again' },
  social_insurance_arrears: { zh: '补缴社会保险费并取得缴费证明', en: 'Pay the social insurance arrears and obtain proof of payment' },
  incomplete_documents: { zh: '按银行清单补齐申请材料', en: 'Complete the application documents on the bank’s list' },
  insufficient_cash_flow_evidence: { zh: '提供近 6–12 个月的银行流水或纳税记录', en: 'Provide 6–12 months of bank statements or tax records' },
  irregular_financial_statements: { zh: '整理规范的财务报表（可请代账机构协助）', en: 'Prepare regular financial statements (a bookkeeping firm can help)' },
  collateral_insufficient: { zh: '降低金额、追加抵押物，或改为担保方式（如政府性融资担保）', en: 'Lower the amount, add collateral, or use a guarantee (e.g. a government financing guarantee)' },
  guarantor_needed: { zh: '落实担保人或引入政府性融资担保机构', en: 'Find a guarantor or bring in a government financing guarantee institution' },
  short_operating_history: { zh: '降低金额或缩短期限，或改推更适合初创企业的产品', en: 'Lower the amount or shorten the term, or route to a product for young businesses' },
  credit_report_query_excess: { zh: '暂停新的贷款申请，待征信查询记录减少后重新推送', en: 'Pause new loan applications and route again once fewer enquiries show on the credit report' },
  overdue_record_cleared: { zh: '提供逾期已结清的证明及情况说明', en: 'Provide proof that the overdue debt is cleared and an explanation' },
  amount_above_repayment_capacity: { zh: '与企业商定降低金额或延长期限', en: 'Agree a lower amount or a longer term with the enterprise' },
  enterprise_unreachable: { zh: '核实并更新企业联系人后转交银行', en: 'Confirm the enterprise’s contact person, then hand the need to the bank again' },
} as const satisfies Record<Extract<(typeof DECLINE_REASONS)[number], { repairable: true }>['code'], LocalizedText>;

/** What would repair a repairable decline reason, or undefined for a reason that is not repairable (or unknown). */
export function declineRepair(code: string): LocalizedText | undefined {
  return Object.hasOwn(DECLINE_REPAIRS, code) ? DECLINE_REPAIRS[code as keyof typeof DECLINE_REPAIRS] : undefined;
}
