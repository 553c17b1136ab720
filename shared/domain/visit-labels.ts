// A visit's method and outcome codes with their labels in Chinese and English (the Chinese label is
// also accepted as input: what a spreadsheet from the field holds). Zod-free, for the pages.
import type { LocalizedText } from './problem';

export const VISIT_METHODS = ['on_site', 'phone', 'meeting', 'online'] as const;
export const VISIT_OUTCOMES = ['need_found', 'no_need', 'already_financed', 'unreachable', 'refused'] as const;
export type VisitMethod = (typeof VISIT_METHODS)[number];
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

/** The methods' labels; the Chinese label is also accepted as input (the import's spreadsheets). */
export const VISIT_METHOD_LABELS = {
  on_site: { zh: '实地走访', en: 'On-site visit' },
  phone: { zh: '电话走访', en: 'Phone call' },
  meeting: { zh: '座谈会', en: 'Meeting' },
  online: { zh: '线上走访', en: 'Online' },
} as const satisfies Record<VisitMethod, LocalizedText>;

/** The outcomes' labels; the Chinese label is also accepted as input. */
export const VISIT_OUTCOME_LABELS = {
  need_found: { zh: '有融资需求', en: 'Financing need found' },
  no_need: { zh: '无融资需求', en: 'No financing need' },
  already_financed: { zh: '已获得融资', en: 'Already financed' },
  unreachable: { zh: '未能联系', en: 'Could not be reached' },
  refused: { zh: '拒绝走访', en: 'Refused the visit' },
} as const satisfies Record<VisitOutcome, LocalizedText>;
