// POST /v1/counties/{countyCode}/visits/{visitedOn}/{visitId}/needs — the county's task force enters
// a need on the enterprise's behalf from a recorded visit (shared/domain/visit-need.ts): the form's
// body and validation, a signed paper consent or none yet (then the need waits for the enterprise's
// confirmation, offered to no bank). The visit is addressed as it is stored: its county, its day
// and its id (GET …/visits lists them), so no credit code travels in the URL or its logs.
import { normalizeCountyCode } from '../../shared/domain/divisions';
import { MESSAGES } from '../../shared/domain/validation-messages';
import { dayNumber } from '../../shared/domain/visit';
import { createVisitNeedRecord, paperConsentRecipients, parseVisitNeed, visitMatchErrors, visitNeedResponse } from '../../shared/domain/visit-need';
import { requireAccess } from '../../shared/adapters/access';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { invalidFields, invalidParameter, json, problemFor, readJsonBody, type HttpEvent, type HttpResult } from '../../shared/adapters/http';
import { newId } from '../../shared/adapters/ids';
import { withObservability } from '../../shared/adapters/observability';
import { servingBanks } from '../../shared/adapters/serving-banks';
import { issueTrackingToken } from '../../shared/adapters/tracking-token';
import { VisitNeedStore } from '../../shared/adapters/visit-need-store';
import { beforeDeadline, NothingWrittenError } from '../../shared/adapters/write-outcome';
import type { Context } from 'aws-lambda';

const store = new VisitNeedStore(documentDbClient(), { needs: requiredEnv(ENV.needsTable), counters: requiredEnv(ENV.countersTable) });
const banksOf = servingBanks();

const VISIT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const NO_VISIT = { zh: '未找到该走访记录', en: 'No such visit' };

async function visitNeedsHandler(event: HttpEvent, context: Context): Promise<HttpResult> {
  const countyCode = normalizeCountyCode(event.pathParameters?.countyCode ?? '');
  if (!countyCode) return invalidParameter(event, { zh: '请求参数有误', en: 'Invalid parameters' }, 'county_code.unknown', MESSAGES['county_code.unknown']);
  const access = requireAccess(event, 'visits.write', countyCode, { zh: '只能为本区县的走访登记需求', en: 'Needs from visits are entered by the county’s own task force' });
  if (!access.ok) return access.response;
  // A malformed day or id is no visit, as an unknown one: 404, nothing said about which part.
  const visitedOn = event.pathParameters?.visitedOn ?? '';
  const visitId = event.pathParameters?.visitId ?? '';
  const noVisit = () => problemFor(event, 'notFound', NO_VISIT);
  if (dayNumber(visitedOn) === undefined || !VISIT_ID.test(visitId)) return noVisit();

  const body = readJsonBody(event);
  if (!body.ok) return body.response;
  const parsed = parseVisitNeed(body.value);
  if (!parsed.ok) return invalidFields(event, parsed.errors);

  const visit = await store.findVisit(countyCode, visitedOn, visitId);
  if (!visit) return noVisit();
  const mismatch = visitMatchErrors(parsed.need, visit);
  if (mismatch.length > 0) return invalidFields(event, mismatch);
  if (visit.needId) return visitHasNeed(event, visit.needId);

  let recipients;
  if (parsed.need.consent) {
    // A registry that cannot be read fails the request before any write.
    const serving = await banksOf(countyCode).catch((error: unknown) => {
      throw new NothingWrittenError('the bank registry could not be read', { cause: error });
    });
    const picked = paperConsentRecipients(parsed.need, serving);
    if (!picked.ok) return invalidFields(event, picked.errors);
    recipients = picked.recipients;
  }

  const now = new Date();
  const record = createVisitNeedRecord({
    input: parsed.need,
    visit,
    needId: newId(now),
    now,
    // The enterprise opens its need through the SMS link or a status-link recovery: this token is never given out.
    trackingTokenHash: issueTrackingToken().hash,
    enteredBy: access.caller.subject,
    ...(recipients ? { recipients } : {}),
  });
  // Answers before the function's deadline: past it, an honest "outcome unknown" (observability.ts).
  const outcome = await beforeDeadline(context, (signal) => store.create(record, visit, signal));
  switch (outcome.kind) {
    case 'created':
      return json(201, visitNeedResponse(record));
    case 'visit_has_need':
      return visitHasNeed(event, outcome.needId);
    case 'open_need_exists':
      return problemFor(event, 'openNeedExists', {
        zh: '该企业（同一统一社会信用代码）已有一笔办理中的融资需求，不能再登记',
        en: 'The enterprise (this credit code) already has an open financing need: no other can be entered',
      });
  }
}

function visitHasNeed(event: HttpEvent, needId: string | undefined): HttpResult {
  return problemFor(
    event,
    'visitHasNeed',
    { zh: '已根据该走访登记过需求', en: 'A need was entered from this visit already' },
    needId ? { needId } : {},
  );
}

export const handler = withObservability(visitNeedsHandler);
