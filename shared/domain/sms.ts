// Text messages to enterprises: templates with parameters, never free text. A licensed Chinese SMS
// provider sends only templates it approved, under a registered signature (签名), so each template
// here has a stable id that maps to the provider's template code (docs/sms.md). Parameters carry no
// personal data beyond a one-time code or a status link.

export const SMS_TEMPLATES = {
  /** A one-time code to open the status page again (POST /v1/status-links). */
  status_code: {
    params: ['code', 'minutes'],
    zh: '您查看融资需求进度的验证码为 {code}，{minutes} 分钟内有效。请勿告知他人。',
    en: 'Your code to see your financing need is {code}, valid {minutes} minutes. Do not share it.',
  },
  // Notices of what happened to a need (shared/domain/notifications.ts), each with a status link that
  // opens the status page. Chinese only: the link alone is some 100 characters, and a second
  // language would make a notice three SMS segments instead of two (docs/sms.md). What the notice
  // does not say (which bank, the amounts, the reason) the status page shows in the reader's language.
  need_recommended: { params: ['link'], zh: '您的融资需求已列入推荐清单，查看进度：{link}' },
  need_not_recommended: { params: ['link'], zh: '您的融资需求未列入推荐清单，查看原因：{link}' },
  need_accepted: { params: ['link'], zh: '银行已受理您的融资需求，查看进度：{link}' },
  need_declined: { params: ['link'], zh: '一家银行未受理您的融资需求，查看原因和进度：{link}' },
  need_granted: { params: ['link'], zh: '您的融资需求已获银行批准，查看详情：{link}' },
  need_unmatched: { params: ['link'], zh: '暂未匹配到银行，县工作专班将跟进，查看进度：{link}' },
  // The county task force took the need up from its escalations (amended it with the owner's agreement, handed it to a bank, resolved or closed it).
  need_taken_up: { params: ['link'], zh: '县工作专班已接手您的融资需求，查看办理情况：{link}' },
  // A need the county task force entered from a visit without a signed consent: the owner confirms it on the status page.
  need_awaiting_consent: { params: ['link'], zh: '工作专班已为您登记融资需求，请确认授权：{link}' },
  need_returned: { params: ['link'], zh: '县工作专班请您补充材料，查看并修改需求：{link}' },
  need_reviewed: { params: ['link'], zh: '县工作专班已审核您的融资需求，查看结果：{link}' },
} as const satisfies Record<string, { params: readonly string[]; zh: string; en?: string }>;

export type SmsTemplateId = keyof typeof SMS_TEMPLATES;

export interface SmsMessage {
  /** A mainland China mobile number, 11 digits (normalised as on the form). */
  to: string;
  template: SmsTemplateId;
  params: Record<string, string>;
}

/** The port every provider implements (Amazon SNS, a licensed Chinese provider, the local outbox). */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/** The message's text as the provider's approved template renders it: Chinese, then English where the template has it. */
export function renderSms(message: Pick<SmsMessage, 'template' | 'params'>): string {
  const template: { zh: string; en?: string } = SMS_TEMPLATES[message.template];
  const fill = (text: string) =>
    text.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = message.params[name];
      if (value === undefined) throw new Error(`SMS template ${message.template} needs ${name}`);
      return value;
    });
  return template.en === undefined ? fill(template.zh) : `${fill(template.zh)} ${fill(template.en)}`;
}

/** A mobile number as logs may show it: the first three and last four digits. */
export function maskMobile(mobile: string): string {
  return mobile.length === 11 ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : '***';
}
