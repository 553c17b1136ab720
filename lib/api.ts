// The REST API: one Lambda per function in the route table, throttled, access-logged, traced, behind
// a regional WAF, with CORS for the web origin only.
import { Duration, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  Cors,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestAuthorizer,
  ResponseType,
  RestApi,
  type IResource,
} from 'aws-cdk-lib/aws-apigateway';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  GATEWAY_ANSWERS,
  gatewayProblemTemplate,
  gatewayResponseHeaders,
  gatewayStatus,
  type GatewayAnswer,
  type GatewayResponseType,
} from '../shared/domain/gateway-problems';
import { ENV } from '../shared/domain/environment';
import { acknowledgeApiFindings } from './nag';
import { BINARY_MEDIA_TYPES, ROUTES, type FunctionName } from './routes';

export interface ApiProps {
  functions: Record<FunctionName, NodejsFunction>;
  /**
   * The officials' OpenID Connect issuer (any: a province's identity service, Keycloak, the stage's
   * Cognito pool), the accepted audience(s) (comma-separated) and the claim names: the settings of
   * the Lambda authorizer that guards the routes marked `auth`.
   */
  identity: AuthorizerIdentity;
  /** The web distribution's origin, e.g. https://d111.cloudfront.net: CORS. */
  webOrigin: string;
  throttle: { rateLimit: number; burstLimit: number };
}

export interface AuthorizerIdentity {
  issuer: string;
  audience: string;
  roleClaim: string;
  jurisdictionClaim: string;
}

/**
 * Seconds API Gateway keeps an authorizer result per token: well below any token's life (ID tokens
 * live an hour), so a result outlives its token's expiry by at most this long.
 */
export const AUTHORIZER_CACHE_SECONDS = 300;

export class Api extends Construct {
  readonly restApi: RestApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR });
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `${Stack.of(this).stackName}-api`,
      description: 'smefin: financing needs of small and micro enterprises',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Bodies in these types pass as bytes (base64 to and from Lambda): the county lists' XLSX, CSV uploads.
      binaryMediaTypes: [...BINARY_MEDIA_TYPES],
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'api',
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [props.webOrigin],
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        allowHeaders: [...Cors.DEFAULT_HEADERS, 'Idempotency-Key', 'Accept-Language'],
        maxAge: undefined,
      },
    });

    // API Gateway's own answers (no route, 401 from the authorizer, 413, throttling, a failed or
    // timed-out function, …) are problem+json like the API's other errors, and carry CORS headers so
    // the pages can read them. Each type gets its status explicitly, so the body's `status` is true.
    // The construct ids are those of the first two (CORS only): a new id would make CloudFormation
    // delete the old resource after creating the new one, which resets the answer to the default.
    const headers = Object.fromEntries(
      Object.entries(gatewayResponseHeaders(props.webOrigin)).map(([name, value]) => [name, `'${value}'`]),
    );
    for (const [type, answer] of Object.entries(GATEWAY_ANSWERS) as [GatewayResponseType, GatewayAnswer][]) {
      const status = gatewayStatus(answer);
      this.restApi.addGatewayResponse(`Cors${type}`, {
        type: ResponseType.of(type),
        ...(status === undefined ? {} : { statusCode: String(status) }),
        responseHeaders: headers,
        templates: { 'application/json': gatewayProblemTemplate(answer) },
      });
    }
    const functions = props.functions;
    const authorizerFunction = functions.authorizer;
    authorizerFunction.addEnvironment(ENV.oidcIssuer, props.identity.issuer);
    authorizerFunction.addEnvironment(ENV.oidcAudience, props.identity.audience);
    authorizerFunction.addEnvironment(ENV.oidcRoleClaim, props.identity.roleClaim);
    authorizerFunction.addEnvironment(ENV.oidcJurisdictionClaim, props.identity.jurisdictionClaim);
    // REQUEST type, cached by the Authorization header: a request without it is refused (401) before
    // the function runs; Cognito authorizers are not offered in the AWS China regions.
    const authorizer = new RequestAuthorizer(this, 'Officials', {
      handler: authorizerFunction,
      identitySources: ['method.request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_SECONDS),
    });
    acknowledgeApiFindings(this);

    for (const route of ROUTES) {
      const resource = route.path
        .split('/')
        .filter(Boolean)
        .reduce<IResource>((parent, part) => parent.getResource(part) ?? parent.addResource(part), this.restApi.root);
      resource.addMethod(
        route.method,
        new LambdaIntegration(functions[route.function]),
        route.auth === 'official' ? { authorizer, authorizationType: AuthorizationType.CUSTOM } : {},
      );
    }

    const webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'smefin-api', sampledRequestsEnabled: true },
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: 1000, aggregateKeyType: 'IP' } },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'rate-limit', sampledRequestsEnabled: true },
        },
        managedRule('AWSManagedRulesCommonRuleSet', 1, [
          // Needs may be up to 32 KiB (the handler enforces it with a 413); the rule set's 8 KiB body cap would block them.
          'SizeRestrictions_BODY',
        ]),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      webAclArn: webAcl.attrArn,
      resourceArn: Stack.of(this).formatArn({
        service: 'apigateway',
        account: '',
        resource: `/restapis/${this.restApi.restApiId}/stages/${this.restApi.deploymentStage.stageName}`,
      }),
    });
  }
}

function managedRule(name: string, priority: number, countOnly: string[] = []): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
      },
    },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
  };
}
