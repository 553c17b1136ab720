// What the local S3 front (local/s3-local.ts) takes from the synthesized template besides the buckets:
// - each bucket's event notifications to Lambda: CDK writes them as Custom::S3BucketNotifications
//   (BucketName: Ref of the bucket; NotificationConfiguration.LambdaFunctionConfigurations: Events,
//   Filter.Key.FilterRules prefix/suffix, LambdaFunctionArn: GetAtt of the function) — turned into
//   S3 event records (event version 2.1) for the function, which the runtime invokes asynchronously,
//   as S3 does;
// - each bucket's CorsConfiguration, by which the front answers preflights and adds the CORS headers
//   S3 adds. An allowed origin that is the stack's web origin (the value the template gives the
//   functions' WEB_ORIGIN: a CloudFront domain or the stage's own) is the local pages' origin.
import { randomBytes } from 'node:crypto';
import { ENV } from '../shared/domain/environment';
import { resourcesOfType, type CfnTemplate } from './synth';

type Raw = unknown;

export interface LambdaNotification {
  bucketLogicalId: string;
  functionLogicalId: string;
  /** `s3:ObjectCreated:*`, `s3:ObjectCreated:Put`, … */
  events: string[];
  prefix: string;
  suffix: string;
}

const refOf = (value: Raw): string | undefined => (value && typeof value === 'object' && 'Ref' in value ? String((value as { Ref: unknown }).Ref) : undefined);
const getAttOf = (value: Raw): string | undefined => {
  const att = value && typeof value === 'object' && 'Fn::GetAtt' in value ? (value as { 'Fn::GetAtt': unknown })['Fn::GetAtt'] : undefined;
  return Array.isArray(att) ? String(att[0]) : undefined;
};

export function lambdaNotifications(template: CfnTemplate): LambdaNotification[] {
  return resourcesOfType(template, 'Custom::S3BucketNotifications').flatMap(([, resource]) => {
    const properties = (resource.Properties ?? {}) as { BucketName?: Raw; NotificationConfiguration?: { LambdaFunctionConfigurations?: Raw[] } };
    const bucketLogicalId = refOf(properties.BucketName);
    if (!bucketLogicalId) return [];
    return (properties.NotificationConfiguration?.LambdaFunctionConfigurations ?? []).flatMap((raw) => {
      const config = raw as { Events?: string[]; Filter?: { Key?: { FilterRules?: { Name: string; Value: string }[] } }; LambdaFunctionArn?: Raw };
      const functionLogicalId = getAttOf(config.LambdaFunctionArn);
      if (!functionLogicalId) return [];
      const rules = config.Filter?.Key?.FilterRules ?? [];
      const rule = (name: string) => rules.find((r) => r.Name.toLowerCase() === name)?.Value ?? '';
      return [{ bucketLogicalId, functionLogicalId, events: config.Events ?? [], prefix: rule('prefix'), suffix: rule('suffix') }];
    });
  });
}

/** Whether a notification wants an event (`ObjectCreated:Put`) on a key. */
export function notificationMatches(notification: LambdaNotification, eventName: string, key: string): boolean {
  const [type] = eventName.split(':');
  const wanted = notification.events.some((event) => event === `s3:${eventName}` || event === `s3:${type}:*`);
  return wanted && key.startsWith(notification.prefix) && key.endsWith(notification.suffix);
}

/** The S3 event S3 sends a function for one object (one record). */
export function s3Event(args: { region: string; bucket: string; key: string; size: number; eTag: string; eventName: string; now: Date }) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: args.region,
        eventTime: args.now.toISOString(),
        eventName: args.eventName,
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(), 'x-amz-id-2': randomBytes(16).toString('base64') },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local',
          bucket: { name: args.bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${args.bucket}` },
          // Keys are URL-encoded in S3 events, spaces as '+'.
          object: { key: encodeURIComponent(args.key).replace(/%20/g, '+').replace(/%2F/g, '/'), size: args.size, eTag: args.eTag.replace(/"/g, ''), sequencer: Date.now().toString(16).toUpperCase() },
        },
      },
    ],
  };
}

export interface CorsRule {
  /** Literal origins, and `web` where the rule names the stack's web origin. */
  origins: (string | { web: true })[];
  methods: string[];
  headers: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

/** The buckets' CORS rules by bucket logical id. */
export function corsRules(template: CfnTemplate): Map<string, CorsRule[]> {
  const webOrigins = new Set(
    resourcesOfType(template, 'AWS::Lambda::Function')
      .map(([, fn]) => (fn.Properties as { Environment?: { Variables?: Record<string, Raw> } } | undefined)?.Environment?.Variables?.[ENV.webOrigin])
      .filter((value) => value !== undefined)
      .map((value) => JSON.stringify(value)),
  );
  const rules = new Map<string, CorsRule[]>();
  for (const [logicalId, bucket] of resourcesOfType(template, 'AWS::S3::Bucket')) {
    const cors = (bucket.Properties as { CorsConfiguration?: { CorsRules?: Record<string, Raw>[] } } | undefined)?.CorsConfiguration?.CorsRules;
    if (!cors) continue;
    rules.set(
      logicalId,
      cors.map((rule) => ({
        origins: ((rule.AllowedOrigins as Raw[]) ?? []).map((origin) => (webOrigins.has(JSON.stringify(origin)) ? { web: true as const } : String(origin))),
        methods: (rule.AllowedMethods as string[]) ?? [],
        headers: ((rule.AllowedHeaders as string[]) ?? []).map((h) => h.toLowerCase()),
        exposeHeaders: (rule.ExposedHeaders as string[]) ?? [],
        ...(typeof rule.MaxAge === 'number' ? { maxAgeSeconds: rule.MaxAge } : {}),
      })),
    );
  }
  return rules;
}

/** The first rule that allows `origin` to send `method` with `headers`, as S3 picks it. */
export function matchCors(rules: readonly CorsRule[], webOrigins: readonly string[], origin: string, method: string, headers: readonly string[]): CorsRule | undefined {
  const allowsOrigin = (rule: CorsRule) =>
    rule.origins.some((o) => (typeof o === 'string' ? o === '*' || o === origin : webOrigins.includes(origin)));
  const allowsHeader = (rule: CorsRule, header: string) => rule.headers.some((h) => h === '*' || h === header.toLowerCase());
  return rules.find((rule) => allowsOrigin(rule) && rule.methods.includes(method) && headers.every((h) => allowsHeader(rule, h)));
}
