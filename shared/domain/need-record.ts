// A declared need as the platform keeps it, and the views of it that clients see.
import type { ValidNeed } from './need';
import { findIndustry, type SizeCategory } from './industry';
import { classifyEnterpriseSize, type SizeClass } from './enterprise-size';
import { countyCodes } from './divisions';
import { needProgress, type NeedProgress } from './need-progress';
import type { Referral } from './referral';
import type { ConsentRecipient, NeedConsent } from './consent';
import type { TaskForceContact } from './task-force';
import type { TimelineEntry } from './timeline-schema';
import { needActions, type NeedActions } from './need-actions';

export type { TimelineEntry } from './timeline-schema';

export const NEED_STATUSES = [
  'submitted',
  'screening',
  'not_recommended',
  'recommended',
  'offered',
  'accepted',
  'granted',
  'disbursed',
  'unmatched',
  /** The enterprise withdrew the need and its consent: routing stopped, contact details erased. */
  'withdrawn',
  /** Entered by the county task force from a visit, no consent on record yet: on the declaration list, offered to no bank until the enterprise confirms (visit-need.ts). */
  'awaiting_consent',
  /** Waiting for the county task force's review (审核, counties set to `review: manual`; shared/domain/review.ts). */
  'in_review',
  /** The review returned it: more information is needed from the enterprise, which may amend it (reviewed again). */
  'returned',
] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

/** A need in one of these states blocks another submission for the same credit code. */
export const OPEN_STATUSES: ReadonlySet<NeedStatus> = new Set(['submitted', 'screening', 'recommended', 'offered', 'accepted', 'awaiting_consent', 'in_review']);

export interface NeedRecord {
  needId: string;
  status: NeedStatus;
  /** `visit`: entered by the county task force from a recorded visit (visit-need.ts), with `visitId` and `enteredBy`. */
  source: 'self_declared' | 'visit';
  /** The visit it was entered from (source `visit`). */
  visitId?: string;
  /** The official who entered it (their token's `sub`; source `visit`). */
  enteredBy?: string;
  submittedAt: string;
  updatedAt: string;
  /** China Standard Time calendar day of submission, the key of the county-day counters. */
  submittedDay: string;
  sizeClass: SizeClass;
  enterprise: ValidNeed['enterprise'] & {
    sizeCategory: SizeCategory;
    industrySection: string;
    prefectureCode?: string;
    provinceCode: string;
  };
  contact: ValidNeed['contact'];
  need: ValidNeed['need'];
  consent: NeedConsent;
  trackingTokenHash: string;
  timeline: TimelineEntry[];
}

const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The calendar day in China Standard Time (UTC+8, no daylight saving) of an instant. */
export function chinaDay(instant: Date): string {
  return new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD HH:mm:ss` in China Standard Time (UTC+8) of an instant given as ISO 8601. */
export function chinaDateTime(iso: string): string {
  const d = new Date(Date.parse(iso) + CST_OFFSET_MS);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The recipients of a consent that names no bank (records before named consent, 2026-11): any bank serving the county. */
export const CONSENT_RECIPIENTS = 'banks serving the enterprise’s county on the coordination mechanism';

export function createNeedRecord(args: {
  input: ValidNeed;
  needId: string;
  now: Date;
  trackingTokenHash: string;
  /** The banks the consent names (consent-recipients.ts); only they are offered the need. Absent: {@link CONSENT_RECIPIENTS}. */
  recipients?: readonly ConsentRecipient[];
}): NeedRecord {
  const { input, needId, now, trackingTokenHash, recipients } = args;
  const industry = findIndustry(input.enterprise.industryCode);
  const chain = countyCodes(input.enterprise.countyCode);
  // The schema has already accepted both codes; a miss here is a programming error, not bad input.
  if (!industry || !chain) throw new Error(`validated need has unknown industry or county: ${needId}`);
  const at = now.toISOString();
  return {
    needId,
    status: 'submitted',
    source: 'self_declared',
    submittedAt: at,
    updatedAt: at,
    submittedDay: chinaDay(now),
    sizeClass: classifyEnterpriseSize({
      category: industry.sizeCategory,
      employees: input.enterprise.employees,
      annualRevenueYuan: input.enterprise.annualRevenueYuan,
      totalAssetsYuan: input.enterprise.totalAssetsYuan,
    }),
    enterprise: {
      ...input.enterprise,
      sizeCategory: industry.sizeCategory,
      industrySection: industry.section,
      ...(chain.prefecture ? { prefectureCode: chain.prefecture } : {}),
      provinceCode: chain.province,
    },
    contact: input.contact,
    need: input.need,
    consent: { shareWithBanks: true, textVersion: input.consent.textVersion, at, recipients: recipients ? recipients.map((r) => ({ ...r })) : CONSENT_RECIPIENTS },
    trackingTokenHash,
    timeline: [{ at, status: 'submitted', code: 'submitted' }],
  };
}

export interface SubmitNeedResponse {
  needId: string;
  status: NeedStatus;
  sizeClass: SizeClass;
  trackingToken: string;
  statusUrl: string;
}

/** The link an enterprise keeps: the token travels in the fragment, which browsers never send to servers. */
export function statusPageUrl(webOrigin: string, needId: string, trackingToken: string): string {
  const params = new URLSearchParams({ needId, token: trackingToken });
  return `${webOrigin.replace(/\/$/, '')}/status.html#${params.toString()}`;
}

export interface NeedStatusResponse {
  needId: string;
  status: NeedStatus;
  /** Present for a need the county task force entered from a visit: `visit`. */
  source?: 'visit';
  sizeClass: SizeClass;
  submittedAt: string;
  enterprise: { name: string; countyCode: string; industryCode: string; hasFixedPremises: boolean };
  need: ValidNeed['need'];
  timeline: TimelineEntry[];
  /** The need's bank, once one has it (need-progress.ts). */
  progress?: NeedProgress;
  /** What the owner can do now: amend the need, withdraw it (need-actions.ts). */
  actions: NeedActions;
  /**
   * The ids of the banks the consent names (absent for a consent before named consent, which named
   * none). Ids, not names: while a bank considers the need the page does not say which one.
   */
  consentBankIds?: string[];
  /** The task force of the need's county: whom to turn to (absent when none is loaded). */
  taskForce?: TaskForceContact;
}

/** What the holder of the tracking token sees: the need, its timeline and its bank, not the contact details. */
export function needStatusView(record: NeedRecord, latestReferral?: Referral, taskForce?: TaskForceContact): NeedStatusResponse {
  const progress = needProgress(latestReferral);
  return {
    ...(progress ? { progress } : {}),
    ...(taskForce ? { taskForce } : {}),
    needId: record.needId,
    status: record.status,
    ...(record.source === 'visit' ? { source: 'visit' as const } : {}),
    sizeClass: record.sizeClass,
    submittedAt: record.submittedAt,
    enterprise: {
      name: record.enterprise.name,
      countyCode: record.enterprise.countyCode,
      industryCode: record.enterprise.industryCode,
      hasFixedPremises: record.enterprise.hasFixedPremises,
    },
    need: record.need,
    timeline: record.timeline,
    actions: needActions(record),
    ...(Array.isArray(record.consent.recipients) ? { consentBankIds: record.consent.recipients.map((bank) => bank.bankId) } : {}),
  };
}
