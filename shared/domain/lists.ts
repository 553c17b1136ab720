// The county task force's two lists (两张清单), defined once for `GET /v1/lists/{countyCode}` and
// `npm run lists` (scripts/lists.ts):
// - declared (申报清单): the needs that passed 初筛, the automatic five-criteria screening: every
//   screened need with its outcome (recommended or not) and reason codes, and, in counties that
//   review by hand (审核, review.ts), the needs waiting for the review (due time, overdue) or returned by it;
// - recommended (推荐清单): the needs the screening recommended, in recommended and every status after
//   it (offered, accepted, granted, disbursed, and unmatched: recommended, then no bank matched).
// Rows: what a list shows of a need. Contact details only for the county's own task force.
import type { Caller } from './authorization';
import { findIndustry } from './industry';
import { chinaDateTime, type NeedStatus } from './need-record';
import type { LocalizedText } from './problem';
import { screeningReasonText } from './timeline-text';
import { DECISION_REASONS, type ReviewDecision } from './review';
import { reviewReasonText } from './review-reasons';

export const LISTS = ['declared', 'recommended'] as const;
export type ListName = (typeof LISTS)[number];

export const LIST_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

export const RECOMMENDED_STATUSES: readonly NeedStatus[] = ['recommended', 'offered', 'accepted', 'granted', 'disbursed', 'unmatched'];
/** Needs the screening put to the task force's review (审核, counties set to `review: manual`): waiting for it, or returned by it. */
export const REVIEW_STATUSES: readonly NeedStatus[] = ['in_review', 'returned'];
/** Screened needs: not recommended, or recommended and beyond. */
export const SCREENED_STATUSES: readonly NeedStatus[] = ['not_recommended', ...RECOMMENDED_STATUSES];

/**
 * The declaration list: the screened needs, and the needs the task force entered from visits that
 * wait for the enterprise's consent (screened once it is given; offered to no bank before).
 */
export const DECLARED_STATUSES: readonly NeedStatus[] = [...SCREENED_STATUSES, 'awaiting_consent', ...REVIEW_STATUSES];

export const LIST_STATUSES: Readonly<Record<ListName, readonly NeedStatus[]>> = {
  declared: DECLARED_STATUSES,
  recommended: RECOMMENDED_STATUSES,
};

export const LIST_TITLES: Readonly<Record<ListName, LocalizedText>> = {
  declared: { zh: '申报清单', en: 'declaration list' },
  recommended: { zh: '推荐清单', en: 'recommendation list' },
};

/** What a list reads of a need (the need item's fields; contact only when it may be shown). */
export interface ListedNeed {
  needId: string;
  submittedAt: string;
  status: NeedStatus;
  sizeClass: string;
  enterprise: { name: string; creditCode: string; industryCode: string };
  need: { amountYuan: number; termMonths: number; purpose: string; guarantee: string };
  /** The screening's reason codes (the timeline's not_recommended entry); none when recommended. */
  reasons: readonly string[];
  /** `visit` for a need entered from a visit (absent: declared by the enterprise). */
  source?: 'visit';
  /** The task force's review of the current round (counties set to `review: manual`). */
  review?: ListedReview;
  contact?: { name: string; mobile: string };
}

/** What the lists show of a review: when it is due, whether it is overdue, and its decision once taken. */
export interface ListedReview {
  dueAt: string;
  overdue: boolean;
  decision?: ReviewDecision;
  reasonCodes?: readonly string[];
}

export interface ListRow {
  needId: string;
  submittedAt: string;
  /** `YYYY-MM-DD HH:mm:ss` in China Standard Time. */
  submittedAtChina: string;
  enterpriseName: string;
  creditCode: string;
  industryCode: string;
  industryName: string;
  sizeClass: string;
  amountYuan: number;
  termMonths: number;
  purpose: string;
  guarantee: string;
  status: NeedStatus;
  /** `pending`: not screened yet, the need waits for the enterprise's consent (status awaiting_consent). */
  screening: { outcome: 'recommended' | 'not_recommended' | 'pending'; reasons: { code: string; zh: string }[] };
  /** `visit`: entered by the task force from a visit. */
  source?: 'visit';
  /** The task force's review (审核): `pending` while in review; its due time and whether it is overdue. */
  review?: { outcome: 'pending' | ReviewDecision; dueAt: string; overdue: boolean; reasons: { code: string; zh: string }[] };
  contact?: { name: string; mobile: string };
}

/** Only the county's own task force sees contact details; coordinators above it do not. */
export function seesContacts(caller: Caller, countyCode: string): boolean {
  return caller.role === 'task_force' && caller.jurisdiction === countyCode;
}


export function listRow(need: ListedNeed, withContact: boolean): ListRow {
  const industry = findIndustry(need.enterprise.industryCode);
  return {
    needId: need.needId,
    submittedAt: need.submittedAt,
    submittedAtChina: chinaDateTime(need.submittedAt),
    enterpriseName: need.enterprise.name,
    creditCode: need.enterprise.creditCode,
    industryCode: need.enterprise.industryCode,
    industryName: industry?.nameZh ?? '',
    sizeClass: need.sizeClass,
    amountYuan: need.need.amountYuan,
    termMonths: need.need.termMonths,
    purpose: need.need.purpose,
    guarantee: need.need.guarantee,
    status: need.status,
    screening: {
      outcome: need.status === 'not_recommended' ? 'not_recommended' : need.status === 'awaiting_consent' ? 'pending' : 'recommended',
      reasons: need.reasons.map((code) => ({ code, zh: screeningReasonText(code, 'zh') })),
    },
    ...(need.source === 'visit' ? { source: 'visit' as const } : {}),
    ...(need.review ? { review: reviewColumn(need.review) } : {}),
    ...(withContact && need.contact ? { contact: { name: need.contact.name, mobile: need.contact.mobile } } : {}),
  };
}

/** Oldest first, then by id (the index's order). */
export function sortRows<T extends { submittedAt: string; needId: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : a.needId < b.needId ? -1 : a.needId > b.needId ? 1 : 0));
}

function reviewColumn(review: ListedReview): NonNullable<ListRow['review']> {
  const table = review.decision ? DECISION_REASONS[review.decision] : {};
  return {
    outcome: review.decision ?? 'pending',
    dueAt: review.dueAt,
    overdue: review.decision === undefined && review.overdue,
    reasons: (review.reasonCodes ?? []).map((code) => ({ code, zh: reviewReasonText(table, code, 'zh') })),
  };
}

const REVIEW_OUTCOME_ZH: Record<NonNullable<ListRow['review']>['outcome'], string> = {
  pending: '待审核',
  recommend: '推荐',
  return: '退回补充',
  not_recommended: '不予推荐',
};

type TableCell = string | number;

const SCREENING_OUTCOME_ZH: Record<ListRow['screening']['outcome'], string> = {
  recommended: '推荐',
  not_recommended: '不予推荐',
  pending: '待企业确认授权（尚未初筛）',
};

/** The columns of a list file (CSV, XLSX), Chinese headers; the contact columns only with contacts. */
const COLUMNS: readonly { header: string; contact?: true; value: (row: ListRow) => TableCell }[] = [
  { header: '需求编号', value: (r) => r.needId },
  { header: '提交时间（北京时间）', value: (r) => r.submittedAtChina },
  { header: '企业名称', value: (r) => r.enterpriseName },
  { header: '统一社会信用代码', value: (r) => r.creditCode },
  { header: '行业代码', value: (r) => r.industryCode },
  { header: '行业', value: (r) => r.industryName },
  { header: '企业规模', value: (r) => r.sizeClass },
  { header: '融资金额（元）', value: (r) => r.amountYuan },
  { header: '期限（月）', value: (r) => r.termMonths },
  { header: '用途', value: (r) => r.purpose },
  { header: '担保方式', value: (r) => r.guarantee },
  { header: '状态', value: (r) => r.status },
  { header: '初筛结果', value: (r) => SCREENING_OUTCOME_ZH[r.screening.outcome] },
  { header: '初筛原因代码', value: (r) => r.screening.reasons.map((x) => x.code).join('; ') },
  { header: '初筛原因', value: (r) => r.screening.reasons.map((x) => x.zh).join('；') },
  { header: '审核结果', value: (r) => (r.review ? REVIEW_OUTCOME_ZH[r.review.outcome] + (r.review.overdue ? '（已逾期）' : '') : '') },
  { header: '审核期限（北京时间）', value: (r) => (r.review ? chinaDateTime(r.review.dueAt) : '') },
  { header: '审核原因', value: (r) => r.review?.reasons.map((x) => x.zh).join('；') ?? '' },
  { header: '联系人', contact: true, value: (r) => r.contact?.name ?? '' },
  { header: '联系电话', contact: true, value: (r) => r.contact?.mobile ?? '' },
];

/** The list as a table: a header row and a row per need (numbers stay numbers). */
export function listTable(rows: readonly ListRow[], withContact: boolean): { header: string[]; rows: TableCell[][] } {
  const columns = COLUMNS.filter((c) => withContact || !c.contact);
  return { header: columns.map((c) => c.header), rows: rows.map((row) => columns.map((c) => c.value(row))) };
}

/** The file name of a list download, e.g. `smefin-330106-declared-2026-12-01.csv`. */
export function listFileName(countyCode: string, list: ListName, format: ListFormat, now: Date): string {
  return `smefin-${countyCode}-${list}-${chinaDateTime(now.toISOString()).slice(0, 10)}.${format}`;
}
