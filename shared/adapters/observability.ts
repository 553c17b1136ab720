// Powertools for AWS Lambda: structured JSON logs with correlation ids (JMESPath paths, resolved by
// Powertools' search function), EMF business metrics and X-Ray traces, attached to every handler through middy. Service name and namespace come from the standard
// POWERTOOLS_* environment variables that the stack sets. Where Lambda tracing is not offered (aws-cn)
// the stack sets POWERTOOLS_TRACE_ENABLED=false and defines it so at build time: the Tracer is then
// neither loaded nor bundled (its import below sits in a branch esbuild removes).
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { correlationPaths, search } from '@aws-lambda-powertools/logger/correlationId';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { problemFor, retryAfter, type HttpEvent, type HttpResult } from './http';
import { causeChain, writeOutcomeOf } from './write-outcome';

/** Correlation ids are JMESPath expressions over the event, resolved by Powertools' own search function. */
export const logger = new Logger({ correlationIdSearchFn: search });
export const metrics = new Metrics();

/**
 * Where each kind of event carries its correlation id: the API Gateway request id (the gateway's
 * own problem answers carry it as `requestId`), and for the workflow's steps the need or referral
 * they act on. Scheduled runs have none beyond the Lambda request id every line carries.
 */
export const CORRELATION_IDS = {
  api: correlationPaths.API_GATEWAY_REST,
  workflow: 'needId || referralId',
} as const;

export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;
type Middleware = middy.MiddlewareObj<HttpEvent, HttpResult>;

/** Powertools' X-Ray middleware, loaded (during the function's init) only where tracing is on. */
const tracing: Promise<Middleware> | undefined =
  process.env.POWERTOOLS_TRACE_ENABLED === 'false'
    ? undefined
    : Promise.all([import('@aws-lambda-powertools/tracer'), import('@aws-lambda-powertools/tracer/middleware')]).then(
        ([{ Tracer }, { captureLambdaHandler }]) => captureLambdaHandler(new Tracer()) as Middleware,
      );

/** A middleware that is being loaded: each phase waits for it, then runs its own. */
function loaded(middleware: Promise<Middleware>): Middleware {
  return {
    before: async (request) => (await middleware).before?.(request),
    after: async (request) => (await middleware).after?.(request),
    onError: async (request) => (await middleware).onError?.(request),
  };
}

/** Wraps a handler with tracing (where on), logging context, (optionally) metrics flushing and the error safety net. */
export function withObservability(handler: HttpHandler, options: { metrics?: boolean } = {}) {
  const wrapped = middy(handler);
  if (tracing) wrapped.use(loaded(tracing));
  wrapped.use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_IDS.api }));
  if (options.metrics) wrapped.use(logMetrics(metrics));
  return wrapped.use(problemOnError());
}

/** A dependency (an AWS service, the network) failed somewhere on the error's cause chain. */
function isDependencyFailure(error: unknown): boolean {
  return causeChain(error).some((link) => {
    if (typeof link !== 'object' || link === null) return false;
    const candidate = link as { $metadata?: unknown; code?: unknown; name?: unknown };
    return (
      candidate.$metadata !== undefined ||
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'].includes(String(candidate.code)) ||
      candidate.name === 'TimeoutError' ||
      candidate.name === 'AbortError'
    );
  });
}

/** Methods that change nothing: their failures need not say anything about saving. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const NOTHING_SAVED = { zh: '您的数据未被保存。', en: 'Nothing was saved.' };
const NOT_CONFIRMED = {
  zh: '我们无法确认您的请求是否已保存。请用相同的请求（相同的 Idempotency-Key）重试：不会重复记录。',
  en: 'We could not confirm whether your request was saved. Retry the same request (with the same Idempotency-Key): it will not be recorded twice.',
};

/**
 * The answer to an error that escaped a handler. "Nothing was saved" only where that is known
 * (the failure came before any write, or the store refused the write whole: write-outcome.ts); where
 * a write may have happened — a timeout, a lost connection, the function's deadline, or any failure
 * of a request that changes things and says no more — 503 outcome-unknown, which asks for the same
 * request again. Safe methods say neither.
 */
function errorResponse(event: HttpEvent, error: unknown): HttpResult {
  const marked = writeOutcomeOf(error);
  const safe = SAFE_METHODS.has(event.httpMethod);
  const dependency = isDependencyFailure(error);
  if (marked === 'unknown' || (marked === undefined && !safe && dependency)) {
    return problemFor(event, 'outcomeUnknown', NOT_CONFIRMED, {}, retryAfter());
  }
  const said = marked === 'nothing_written' ? NOTHING_SAVED : safe ? undefined : NOT_CONFIRMED;
  if (dependency) {
    return problemFor(
      event,
      'unavailable',
      {
        zh: `依赖的服务暂时不可用，请稍后重试。${said?.zh ?? ''}`,
        en: `A service we depend on is unavailable; please retry later.${said ? ` ${said.en}` : ''}`,
      },
      {},
      retryAfter(),
    );
  }
  return problemFor(event, 'internal', { zh: `服务内部错误。${said?.zh ?? ''}`, en: `Internal error.${said ? ` ${said.en}` : ''}` });
}

/**
 * Last line of defence: an error that escapes a handler becomes a problem+json response (503 when a
 * dependency failed, 500 for a bug) and a log line with the stack, never a bare gateway error.
 */
export function problemOnError(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: async (request) => {
      const error = request.error;
      logger.error('unhandled error', error instanceof Error ? error : String(error));
      request.response = errorResponse(request.event, error);
    },
  };
}
