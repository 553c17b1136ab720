// The web pages on S3 behind CloudFront (origin access control, security headers, access logs), on a
// custom domain where one is set; in the AWS China regions the domain (ICP-registered) and its IAM
// server certificate are required, and the bucket is reached through an origin access identity.
import { Duration, Lazy, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  CachePolicy,
  CfnDistribution,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { ObjectOwnership, type Bucket } from 'aws-cdk-lib/aws-s3';
import { accessLogsBucket, privateBucket } from './buckets';
import { Construct } from 'constructs';
import { acknowledgeDefaultCertificateFinding } from './nag';
import { inChina } from './partition';

/** The pages' custom domain and its certificate: an ACM certificate (us-east-1) or an IAM server certificate. */
export interface WebDomain {
  domainName: string;
  /** ACM certificate ARN (in us-east-1, where CloudFront takes ACM certificates from); aws partition only. */
  certificateArn?: string;
  /** IAM server certificate id (uploaded with path /cloudfront/): the only kind CloudFront takes in aws-cn. */
  iamCertificateId?: string;
}

const MINIMUM_TLS = SecurityPolicyProtocol.TLS_V1_2_2021;

/**
 * The pages' Content-Security-Policy: only our own scripts and styles; calls to the API's origin and
 * to the officials' OpenID Connect issuer (discovery, token and refresh requests of the sign-in) too.
 */
export function contentSecurityPolicy(...connectOrigins: string[]): string {
  const connect = connectOrigins.filter((origin) => origin !== '').map((origin) => ` ${origin}`).join('');
  return (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    `connect-src 'self'${connect}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`
  );
}

export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly origin: string;
  /** Origins besides our own that the pages may call (the API; the sign-in's issuer). */
  private readonly connectOrigins: string[] = [];

  constructor(scope: Construct, id: string, props: { retain: boolean; apiOrigin?: string; issuerOrigin?: string; domain?: WebDomain }) {
    super(scope, id);
    this.allowConnections(...[props.apiOrigin, props.issuerOrigin].filter((origin): origin is string => origin !== undefined));
    const china = inChina(this);
    const domain = props.domain;
    checkDomain(domain, china);
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
        contentSecurityPolicy: {
          override: true,
          // Lazy: the sign-in's origins may be added after the pages exist (a Cognito pool needs their origin first).
          contentSecurityPolicy: Lazy.string({ produce: () => contentSecurityPolicy(...this.connectOrigins) }),
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    const acm = domain?.certificateArn ? { domainName: domain.domainName, certificateArn: domain.certificateArn } : undefined;
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
        origin: china
          ? S3BucketOrigin.withOriginAccessIdentity(this.bucket)
          : S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        // Pages, scripts, styles and division files compressed at the edge (Brotli, else gzip, by the
        // viewer's Accept-Encoding): the managed CachingOptimized policy keys the cache on the normalised
        // Accept-Encoding, and is offered in the China regions under the same id. The local server does the same.
        compress: true,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      },
      ...(acm
        ? {
            domainNames: [acm.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', acm.certificateArn),
            minimumProtocolVersion: MINIMUM_TLS,
          }
        : {}),
    });
    if (domain?.iamCertificateId) {
      // The L2 distribution takes ACM certificates only; an IAM server certificate goes in by override.
      const cfn = this.distribution.node.defaultChild as CfnDistribution;
      cfn.addPropertyOverride('DistributionConfig.Aliases', [domain.domainName]);
      cfn.addPropertyOverride('DistributionConfig.ViewerCertificate', {
        IamCertificateId: domain.iamCertificateId,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: MINIMUM_TLS,
      });
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: `The IAM server certificate is set by a property override with minimum protocol ${MINIMUM_TLS} and SNI (cdk-nag reads only the construct's own properties, which still show the default certificate).`,
      });
    } else if (!domain) {
      acknowledgeDefaultCertificateFinding(this.distribution);
    }
    if (china) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR7',
        reason:
          'CloudFormation has no OriginAccessControl resource in the AWS China regions; an origin access identity keeps the bucket private there.',
      });
    }
    this.origin = `https://${domain?.domainName ?? this.distribution.distributionDomainName}`;
  }

  /** Lets the pages call these origins too (Content-Security-Policy connect-src). */
  allowConnections(...origins: string[]): void {
    for (const origin of origins) if (!this.connectOrigins.includes(origin)) this.connectOrigins.push(origin);
  }
}

/** Synth-time checks of the domain setting: required in aws-cn, with exactly one kind of certificate. */
function checkDomain(domain: WebDomain | undefined, china: boolean): void {
  const how = 'set webDomain in the stage (or -c webDomain=<name> with -c webIamCertificateId=<id> or -c webCertificateArn=<arn>)';
  if (!domain) {
    if (china) {
      throw new Error(
        `CloudFront in the AWS China regions serves only an ICP-registered custom domain, never its default *.cloudfront.cn domain: ${how}; see docs/deploy-china.md.`,
      );
    }
    return;
  }
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(domain.domainName)) {
    throw new Error(`webDomain.domainName must be a domain name such as smefin.example.com.cn, not ${JSON.stringify(domain.domainName)}.`);
  }
  if (Boolean(domain.certificateArn) === Boolean(domain.iamCertificateId)) {
    throw new Error(`webDomain ${domain.domainName} needs exactly one certificate: webDomain.iamCertificateId (IAM server certificate) or webDomain.certificateArn (ACM, us-east-1); ${how}.`);
  }
  if (china && domain.certificateArn) {
    throw new Error(
      `CloudFront in the AWS China regions takes no ACM certificate: upload the certificate of ${domain.domainName} to IAM (aws iam upload-server-certificate --path /cloudfront/ …) and set webDomain.iamCertificateId (-c webIamCertificateId=<id>); see docs/deploy-china.md.`,
    );
  }
}
