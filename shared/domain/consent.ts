// The separate consent (PIPL art. 23) an enterprise gives before its need is shared with banks. The
// text is versioned: the need records which version the person agreed to, when, and to which banks.
//
// Since 2026-12 the text names its recipients: the banks serving the enterprise's county when the
// person reads it (GET /v1/counties/{countyCode}/banks), in place of {@link RECIPIENTS_PLACEHOLDER};
// the submission sends their ids (`consent.bankIds`) and only those banks are offered the need. The
// 2026-11 text said "banks serving this area" without names: a submission under it keeps the banks
// serving the county at submission time, which is what that text promised.
//
// Pure module without runtime imports: the form loads it.

import type { Language, LocalizedText } from './problem';

export interface ConsentText {
  version: string;
  /** The text; a version that names its recipients holds {@link RECIPIENTS_PLACEHOLDER} where the names go. */
  zh: string;
  en: string;
}

/** Where the banks' names go in a consent text that names its recipients. */
export const RECIPIENTS_PLACEHOLDER = '{banks}';

export const CONSENT_TEXTS: readonly ConsentText[] = [
  {
    version: '2026-11',
    zh:
      '我单独同意：为匹配融资服务，支持小微企业融资协调工作机制将本需求中的企业信息（行业、规模、所在地、融资金额、期限、用途、担保方式）' +
      '推送给服务本地区的银行业金融机构；银行表示受理后，方可获得企业名称、统一社会信用代码及联系人姓名和手机号码，用于联系我方办理授信。' +
      '每次向银行提供均留有记录。我可以随时联系县级工作专班撤回同意。',
    en:
      'I separately consent that, to match financing services, the small and micro enterprise financing coordination mechanism ' +
      'sends the enterprise details of this need (industry, size, location, amount, term, purpose, guarantee) to banks serving ' +
      "this area; only a bank that accepts the referral receives the enterprise's name, credit code and the contact's name and " +
      'mobile number, to contact us about credit. Every disclosure to a bank is recorded. I may withdraw consent at any time ' +
      'through the county task force.',
  },
  {
    version: '2026-12',
    zh:
      '我单独同意：为匹配融资服务，支持小微企业融资协调工作机制将本需求中的企业信息（行业、规模、所在地、融资金额、期限、用途、担保方式）' +
      `推送给以下服务本地区的银行业金融机构：${RECIPIENTS_PLACEHOLDER}。银行表示受理后，方可获得企业名称、统一社会信用代码及联系人姓名和手机号码，` +
      '用于联系我方办理授信。此后新加入服务本地区的银行，须经我再次同意后方可获得本需求。每次向银行提供均留有记录。' +
      '我可以随时联系县级工作专班撤回同意。',
    en:
      'I separately consent that, to match financing services, the small and micro enterprise financing coordination mechanism ' +
      'sends the enterprise details of this need (industry, size, location, amount, term, purpose, guarantee) to these banks ' +
      `serving this area: ${RECIPIENTS_PLACEHOLDER}. Only a bank that accepts the referral receives the enterprise's name, credit ` +
      "code and the contact's name and mobile number, to contact us about credit. A bank that starts serving this area later " +
      'receives this need only after I consent again. Every disclosure to a bank is recorded. I may withdraw consent at any time ' +
      'through the county task force.',
  },
];

export const CURRENT_CONSENT_VERSION = '2026-12';

export function findConsentText(version: string): ConsentText | undefined {
  return CONSENT_TEXTS.find((text) => text.version === version);
}

/** Whether the version's text names its recipients (then a submission under it lists their ids). */
export function consentNamesRecipients(version: string): boolean {
  return findConsentText(version)?.zh.includes(RECIPIENTS_PLACEHOLDER) ?? false;
}

/** A bank the person consented to, by name as the text showed it. */
export interface ConsentRecipient {
  bankId: string;
  nameZh: string;
  nameEn: string;
}

/**
 * The consent a need keeps. `recipients` is the list of banks consented to; records written before
 * named consent hold the description of the 2026-11 text instead (a string): any bank serving the
 * county may be offered those.
 */
export interface NeedConsent {
  /**
   * `false`: no consent on record yet — a need the county task force entered from a visit waits for
   * the enterprise's confirmation (visit-need.ts); its `recipients` are empty, so no bank may be offered it.
   */
  shareWithBanks: boolean;
  textVersion: string;
  /** When it was given (while none is on record: when the need was entered). */
  at: string;
  recipients: ConsentRecipient[] | string;
  /** `paper`: a signed paper consent the task force entered with the need (its `reference` recorded). Absent: given online by the person. */
  kind?: 'paper';
  /** The paper consent's reference (its number in the task force's files). */
  reference?: string;
}

/** The banks a need may be offered to, or undefined when its consent (before named consent) names none. */
export function consentedBankIds(consent: Pick<NeedConsent, 'recipients'>): ReadonlySet<string> | undefined {
  return Array.isArray(consent.recipients) ? new Set(consent.recipients.map((r) => r.bankId)) : undefined;
}

const NO_RECIPIENTS: LocalizedText = {
  zh: '（目前没有服务该地区的银行）',
  en: '(no bank serves this area at present)',
};

const RECIPIENTS_TO_COME: LocalizedText = {
  zh: '（选择注册所在地后，此处列出服务该地区的银行）',
  en: '(the banks serving the area are listed here once you choose where the enterprise is registered)',
};

/**
 * The text of a version as the person reads it: the banks' names in place of the placeholder
 * (`undefined`: the county is not chosen yet), or '' for an unknown version.
 */
export function consentTextFor(version: string, language: Language, recipients: readonly Pick<ConsentRecipient, 'nameZh' | 'nameEn'>[] | undefined): string {
  const text = findConsentText(version)?.[language] ?? '';
  if (!text.includes(RECIPIENTS_PLACEHOLDER)) return text;
  const names =
    recipients === undefined
      ? RECIPIENTS_TO_COME[language]
      : recipients.length === 0
        ? NO_RECIPIENTS[language]
        : recipients.map((r) => (language === 'zh' ? r.nameZh : r.nameEn)).join(language === 'zh' ? '、' : ', ');
  return text.split(RECIPIENTS_PLACEHOLDER).join(names);
}
