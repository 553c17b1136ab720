// A timeline entry in one language: the status page, the SMS templates and anyone else who shows a
// need's history read it here. Pure, and free of zod, so the status page can bundle it.
import { declineReason, NEGATIVE_LIST_REASONS, SCREENING_REASONS } from './reasons';
import type { TimelineEntry } from './timeline-schema';
import { REVIEW_NOT_RECOMMENDED_REASONS, REVIEW_RETURN_REASONS, reviewReasonText } from './review-reasons';

export type Language = 'zh' | 'en';

/** Digits with thousands separators: 1234567 → "1,234,567". */
export function groupThousands(value: number): string {
  if (!Number.isSafeInteger(value)) return String(value);
  const sign = value < 0 ? '-' : '';
  return sign + String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An amount in whole yuan: "500,000 元" / "500,000 yuan". */
export function formatYuan(value: number, language: Language): string {
  return `${groupThousands(value)} ${language === 'zh' ? '元' : 'yuan'}`;
}

/** A term in months: "12 个月" / "12 months" (1 month). */
export function formatMonths(months: number, language: Language): string {
  if (language === 'zh') return `${months} 个月`;
  return `${months} ${months === 1 ? 'month' : 'months'}`;
}

/** Percent from basis points: 345 → "3.45%". */
export const formatRate = (basisPoints: number) => `${(basisPoints / 100).toFixed(2)}%`;

/** A screening reason code's message (a code unknown here is shown as it is). */
export function screeningReasonText(code: string, language: Language): string {
  if (Object.hasOwn(SCREENING_REASONS, code)) return SCREENING_REASONS[code as keyof typeof SCREENING_REASONS].message[language];
  const listCode = code.startsWith('negative_list.') ? code.slice('negative_list.'.length) : undefined;
  if (listCode !== undefined && Object.hasOwn(NEGATIVE_LIST_REASONS, listCode)) {
    const label = NEGATIVE_LIST_REASONS[listCode as keyof typeof NEGATIVE_LIST_REASONS][language];
    return language === 'zh' ? `列入负面清单：${label}` : `On the negative list: ${label}`;
  }
  return code;
}

/** A decline reason code's text (a code unknown here is shown as it is). */
export function declineReasonText(code: string, language: Language): string {
  return declineReason(code)?.[language] ?? code;
}

/** The fields an amendment can change, by JSON pointer. */
const FIELD_NAMES: Record<string, { zh: string; en: string }> = {
  '/need/amountYuan': { zh: '融资金额', en: 'amount' },
  '/need/termMonths': { zh: '期限', en: 'term' },
  '/need/guarantee': { zh: '担保方式', en: 'guarantee' },
  '/need/purpose': { zh: '用途', en: 'purpose' },
  '/need/description': { zh: '用途说明', en: 'description' },
  '/enterprise/hasFixedPremises': { zh: '固定经营场所', en: 'fixed premises' },
  '/consent': { zh: '授权同意', en: 'consent' },
};

/** How the enterprise agreed to a task-force amendment. */
export const AGREEMENT_TEXT = {
  phone: { zh: '电话确认', en: 'by phone' },
  in_person: { zh: '当面确认', en: 'in person' },
  written: { zh: '书面确认', en: 'in writing' },
} as const;

/** Why the task force closed an escalation (shared/domain/escalation.ts CLOSE_OUTCOMES). */
export const CLOSE_OUTCOME_TEXT = {
  financed_elsewhere: { zh: '已通过其他渠道获得融资', en: 'financed elsewhere' },
  no_longer_needed: { zh: '企业已不再需要融资', en: 'the enterprise no longer needs the financing' },
  not_eligible: { zh: '经核实不符合条件', en: 'not eligible, as checked' },
  unreachable: { zh: '多次联系未能联系到企业', en: 'the enterprise could not be reached' },
} as const;

const list = (items: string[], language: Language) => items.join(language === 'zh' ? '；' : '; ');

/** What an entry says, in one language, with amounts formatted. */
export function timelineText(entry: TimelineEntry, language: Language): string {
  if (!('code' in entry)) return legacyNoteText(entry.note, language);
  const zh = language === 'zh';
  switch (entry.code) {
    case 'submitted':
      return zh ? '需求已提交' : 'Need submitted';
    case 'screening':
      return zh ? '正在审核' : 'Screening';
    case 'recommended':
      return zh ? '已列入推荐清单，正在匹配银行' : 'On the recommendation list; matching a bank';
    case 'not_recommended': {
      const reasons = list(entry.params.reasons.map((code) => screeningReasonText(code, language)), language);
      return zh ? `未列入推荐清单：${reasons}` : `Not recommended: ${reasons}`;
    }
    case 'offered':
      return zh ? '已推荐给服务本地区的银行，等待银行答复' : 'Referred to a bank serving your area; waiting for its answer';
    case 'bank_deadline_missed':
      return zh ? `${entry.params.bank.zh}未在期限内答复，正在为您匹配其他银行` : `${entry.params.bank.en} did not answer in time; finding another bank`;
    case 'bank_unavailable':
      return zh ? `${entry.params.bank.zh}暂时无法接收推荐，正在为您匹配其他银行` : `${entry.params.bank.en} cannot take referrals at the moment; finding another bank`;
    case 'accepted':
      return zh ? `${entry.params.bank.zh}已受理，将与您联系` : `${entry.params.bank.en} accepted and will contact you`;
    case 'declined': {
      const { bank, reasonCode, repairable } = entry.params;
      const reason = declineReasonText(reasonCode, language);
      if (zh) return `${bank.zh}未能提供授信（${reason}）${repairable ? '，该情形可以补正' : ''}`;
      return `${bank.en} declined (${reason})${repairable ? '; this can be put right' : ''}`;
    }
    case 'granted': {
      const { bank, amountYuan, annualRateBp, termMonths } = entry.params;
      const terms = [formatYuan(amountYuan, language), formatRate(annualRateBp), formatMonths(termMonths, language)];
      return zh
        ? `${bank.zh}已授信 ${terms[0]}，年利率 ${terms[1]}，期限 ${terms[2]}`
        : `${bank.en} granted ${terms[0]} at ${terms[1]} a year for ${terms[2]}`;
    }
    case 'disbursed':
      return zh ? `${entry.params.bank.zh}已放款 ${formatYuan(entry.params.amountYuan, language)}` : `${entry.params.bank.en} disbursed ${formatYuan(entry.params.amountYuan, language)}`;
    case 'unmatched':
      return zh ? '暂未匹配到银行，已转县级工作专班跟进' : 'No bank matched yet; the county task force will follow up';
    case 'routing_failed':
      return zh ? '处理出现故障，已通知县级工作专班' : 'Processing failed; the county task force has been told';
    case 'amended': {
      const fields = entry.params.fields.map((field) => FIELD_NAMES[field]?.[language] ?? field);
      return zh ? `已修改需求（${fields.join('、')}），重新审核` : `Need amended (${fields.join(', ')}); screening again`;
    }
    case 'withdrawn':
      return zh ? '企业已撤回需求和授权同意，联系方式已删除' : 'The enterprise withdrew the need and its consent; contact details were erased';
    case 'task_force_taken_up':
      return zh ? '县级工作专班已接手您的融资需求' : 'The county task force has taken up your need';
    case 'task_force_amended': {
      const fields = entry.params.fields.map((field) => FIELD_NAMES[field]?.[language] ?? field);
      const how = AGREEMENT_TEXT[entry.params.agreement][language];
      return zh
        ? `县级工作专班经您同意（${how}）修改了需求（${fields.join('、')}），重新审核并匹配银行`
        : `The county task force amended the need with your agreement (${how}: ${fields.join(', ')}); screening and matching a bank again`;
    }
    case 'task_force_handed_to_bank':
      return zh ? '县级工作专班已将您的需求转交一家服务本地区的银行，等待银行答复' : 'The county task force handed your need to a bank serving your area; waiting for its answer';
    case 'task_force_resolved_offline':
      return zh ? '县级工作专班已与您线下办理了本需求' : 'The county task force resolved the need with you offline';
    case 'task_force_closed': {
      const outcome = CLOSE_OUTCOME_TEXT[entry.params.outcome][language];
      return zh ? `县级工作专班已结束跟进：${outcome}` : `The county task force closed its follow-up: ${outcome}`;
    }
    case 'entered_from_visit':
      return zh ? '县级工作专班根据走访代为登记需求（企业已签署书面授权）' : 'The county task force entered the need from its visit (the enterprise signed a paper consent)';
    case 'awaiting_consent':
      return zh
        ? '县级工作专班根据走访代为登记需求，等待企业确认授权：确认前不会推送给任何银行'
        : 'The county task force entered the need from its visit; waiting for the enterprise to confirm its consent: no bank receives it before';
    case 'consent_confirmed':
      return zh ? '企业已确认授权同意，开始审核并匹配银行' : 'The enterprise confirmed its consent; screening and matching a bank';
    case 'in_review':
      return zh
        ? `已列入申报清单，等待县级工作专班审核（${entry.params.workingDays} 个工作日内）`
        : `On the declaration list; the county task force reviews it within ${entry.params.workingDays} working days`;
    case 'returned': {
      const needed = list(entry.params.needed.map((code) => reviewReasonText(REVIEW_RETURN_REASONS, code, language)), language);
      return zh
        ? `县级工作专班审核后退回，需要补充：${needed}。请修改需求后重新提交审核`
        : `Returned by the county task force's review; needed: ${needed}. Amend the need to have it reviewed again`;
    }
    case 'review_decided': {
      if (entry.params.decision === 'recommend') return zh ? '县级工作专班审核通过，已列入推荐清单，正在匹配银行' : 'Reviewed by the county task force: on the recommendation list; matching a bank';
      const reasons = list(entry.params.reasons.map((code) => reviewReasonText(REVIEW_NOT_RECOMMENDED_REASONS, code, language)), language);
      return zh ? `县级工作专班审核后未列入推荐清单：${reasons}` : `Not recommended after the county task force's review: ${reasons}`;
    }
  }
}

/**
 * A note written before codes, "中文 / English", in one language: the side of the first " / " that
 * is the reader's (the whole note when it has no such separator).
 */
export function legacyNoteText(note: string, language: Language): string {
  const at = note.indexOf(' / ');
  if (at < 0) return note;
  return language === 'zh' ? note.slice(0, at) : note.slice(at + 3);
}
