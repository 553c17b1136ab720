/**
 * Bilingual labels (Chinese first, English second) of everything a regulator report shows: division
 * levels, editions, the measures of {@link Totals} and {@link BankFigures}, and the reason codes of
 * `notRecommended.byReason` and `declined.byReason`.
 *
 * Reason labels are taken from where the reasons are defined: {@link DECLINE_REASONS}
 * (bank-events.ts), {@link NEGATIVE_LIST_REASONS} and {@link SCREENING_REASONS} (screening.ts). The
 * screening messages are sentences written for the enterprise; a report column needs a short
 * heading, so {@link SCREENING_REASON_SHORT} holds one per screening reason (typed over the keys of
 * SCREENING_REASONS, so a new reason does not compile without one). Unknown codes (the roll-up shows
 * unknown counter suffixes as they are) are labelled with the code itself.
 *
 * Pure module: no I/O, no environment, no clock.
 */
import { DECLINE_REASON_CODES, declineReason } from './bank-events';
import type { DivisionLevel } from './divisions';
import type { LocalizedText } from './problem';
import { NEGATIVE_LIST_REASONS, NEGATIVE_LIST_REASON_CODES, SCREENING_REASONS } from './screening';

export type { LocalizedText };

/** `中文 English`, the form of every bilingual heading in the files. */
export function bilingual(text: LocalizedText): string {
  return `${text.zh} ${text.en}`;
}

export const LEVEL_LABELS: Readonly<Record<DivisionLevel, LocalizedText>> = Object.freeze({
  national: { zh: '全国', en: 'National' },
  province: { zh: '省级', en: 'Province' },
  prefecture: { zh: '地市级', en: 'Prefecture' },
  county: { zh: '县级', en: 'County' },
});

/** The children of a division, by their level (plural, for sheet names and headings). */
export const CHILD_LEVEL_LABELS: Readonly<Record<DivisionLevel, LocalizedText>> = Object.freeze({
  national: { zh: '全国', en: 'National' },
  province: { zh: '省级', en: 'Provinces' },
  prefecture: { zh: '地市级', en: 'Prefectures' },
  county: { zh: '县级', en: 'Counties' },
});

/** Children of mixed levels (a province with prefectures and province-administered counties). */
export const CHILDREN_LABEL: LocalizedText = { zh: '下级', en: 'Children' };

export const EDITION_LABELS: Readonly<Record<'full' | 'public', LocalizedText>> = Object.freeze({
  full: { zh: '完整版（监管）', en: 'Full edition (regulators)' },
  public: { zh: '公开版', en: 'Public edition' },
});

/** Descriptive fields of a report row. */
export const FIELD_LABELS = Object.freeze({
  period: { zh: '报告期', en: 'Period' },
  divisionCode: { zh: '行政区划代码', en: 'Division code' },
  divisionName: { zh: '名称', en: 'Name' },
  divisionNameEn: { zh: '英文名称', en: 'English name' },
  level: { zh: '级别', en: 'Level' },
  row: { zh: '行', en: 'Row' },
  generatedAt: { zh: '生成时间（北京时间）', en: 'Generated (China time)' },
  edition: { zh: '版本', en: 'Edition' },
  threshold: { zh: '抑制阈值', en: 'Suppression threshold' },
  measure: { zh: '指标', en: 'Measure' },
  value: { zh: '数值', en: 'Value' },
  field: { zh: '字段', en: 'Field (JSON Pointer)' },
  bankId: { zh: '银行编号', en: 'Bank ID' },
  bankName: { zh: '银行名称', en: 'Bank name' },
  bankNameEn: { zh: '银行英文名称', en: 'Bank name (English)' },
  divisionTotal: { zh: '本级合计', en: 'Division total' },
  child: { zh: '下级', en: 'Child' },
  note: { zh: '说明', en: 'Note' },
} satisfies Record<string, LocalizedText>);

/**
 * The measures of {@link Totals}, keyed by their JSON Pointer below `totals` (by-reason breakdowns
 * excepted: see {@link reasonLabel}).
 */
export const TOTALS_LABELS = Object.freeze({
  '/declared': { zh: '申报需求数', en: 'Needs declared' },
  '/recommended': { zh: '推荐数', en: 'Needs recommended' },
  '/notRecommended/total': { zh: '未推荐数', en: 'Needs not recommended' },
  '/offered': { zh: '推送银行数', en: 'Referrals offered to banks' },
  '/accepted': { zh: '银行受理数', en: 'Referrals accepted' },
  '/declined/total': { zh: '银行拒绝数', en: 'Referrals declined' },
  '/deadlinesMissed': { zh: '超时未答复数', en: 'Bank deadlines missed' },
  '/lateAnswers': { zh: '逾期答复数', en: 'Late bank answers' },
  '/unmatched': { zh: '未匹配银行数（转县级专班）', en: 'Unmatched needs (to the county task force)' },
  '/granted/count': { zh: '授信笔数', en: 'Credit granted (count)' },
  '/granted/amountYuan': { zh: '授信金额（元）', en: 'Credit granted (yuan)' },
  '/creditLoans/count': { zh: '信用贷款笔数', en: 'Credit loans (count)' },
  '/creditLoans/amountYuan': { zh: '信用贷款金额（元）', en: 'Credit loans (yuan)' },
  '/creditLoanShare': { zh: '信用贷款占比（按金额）', en: 'Credit loan share (by amount)' },
  '/weightedAnnualRateBp': { zh: '加权平均年利率（基点）', en: 'Weighted annual rate (bp)' },
  '/firstLoans': { zh: '首贷户笔数', en: 'First-time borrowers' },
  '/mediumLongTermLoans': { zh: '中长期贷款笔数', en: 'Medium- and long-term loans' },
  '/disbursed/count': { zh: '放款笔数', en: 'Loans disbursed (count)' },
  '/disbursed/amountYuan': { zh: '放款金额（元）', en: 'Loans disbursed (yuan)' },
  '/decisionsTimed': { zh: '计时决定数', en: 'Timed decisions' },
  '/medianDaysToDecision': { zh: '决定用时中位数（天）', en: 'Median days to decision' },
  '/coverage/countiesWithActivity': { zh: '有业务的县级单位数', en: 'Counties with activity' },
  '/coverage/countiesInDivision': { zh: '县级单位总数', en: 'Counties in division' },
  '/visits/visited': { zh: '走访主体数（县内当月去重）', en: 'Entities visited (distinct per county and month)' },
  '/visits/visits': { zh: '走访次数', en: 'Visits' },
  '/visits/planned': { zh: '计划走访主体数', en: 'Entities planned for visits' },
  '/visits/coverage': { zh: '走访覆盖率（走访/计划）', en: 'Visit coverage (visited / planned)' },
  '/reviews/made': { zh: '审核决定数', en: 'Review decisions' },
  '/reviews/madeBy/recommend': { zh: '审核：推荐', en: 'Reviews: recommended' },
  '/reviews/madeBy/return': { zh: '审核：退回补充', en: 'Reviews: returned for more information' },
  '/reviews/madeBy/not_recommended': { zh: '审核：不予推荐', en: 'Reviews: not recommended' },
  '/reviews/timed': { zh: '计时审核数', en: 'Timed reviews' },
  '/reviews/medianWorkingDays': { zh: '审核用时中位数（工作日）', en: 'Median working days to review' },
  '/reviews/overdue': { zh: '审核超期数', en: 'Reviews overdue' },
  '/escalations/opened': { zh: '转办事项数', en: 'Escalations opened' },
  '/escalations/openedBy/unmatched': { zh: '转办：未匹配银行', en: 'Escalations: unmatched' },
  '/escalations/openedBy/declined_repairable': { zh: '转办：可补正的拒绝', en: 'Escalations: repairable declines' },
  '/escalations/openedBy/review_overdue': { zh: '转办：审核超期', en: 'Escalations: reviews overdue' },
  '/escalations/openedBy/late_answer': { zh: '转办：银行逾期答复', en: 'Escalations: late bank answers' },
  '/escalations/resolved': { zh: '转办办结数', en: 'Escalations resolved' },
  '/escalations/resolvedBy/amended': { zh: '办结：修改后重新推送', en: 'Resolved: amended and routed again' },
  '/escalations/resolvedBy/handed_to_bank': { zh: '办结：转交指定银行', en: 'Resolved: handed to a bank' },
  '/escalations/resolvedBy/resolved_offline': { zh: '办结：线下解决', en: 'Resolved offline' },
  '/escalations/resolvedBy/closed': { zh: '办结：关闭', en: 'Resolved: closed' },
  '/funnel/reached': { zh: '漏斗：触达（走访主体＋未对应走访的申报需求）', en: 'Funnel: reached (entities visited + needs declared without a matched visit)' },
  '/funnel/declared': { zh: '漏斗：申报需求', en: 'Funnel: needs declared' },
  '/funnel/recommended': { zh: '漏斗：其中已推荐', en: 'Funnel: of which recommended' },
  '/funnel/offered': { zh: '漏斗：其中已推送银行', en: 'Funnel: of which offered to a bank' },
  '/funnel/accepted': { zh: '漏斗：其中银行已受理', en: 'Funnel: of which accepted' },
  '/funnel/granted': { zh: '漏斗：其中已授信', en: 'Funnel: of which granted' },
  '/funnel/disbursed': { zh: '漏斗：其中已放款', en: 'Funnel: of which disbursed' },
} satisfies Record<string, LocalizedText>);

export type TotalsMeasure = keyof typeof TOTALS_LABELS;

/** The figures of {@link BankFigures}, keyed by their JSON Pointer below the bank. */
export const BANK_LABELS = Object.freeze({
  '/offers': { zh: '推送数', en: 'Offers' },
  '/accepted': { zh: '受理数', en: 'Accepted' },
  '/acceptanceRate': { zh: '受理率', en: 'Acceptance rate' },
  '/declined': { zh: '拒绝数', en: 'Declined' },
  '/deadlinesMissed': { zh: '超时未答复数', en: 'Deadlines missed' },
  '/lateAnswers': { zh: '逾期答复数', en: 'Late answers' },
  '/granted/count': { zh: '授信笔数', en: 'Credit granted (count)' },
  '/granted/amountYuan': { zh: '授信金额（元）', en: 'Credit granted (yuan)' },
  '/answersTimed': { zh: '计时答复数', en: 'Timed answers' },
  '/medianDaysToAnswer': { zh: '答复用时中位数（天）', en: 'Median days to answer' },
} satisfies Record<string, LocalizedText>);

export type BankMeasure = keyof typeof BANK_LABELS;

/** The funnel stages, in order, as pointers below `totals`. */
export const FUNNEL_STAGES = Object.freeze([
  { pointer: '/declared', label: { zh: '申报', en: 'Declared' } },
  { pointer: '/recommended', label: { zh: '推荐', en: 'Recommended' } },
  { pointer: '/offered', label: { zh: '推送银行', en: 'Offered' } },
  { pointer: '/accepted', label: { zh: '受理', en: 'Accepted' } },
  { pointer: '/granted/count', label: { zh: '授信', en: 'Granted' } },
  { pointer: '/disbursed/count', label: { zh: '放款', en: 'Disbursed' } },
] as const satisfies readonly { pointer: TotalsMeasure; label: LocalizedText }[]);

/**
 * The monotonic funnel (funnel.ts) as pointers below `totals`: the first step counts entities
 * (plus needs no visit accounts for), the others the needs declared in the period.
 */
export const COHORT_FUNNEL_STAGES = Object.freeze([
  { pointer: '/funnel/reached', label: { zh: '触达', en: 'Reached' }, unit: { zh: '主体', en: 'entities' } },
  { pointer: '/funnel/declared', label: { zh: '申报', en: 'Declared' }, unit: { zh: '需求', en: 'needs' } },
  { pointer: '/funnel/recommended', label: { zh: '推荐', en: 'Recommended' }, unit: { zh: '需求', en: 'needs' } },
  { pointer: '/funnel/offered', label: { zh: '推送银行', en: 'Offered' }, unit: { zh: '需求', en: 'needs' } },
  { pointer: '/funnel/accepted', label: { zh: '受理', en: 'Accepted' }, unit: { zh: '需求', en: 'needs' } },
  { pointer: '/funnel/granted', label: { zh: '授信', en: 'Granted' }, unit: { zh: '需求', en: 'needs' } },
  { pointer: '/funnel/disbursed', label: { zh: '放款', en: 'Disbursed' }, unit: { zh: '需求', en: 'needs' } },
] as const satisfies readonly { pointer: TotalsMeasure; label: LocalizedText; unit: LocalizedText }[]);

/** Short headings of the screening reasons (the full messages are in SCREENING_REASONS). */
export const SCREENING_REASON_SHORT: Readonly<Record<keyof typeof SCREENING_REASONS, LocalizedText>> = Object.freeze({
  size_not_eligible: { zh: '非小微企业', en: 'Not a small or micro enterprise' },
  operating_years_below_minimum: { zh: '经营年限不足', en: 'Not enough years in operation' },
  no_revenue_while_operating: { zh: '持续经营但营业收入为零', en: 'No revenue while operating' },
  no_fixed_premises: { zh: '无固定经营场所', en: 'No fixed business premises' },
  amount_exceeds_revenue_ratio: { zh: '融资金额超过营业收入合理倍数', en: 'Amount above the revenue ratio' },
  renewal_without_existing_loan: { zh: '首贷户申请续贷', en: 'Renewal without an existing loan' },
  purpose_unknown: { zh: '贷款用途不在允许范围内', en: 'Loan purpose not allowed' },
  purpose_other_undescribed: { zh: '“其他”用途未说明', en: 'Purpose “other” not described' },
});

export type ReasonKind = 'notRecommended' | 'declined';

export const REASON_KIND_LABELS: Readonly<Record<ReasonKind, LocalizedText>> = Object.freeze({
  notRecommended: { zh: '未推荐原因', en: 'Not recommended' },
  declined: { zh: '拒绝原因', en: 'Declined' },
});

/** The known reason codes of each breakdown, in the order the files list them. */
export const REASON_CODES: Readonly<Record<ReasonKind, readonly string[]>> = Object.freeze({
  notRecommended: Object.freeze([
    ...Object.keys(SCREENING_REASONS),
    ...NEGATIVE_LIST_REASON_CODES.map((code) => `negative_list.${code}`),
  ]),
  declined: Object.freeze([...DECLINE_REASON_CODES]),
});

/** The label of a reason code (without the breakdown's name); the code itself when unknown. */
export function reasonLabel(kind: ReasonKind, code: string): LocalizedText {
  if (kind === 'declined') {
    const reason = declineReason(code);
    return reason ? { zh: reason.zh, en: reason.en } : { zh: code, en: code };
  }
  if (Object.hasOwn(SCREENING_REASON_SHORT, code)) return SCREENING_REASON_SHORT[code as keyof typeof SCREENING_REASONS];
  if (code.startsWith('negative_list.')) {
    const listCode = code.slice('negative_list.'.length);
    if (Object.hasOwn(NEGATIVE_LIST_REASONS, listCode)) {
      const label = NEGATIVE_LIST_REASONS[listCode as keyof typeof NEGATIVE_LIST_REASONS];
      return { zh: `负面清单：${label.zh}`, en: `Negative list: ${label.en}` };
    }
  }
  return { zh: code, en: code };
}

/** The heading of a reason column: `未推荐原因：经营年限不足 Not recommended: Not enough years in operation`. */
export function reasonColumnLabel(kind: ReasonKind, code: string): LocalizedText {
  const kindLabel = REASON_KIND_LABELS[kind];
  const label = reasonLabel(kind, code);
  return { zh: `${kindLabel.zh}：${label.zh}`, en: `${kindLabel.en}: ${label.en}` };
}
