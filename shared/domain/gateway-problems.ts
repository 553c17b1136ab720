// The answers API Gateway gives by itself (no route, 401 from the authorizer, 413, throttling, a
// function that failed or timed out, …) as problem+json, like every other error of the API. One
// table for both places: lib/api.ts turns each entry into a GatewayResponse, and the local gateway
// (local/api-gateway.ts) answers with the same bodies.
//
// A GatewayResponse template is not Velocity: API Gateway only substitutes `$context` variables. So
// the body cannot follow Accept-Language: `title` and `detail` carry both languages ("中文 / English"),
// and `localized` has each language on its own for clients that pick one.
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, problemTypeUri, type LocalizedText, type ProblemKind } from './problem';

export interface GatewayAnswer {
  kind: ProblemKind;
  detail: LocalizedText;
  /**
   * DEFAULT_4XX and DEFAULT_5XX stand for answers of several statuses (API Gateway keeps each one's
   * own, and setting theirs would change every other answer of the class): their bodies claim none.
   * RFC 9457 makes `status` optional; the HTTP status is the authority.
   */
  anyStatus?: true;
}

/** Every gateway response type API Gateway REST APIs have (the `ResponseType`s of the GatewayResponse API). */
export const GATEWAY_ANSWERS = {
  // No route: API Gateway says "Missing Authentication Token" (403) for an unknown path or a method a
  // path does not have. No route here uses IAM authentication, so it only ever means "no such route": 404.
  MISSING_AUTHENTICATION_TOKEN: {
    kind: 'notFound',
    detail: { zh: '没有这个接口：请核对地址和请求方法', en: 'There is no such endpoint: check the address and the method' },
  },
  RESOURCE_NOT_FOUND: { kind: 'notFound', detail: { zh: '请求的资源不存在', en: 'The requested resource does not exist' } },
  UNAUTHORIZED: {
    kind: 'unauthorized',
    detail: { zh: '需要有效的登录令牌：请重新登录', en: 'A valid sign-in token is required: sign in again' },
  },
  ACCESS_DENIED: { kind: 'forbidden', detail: { zh: '当前身份无权执行此操作', en: 'Your identity may not do this' } },
  EXPIRED_TOKEN: { kind: 'forbidden', detail: { zh: '请求的凭证已过期', en: 'The credentials of the request have expired' } },
  INVALID_SIGNATURE: { kind: 'forbidden', detail: { zh: '请求签名无效', en: 'The request signature is invalid' } },
  INVALID_API_KEY: { kind: 'forbidden', detail: { zh: 'API 密钥无效', en: 'The API key is invalid' } },
  WAF_FILTERED: {
    kind: 'forbidden',
    detail: { zh: '请求被防火墙拦截', en: 'The request was blocked by the web application firewall' },
  },
  BAD_REQUEST_PARAMETERS: { kind: 'badRequest', detail: { zh: '请求参数无效', en: 'The request parameters are invalid' } },
  BAD_REQUEST_BODY: { kind: 'badRequest', detail: { zh: '请求体无效', en: 'The request body is invalid' } },
  REQUEST_TOO_LARGE: {
    kind: 'payloadTooLarge',
    detail: { zh: '请求超过 API 网关 10 MB 的上限', en: "The request exceeds the API gateway's 10 MB limit" },
  },
  UNSUPPORTED_MEDIA_TYPE: {
    kind: 'unsupportedMediaType',
    detail: { zh: '请求内容类型不受支持', en: 'The content type of the request is not supported' },
  },
  THROTTLED: { kind: 'tooManyRequests', detail: { zh: '请求过于频繁，请稍后重试', en: 'Too many requests: retry in a moment' } },
  QUOTA_EXCEEDED: { kind: 'tooManyRequests', detail: { zh: '请求配额已用完，请稍后重试', en: 'The request quota is used up: retry later' } },
  // The function failed, or answered something that is not a proxy response: 502 (RFC 9110 §15.6.3),
  // as API Gateway answers a function error, rather than the type's default 504.
  INTEGRATION_FAILURE: {
    kind: 'badGateway',
    detail: { zh: '服务未能处理请求，请稍后重试', en: 'The service failed to handle the request: retry later' },
  },
  INTEGRATION_TIMEOUT: {
    kind: 'gatewayTimeout',
    detail: { zh: '服务未能及时响应，请稍后重试', en: 'The service did not answer in time: retry later' },
  },
  // The Lambda authorizer failed (it throws when the issuer's keys cannot be fetched and none are
  // cached; a bad token is a 401, never this): 503, retry later. Which of the two types API Gateway
  // reports for an authorizer that throws is not documented precisely, so both answer alike.
  AUTHORIZER_FAILURE: { kind: 'unavailable', detail: { zh: '身份校验出错，请稍后重试', en: 'The sign-in check failed: retry later' } },
  AUTHORIZER_CONFIGURATION_ERROR: {
    kind: 'unavailable',
    detail: { zh: '身份校验服务不可用，请稍后重试', en: 'The sign-in check is unavailable: retry later' },
  },
  API_CONFIGURATION_ERROR: { kind: 'internal', detail: { zh: '接口配置有误', en: 'The API is misconfigured' } },
  DEFAULT_4XX: { kind: 'badRequest', anyStatus: true, detail: { zh: '请求未被受理', en: 'The request was refused' } },
  DEFAULT_5XX: { kind: 'internal', anyStatus: true, detail: { zh: '服务出错，请稍后重试', en: 'The service failed: retry later' } },
} as const satisfies Record<string, GatewayAnswer>;

export type GatewayResponseType = keyof typeof GATEWAY_ANSWERS;

/**
 * A path whose percent-encoding does not decode (`%ZZ`, a cut or invalid UTF-8 sequence) is refused
 * with a 400 before any route is matched: the handlers never see it. The local gateway answers so.
 */
export const MALFORMED_PATH: GatewayAnswer = {
  kind: 'badRequest',
  detail: { zh: '请求地址中的百分号编码无效', en: 'The address has invalid percent-encoding' },
};

/** What API Gateway puts in place of the request id in a template. */
export const REQUEST_ID_VARIABLE = '$context.requestId';

export interface GatewayProblem {
  type: string;
  title: string;
  status?: number;
  detail: string;
  /** The request id (API Gateway's `$context.requestId`), as in the access log. */
  requestId: string;
  localized: Record<'zh' | 'en', { title: string; detail: string }>;
}

/** The HTTP status of an answer; undefined for DEFAULT_4XX/DEFAULT_5XX (their status varies). */
export function gatewayStatus(answer: GatewayAnswer): number | undefined {
  return answer.anyStatus ? undefined : PROBLEM_TYPES[answer.kind].status;
}

const bilingual = (text: LocalizedText) => `${text.zh} / ${text.en}`;

export function gatewayProblem(answer: GatewayAnswer, requestId: string): GatewayProblem {
  const title = PROBLEM_TYPES[answer.kind].title;
  const status = gatewayStatus(answer);
  return {
    type: problemTypeUri(answer.kind),
    title: bilingual(title),
    ...(status === undefined ? {} : { status }),
    detail: bilingual(answer.detail),
    requestId,
    localized: {
      zh: { title: title.zh, detail: answer.detail.zh },
      en: { title: title.en, detail: answer.detail.en },
    },
  };
}

/** The body template of a GatewayResponse: the problem with `$context.requestId` in place of the id. */
export function gatewayProblemTemplate(answer: GatewayAnswer): string {
  return JSON.stringify(gatewayProblem(answer, REQUEST_ID_VARIABLE));
}

/** The headers of every gateway answer: the problem media type, and CORS for the web origin. */
export function gatewayResponseHeaders(webOrigin: string | undefined): Record<string, string> {
  return {
    'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(webOrigin ? { 'Access-Control-Allow-Origin': webOrigin, Vary: 'Origin' } : {}),
  };
}
