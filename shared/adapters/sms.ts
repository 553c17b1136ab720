// The SmsSender port's adapters (shared/domain/sms.ts), chosen per stage by SMS_PROVIDER:
//   sns   Amazon SNS, for the aws partition (SNS sends no SMS in the AWS China regions);
//   http  a licensed Chinese SMS provider's HTTP API (or a gateway before it): the message goes as a
//         template code with its parameters under the registered signature, as those providers take
//         it (docs/sms.md); locally the runtime's emulated provider, whose outbox is at /local/sms.
// The text of a message is rendered here only for SNS (which takes text) and for the outbox.
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { renderSms, SMS_TEMPLATES, type SmsMessage, type SmsSender, type SmsTemplateId } from '../domain/sms';
import { ENV, requiredEnv } from './config';

export class SnsSmsSender implements SmsSender {
  constructor(private readonly sns: SNSClient) {}

  async send(message: SmsMessage): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        PhoneNumber: `+86${message.to}`,
        Message: renderSms(message),
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );
  }
}

export interface HttpSmsSettings {
  /** The provider's send endpoint (https in AWS). */
  endpoint: string;
  /** The signature registered with the provider (签名), e.g. 小微融资. */
  signName: string;
  /** The provider's code of each approved template; a template without one is sent under its own id. */
  templateCodes: Partial<Record<SmsTemplateId, string>>;
  /** Sent as `Authorization: Bearer <key>` when it gives one (the key lives in Secrets Manager). */
  apiKey?: () => Promise<string | undefined>;
}

/** What the HTTP adapter posts: the shape of the domestic providers' template APIs, in JSON. */
export interface HttpSmsRequest {
  phoneNumber: string;
  signName: string;
  templateCode: string;
  templateParams: Record<string, string>;
  /** The rendered text, for providers and outboxes that show it; the provider renders its own template. */
  text: string;
}

export class HttpSmsSender implements SmsSender {
  constructor(
    private readonly settings: HttpSmsSettings,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const body: HttpSmsRequest = {
      phoneNumber: message.to,
      signName: this.settings.signName,
      templateCode: this.settings.templateCodes[message.template] ?? message.template,
      templateParams: message.params,
      text: renderSms(message),
    };
    const apiKey = await this.settings.apiKey?.();
    const answer = await this.fetchImpl(this.settings.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    // The provider's own answer may carry a message id; a refusal is an error for the caller's retries.
    if (!answer.ok) throw new Error(`SMS provider answered ${answer.status}`);
  }
}

function templateCodesFrom(value: string | undefined): Partial<Record<SmsTemplateId, string>> {
  if (!value) return {};
  const parsed = JSON.parse(value) as Record<string, unknown>;
  const codes: Partial<Record<SmsTemplateId, string>> = {};
  for (const [id, code] of Object.entries(parsed)) {
    if (!(id in SMS_TEMPLATES) || typeof code !== 'string') throw new Error(`${ENV.smsTemplateCodes}: unknown template ${id} or a code that is not text`);
    codes[id as SmsTemplateId] = code;
  }
  return codes;
}

/** The sender this function was configured with (SMS_PROVIDER and its settings). */
export function smsSender(): SmsSender {
  const provider = requiredEnv(ENV.smsProvider);
  if (provider === 'sns') return new SnsSmsSender(new SNSClient({ maxAttempts: 3 }));
  if (provider === 'http') {
    const apiKeySecret = process.env[ENV.smsApiKeySecret];
    return new HttpSmsSender({
      endpoint: requiredEnv(ENV.smsEndpoint),
      signName: requiredEnv(ENV.smsSignName),
      templateCodes: templateCodesFrom(process.env[ENV.smsTemplateCodes]),
      ...(apiKeySecret ? { apiKey: () => getSecret(apiKeySecret, { maxAge: 300 }) as Promise<string | undefined> } : {}),
    });
  }
  throw new Error(`${ENV.smsProvider} must be sns or http, not ${provider}`);
}
