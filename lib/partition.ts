// The partition a stack deploys to, decided at synth time from its region (cn-* → aws-cn), for the few
// constructs that must differ there (no Cognito, no Lambda active tracing, CloudFront only on an
// ICP-registered custom domain with an origin access identity). Everything else stays
// partition-agnostic (Aws.PARTITION, formatArn, the CDK's region facts).
import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { IConstruct } from 'constructs';

export type Partition = 'aws' | 'aws-cn';

/** `aws-cn` for the China regions, `aws` otherwise; a region unknown at synth (env-agnostic) counts as `aws`. */
export function partitionOfRegion(region: string): Partition {
  if (Token.isUnresolved(region)) return 'aws';
  const known = RegionInfo.get(region).partition;
  return known === 'aws-cn' || region.startsWith('cn-') ? 'aws-cn' : 'aws';
}

export function partitionOf(scope: IConstruct): Partition {
  return partitionOfRegion(Stack.of(scope).region);
}

export function inChina(scope: IConstruct): boolean {
  return partitionOf(scope) === 'aws-cn';
}

/** Lambda active tracing (X-Ray) and the Powertools Tracer: not offered for Lambda in the China regions. */
export function lambdaTracingOffered(scope: IConstruct): boolean {
  return !inChina(scope);
}
