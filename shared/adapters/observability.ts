// Powertools for AWS Lambda: structured JSON logs with correlation ids, EMF business metrics and X-Ray
// traces, attached to every handler through middy. Service name and namespace come from the standard
// POWERTOOLS_* environment variables that the stack sets.
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import { problemFor, type HttpEvent, type HttpResult } from './http';

export const logger = new Logger();
export const metrics = new Metrics();
export const tracer = new Tracer();

export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** Wraps a handler with tracing, logging context, (optionally) metrics flushing and the error safety net. */
export function withObservability(handler: HttpHandler, options: { metrics?: boolean } = {}) {
  const wrapped = middy(handler)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { correlationIdPath: 'requestContext.requestId' }));
  if (options.metrics) wrapped.use(logMetrics(metrics));
  return wrapped.use(problemOnError());
}

function isDependencyFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { $metadata?: unknown; code?: unknown; name?: unknown };
  return (
    candidate.$metadata !== undefined ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'].includes(String(candidate.code)) ||
    candidate.name === 'TimeoutError'
  );
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
      const kind = isDependencyFailure(error) ? 'unavailable' : 'internal';
      request.response = problemFor(request.event, kind, {
        zh: kind === 'unavailable' ? '依赖的服务暂时不可用，请稍后重试，您的数据未被保存' : '服务内部错误，您的数据未被保存',
        en:
          kind === 'unavailable'
            ? 'A service we depend on is unavailable; please retry later. Nothing was saved.'
            : 'Internal error. Nothing was saved.',
      });
    },
  };
}
