// Writing a need's timeline: one constructor per code (timeline-schema.ts has the shapes), so every
// writer says what happened and the reader's page says it in the reader's language.
import type { NeedStatus } from './need-record';
import type { CodedTimelineEntry, TimelineCode, TimelineParams } from './timeline-schema';

export type { CodedTimelineEntry, TimelineCode, TimelineEntry } from './timeline-schema';

/** A timeline entry: what happened (`code`, with its parameters), when, and the need's status after it. */
export function timelineEntry<C extends TimelineCode>(
  code: C,
  at: string,
  status: NeedStatus,
  ...params: TimelineParams<C> extends undefined ? [] : [TimelineParams<C>]
): Extract<CodedTimelineEntry, { code: C }> {
  return { at, status, code, ...(params.length > 0 ? { params: params[0] } : {}) } as Extract<CodedTimelineEntry, { code: C }>;
}

/** A bank's name as timeline entries keep it. */
export const bankOf = (referral: { bankNameZh: string; bankNameEn: string }) => ({ zh: referral.bankNameZh, en: referral.bankNameEn });
