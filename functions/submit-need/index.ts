// POST /v1/needs — an enterprise declares a financing need.
import { needSubmissionSchema, type ValidNeed } from '../../shared/domain/need';
import { submitNeed, type SubmitNeedOutcome } from '../../shared/domain/submit-need';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { header, invalidBody, invalidParameter, json, problemFor, readJsonBody, retryAfter, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import {
  IDEMPOTENCY_KEY_PATTERN,
  IdempotencyAlreadyInProgressError,
  IdempotencyValidationError,
  idempotentByKey,
  requestFingerprint,
} from '../../shared/adapters/idempotency';
import { newId } from '../../shared/adapters/ids';
import { needRepository } from '../../shared/adapters/need-repository';
import { metrics, withObservability } from '../../shared/adapters/observability';
import { issueTrackingToken } from '../../shared/adapters/tracking-token';
import { beforeDeadline } from '../../shared/adapters/write-outcome';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

const deps = {
  needs: needRepository(),
  now: () => new Date(),
  newId,
  issueTrackingToken,
  webOrigin: requiredEnv(ENV.webOrigin),
};

// The need keeps hashes of the key and body, so a retry finds it even when the first answer was never stored.
const submitOnce = idempotentByKey<ValidNeed, SubmitNeedOutcome>(requiredEnv(ENV.idempotencyTable), ({ key, request }, signal) =>
  submitNeed(request, deps, { submission: requestFingerprint(key, request), signal }),
);

const keyReused = (event: HttpEvent) =>
  problemFor(event, 'idempotencyKeyReused', {
    zh: '请为新的需求使用新的 Idempotency-Key',
    en: 'Use a new Idempotency-Key for a different request',
  });

async function submitNeedHandler(event: HttpEvent, context: Context): Promise<HttpResult> {
  const body = readJsonBody(event);
  if (!body.ok) return body.response;

  const parsed = needSubmissionSchema.safeParse(body.value);
  if (!parsed.success) return invalidBody(event, parsed.error.issues, body.value);

  const key = header(event, 'idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    return invalidParameter(
      event,
      { zh: 'Idempotency-Key 请求头格式不正确', en: 'The Idempotency-Key header is malformed' },
      'idempotency_key.invalid',
      { zh: 'Idempotency-Key 应为 1–255 个可打印 ASCII 字符', en: 'Idempotency-Key must be 1–255 printable ASCII characters' },
    );
  }

  let outcome: SubmitNeedOutcome;
  try {
    // Answers before the function's deadline: past it, an honest "outcome unknown" (observability.ts).
    outcome = await beforeDeadline(context, (signal) => {
      if (key === undefined) return submitNeed(parsed.data, deps, { signal });
      submitOnce.registerLambdaContext(context);
      return submitOnce({ key, request: parsed.data }, { signal });
    });
  } catch (error) {
    if (error instanceof IdempotencyValidationError) return keyReused(event);
    if (error instanceof IdempotencyAlreadyInProgressError) {
      return problemFor(
        event,
        'idempotencyInProgress',
        { zh: '请稍后用相同的请求重试', en: 'Retry the same request shortly' },
        {},
        retryAfter(),
      );
    }
    throw error;
  }

  if (outcome.kind === 'key_reused') return keyReused(event);
  if (outcome.kind === 'open_need_exists') {
    return problemFor(event, 'openNeedExists', {
      zh: '同一统一社会信用代码只能有一笔办理中的需求；请通过回执中的链接查看进度，链接丢失可凭信用代码和手机号找回（find.html）',
      en: 'Only one open need per credit code; follow the existing one with the link on its receipt, or get the link back with the credit code and mobile (find.html)',
    });
  }
  return json(201, outcome.response, { Location: `/v1/needs/${outcome.response.needId}` });
}

/** Every answer is counted: needs submitted, and submissions refused (any 4xx). */
async function countedSubmitNeedHandler(event: HttpEvent, context: Context): Promise<HttpResult> {
  const response = await submitNeedHandler(event, context);
  metrics.addMetric(response.statusCode === 201 ? 'NeedsSubmitted' : 'NeedSubmissionsRefused', MetricUnit.Count, 1);
  return response;
}

export const handler = withObservability(countedSubmitNeedHandler, { metrics: true });
