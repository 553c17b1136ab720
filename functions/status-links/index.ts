// POST /v1/status-links          {creditCode, mobile}        → 202, the same body whatever matched
// POST /v1/status-links/verify   {creditCode, mobile, code}  → 200 {needId, statusUrl} with a fresh tracking token
// Finding a need again without its link (shared/domain/status-link.ts); 429 with Retry-After past the limits.
import { createHmac, randomInt } from 'node:crypto';
import type { z } from 'zod';
import { statusPageUrl } from '../../shared/domain/need-record';
import {
  requestStatusLink,
  STATUS_LINK_ACCEPTED,
  statusLinkRequestSchema,
  statusLinkVerifySchema,
  verifyStatusLink,
  type StatusLinkDeps,
  type StatusLinkVerified,
} from '../../shared/domain/status-link';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { invalidBody, json, problemFor, readJsonBody, retryAfter, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { withObservability } from '../../shared/adapters/observability';
import { smsHandOff } from '../../shared/adapters/sms-hand-off';
import { DynamoStatusLinkStore } from '../../shared/adapters/status-link-store';
import { issueTrackingToken } from '../../shared/adapters/tracking-token';

const webOrigin = requiredEnv(ENV.webOrigin);
const needsTable = requiredEnv(ENV.needsTable);
// Hashes in keys and of codes are keyed by the table's name: not a secret, but no precomputed table
// of mobile numbers fits another deployment's keys.
const deps: StatusLinkDeps = {
  store: new DynamoStatusLinkStore(documentDbClient(), needsTable),
  handOff: smsHandOff(),
  hash: (value) => createHmac('sha256', needsTable).update(value, 'utf8').digest('base64url'),
  newCode: () => String(randomInt(0, 1_000_000)).padStart(6, '0'),
  issueTrackingToken,
};

const REFUSED = {
  zh: '验证码不正确或已失效。请核对信用代码和手机号，或重新获取验证码。',
  en: 'The code is wrong or no longer valid. Check the credit code and mobile, or ask for a new code.',
};

function parse<S extends z.ZodType>(event: HttpEvent, schema: S): { ok: true; value: z.output<S> } | { ok: false; response: HttpResult } {
  const body = readJsonBody(event);
  if (!body.ok) return body;
  const parsed = schema.safeParse(body.value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, response: invalidBody(event, parsed.error.issues, body.value) };
}

const limited = (event: HttpEvent, seconds: number) =>
  problemFor(event, 'tooManyRequests', { zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' }, {}, retryAfter(seconds));

async function statusLinksHandler(event: HttpEvent): Promise<HttpResult> {
  const now = new Date();
  if (event.resource.endsWith('/verify')) {
    const input = parse(event, statusLinkVerifySchema);
    if (!input.ok) return input.response;
    const outcome = await verifyStatusLink(deps, input.value, now);
    if (outcome.kind === 'limited') return limited(event, outcome.retryAfterSeconds);
    if (outcome.kind === 'refused') {
      return problemFor(event, 'validation', REFUSED, { errors: [{ pointer: '/code', code: 'status_link.refused', message: REFUSED }] });
    }
    const verified: StatusLinkVerified = { needId: outcome.needId, statusUrl: statusPageUrl(webOrigin, outcome.needId, outcome.trackingToken) };
    return json(200, verified);
  }
  const input = parse(event, statusLinkRequestSchema);
  if (!input.ok) return input.response;
  const outcome = await requestStatusLink(deps, input.value, now);
  if (outcome.kind === 'limited') return limited(event, outcome.retryAfterSeconds);
  return json(202, STATUS_LINK_ACCEPTED);
}

export const handler = withObservability(statusLinksHandler);
