// Stage configs for synthesizing in the China regions, which need an external OpenID Connect issuer
// (no Cognito there) and the pages' ICP-registered domain with its IAM server certificate.
import { STAGES, type StageConfig } from '../../lib/smefin-stack';

export const CHINA_IDENTITY = { oidcIssuer: 'https://idp.example.gov.cn/realms/smefin', oidcAudience: 'smefin-web' };
export const CHINA_WEB_DOMAIN = { domainName: 'smefin.example.com.cn', iamCertificateId: 'ASCAEXAMPLE0CERT0ID01' };

/** A stage (prod by default) with the settings a China region requires. */
export function chinaStage(base: StageConfig = STAGES.prod!): StageConfig {
  return { ...base, identity: CHINA_IDENTITY, webDomain: CHINA_WEB_DOMAIN };
}
