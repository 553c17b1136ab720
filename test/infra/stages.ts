// Stage configs for synthesizing in the China regions, which need an external OpenID Connect issuer
// (no Cognito there), the pages' ICP-registered domain with its IAM server certificate, and a licensed
// domestic SMS provider.
import { STAGES, type StageConfig } from '../../lib/smefin-stack';

export const CHINA_IDENTITY = { oidcIssuer: 'https://idp.example.gov.cn/realms/smefin', oidcAudience: 'smefin-web' };
export const CHINA_WEB_DOMAIN = { domainName: 'smefin.example.com.cn', iamCertificateId: 'ASCAEXAMPLE0CERT0ID01' };
/** A licensed domestic SMS provider (SNS sends no SMS in the China regions). */
export const CHINA_SMS = { provider: 'http', endpoint: 'https://sms.example.com.cn/v1/send', signName: '小微融资', apiKeySecretName: 'smefin/prod/sms-api-key' } as const;

/** A stage (prod by default) with the settings a China region requires. */
export function chinaStage(base: StageConfig = STAGES.prod!): StageConfig {
  return { ...base, identity: CHINA_IDENTITY, webDomain: CHINA_WEB_DOMAIN, sms: CHINA_SMS };
}
