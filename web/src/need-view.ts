// Labels for a need as the status page shows it: place, industry, status and enumerations in the
// page language, the timeline in order. Pure (the industry table is bundled data; the county's
// name comes from its province's division file: division-data.ts).
import { findIndustry } from '../../shared/domain/industry';
import { NEED_STATUSES, type NeedStatus, type TimelineEntry } from '../../shared/domain/need-record';
import type { SizeClass } from '../../shared/domain/enterprise-size';
import { isMessageKey, needStatusHelpKey, needStatusKey, sizeClassKey, t, type Language } from './i18n';

const SIZE_CLASSES: readonly string[] = ['large', 'medium', 'small', 'micro'] satisfies SizeClass[];

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

/** "C14 食品制造业" / "C14 Food manufacturing"; the bare code when it is unknown. */
export function industryLabel(code: string, language: Language): string {
  const industry = findIndustry(code);
  if (!industry) return code;
  return `${industry.code} ${language === 'zh' ? industry.nameZh : industry.nameEn}`;
}

export function isNeedStatus(value: string): value is NeedStatus {
  return isOneOf(NEED_STATUSES, value);
}

/** The translated status; an unknown status (a newer server) is shown as it is. */
export function statusLabel(status: string, language: Language): string {
  return isNeedStatus(status) ? t(language, needStatusKey(status)) : status;
}

export function statusHelp(status: string, language: Language): string {
  return isNeedStatus(status) ? t(language, needStatusHelpKey(status)) : '';
}

export function sizeClassLabel(sizeClass: string, language: Language): string {
  return isOneOf(SIZE_CLASSES as readonly SizeClass[], sizeClass) ? t(language, sizeClassKey(sizeClass)) : sizeClass;
}

// Purposes and guarantees are looked up by message key rather than through the schema's lists, so
// the status page does not bundle zod.
export function purposeLabel(purpose: string, language: Language): string {
  const key = `purpose.${purpose}`;
  return isMessageKey(key) ? t(language, key) : purpose;
}

export function guaranteeLabel(guarantee: string, language: Language): string {
  const key = `guarantee.${guarantee}`;
  return isMessageKey(key) ? t(language, key) : guarantee;
}

/** Oldest first; entries with the same time keep the server's order. */
export function chronological(timeline: readonly TimelineEntry[]): TimelineEntry[] {
  const time = (entry: TimelineEntry): number => {
    const ms = Date.parse(entry.at);
    return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
  };
  return timeline
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => time(a.entry) - time(b.entry) || a.index - b.index)
    .map(({ entry }) => entry);
}
