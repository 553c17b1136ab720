// The web pages on S3 behind CloudFront (origin access control, security headers, access logs).
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { ObjectOwnership, type Bucket } from 'aws-cdk-lib/aws-s3';
import { accessLogsBucket, privateBucket } from './buckets';
import { Construct } from 'constructs';

/** The pages' Content-Security-Policy: only our own scripts and styles; API calls to `apiOrigin` too. */
export function contentSecurityPolicy(apiOrigin?: string): string {
  return (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    `connect-src 'self'${apiOrigin ? ` ${apiOrigin}` : ''}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`
  );
}

export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly origin: string;

  constructor(scope: Construct, id: string, props: { retain: boolean; apiOrigin?: string }) {
    super(scope, id);
    // CloudFront standard logging writes with ACLs.
    const logs = accessLogsBucket(this, props.retain, { objectOwnership: ObjectOwnership.OBJECT_WRITER });
    this.bucket = privateBucket(this, 'Site', props.retain, {
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: { override: true, contentSecurityPolicy: contentSecurityPolicy(props.apiOrigin) },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    const inChina = Stack.of(this).region.startsWith('cn-');
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'smefin web pages',
      defaultRootObject: 'index.html',
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        // Origin access control where CloudFront offers it; the AWS China regions still use an origin
        // access identity (CloudFormation has no OriginAccessControl type there).
        origin: inChina
          ? S3BucketOrigin.withOriginAccessIdentity(this.bucket)
          : S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
      },
    });
    if (inChina) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR7',
        reason:
          'CloudFormation has no OriginAccessControl resource in the AWS China regions; an origin access identity keeps the bucket private there.',
      });
    }
    this.origin = `https://${this.distribution.distributionDomainName}`;
  }
}
