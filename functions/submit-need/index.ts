// POST /v1/needs — an enterprise declares a financing need.
import { needSubmissionSchema, type ValidNeed } from '../../shared/domain/need';
import { submitNeed, type SubmitNeedOutcome } from '../../shared/domain/submit-need';
import { consentRecipients, type ConsentRecipient } from '../../shared/domain/consent-recipients';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { header, invalidBody, invalidFields, invalidParameter, json, problemFor, readJsonBody, retryAfter, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import {
  IDEMPOTENCY_KEY_PATTERN,
  IdempotencyAlreadyInProgressError,
  IdempotencyValidationError,
  idempotentByKey,
  requestFingerprint,
} from '../../shared/adapters/idempotency';
import { newId } from '../../shared/adapters/ids';
import { needRepository } from '../../shared/adapters/need-repository';
import { servingBanks } from '../../shared/adapters/serving-banks';
import { metrics, withObservability } from '../../shared/adapters/observability';
import { issueTrackingToken } from '../../shared/adapters/tracking-token';
import { beforeDeadline, NothingWrittenError } from '../../shared/adapters/write-outcome';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

const deps = {
  needs: needRepository(),
  now: () => new Date(),
  newId,
  issueTrackingToken,
  webOrigin: requiredEnv(ENV.webOrigin),
};

const banksOf = servingBanks();

// The need keeps hashes of the key and body, so a retry finds it even when the first answer was never stored.
// The consent's recipients, read from the registry just before, go beside the request (not hashed).
const submitOnce = idempotentByKey<ValidNeed, SubmitNeedOutcome, readonly ConsentRecipient[]>(
  requiredEnv(ENV.idempotencyTable),
  ({ key, request }, signal, recipients) => submitNeed(request, deps, { submission: requestFingerprint(key, request), signal, ...(recipients ? { recipients } : {}) }),
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

  // Every bank the consent names must serve the county (PIPL art. 23: the recipients are named).
  // A registry that cannot be read fails the request before any write: nothing was saved.
  const serving = await banksOf(parsed.data.enterprise.countyCode).catch((error: unknown) => {
    throw new NothingWrittenError('the bank registry could not be read', { cause: error });
  });
  const consent = consentRecipients(parsed.data.consent, serving);
  if (!consent.ok) return invalidFields(event, consent.errors);
  const { recipients } = consent;

  let outcome: SubmitNeedOutcome;
  try {
    // Answers before the function's deadline: past it, an honest "outcome unknown" (observability.ts).
    outcome = await beforeDeadline(context, (signal) => {
      if (key === undefined) return submitNeed(parsed.data, deps, { signal, recipients });
      submitOnce.registerLambdaContext(context);
      return submitOnce({ key, request: parsed.data }, { signal, context: recipients });
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
