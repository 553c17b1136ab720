// The API's Lambda authorizer (REQUEST, cached per token): verifies an official's OpenID Connect token
// of the stage's issuer and passes sub, role and jurisdiction to the functions. See
// shared/adapters/lambda-authorizer.ts for its answers.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DEFAULT_CLAIM_NAMES } from '../../shared/domain/claims';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { lambdaAuthorizer } from '../../shared/adapters/lambda-authorizer';
import { CORRELATION_IDS, logger } from '../../shared/adapters/observability';
import { oidcVerifier } from '../../shared/adapters/oidc-verifier';

const audiences = requiredEnv(ENV.oidcAudience)
  .split(',')
  .map((audience) => audience.trim())
  .filter(Boolean);

export const handler = middy(
  lambdaAuthorizer({
    verifier: oidcVerifier({ issuer: requiredEnv(ENV.oidcIssuer), audiences }),
    claimNames: {
      role: process.env[ENV.oidcRoleClaim] || DEFAULT_CLAIM_NAMES.role,
      jurisdiction: process.env[ENV.oidcJurisdictionClaim] || DEFAULT_CLAIM_NAMES.jurisdiction,
    },
    log: logger,
  }),
).use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_IDS.api }));
