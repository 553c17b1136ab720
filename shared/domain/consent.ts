// The separate consent (PIPL art. 23) an enterprise gives before its need is shared with banks. The
// text is versioned: the need records which version the person agreed to and when.

export interface ConsentText {
  version: string;
  zh: string;
  en: string;
}

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
];

export const CURRENT_CONSENT_VERSION = '2026-11';

export function findConsentText(version: string): ConsentText | undefined {
  return CONSENT_TEXTS.find((text) => text.version === version);
}
