// Declaring a need: build the record and store it with its county-day counter, once per open need.
import type { ValidNeed } from './need';
import { createNeedRecord, statusPageUrl, type SubmitNeedResponse } from './need-record';
import type { NeedRepository } from './ports';

export interface SubmitNeedDeps {
  needs: NeedRepository;
  now: () => Date;
  newId: (now: Date) => string;
  issueTrackingToken: () => { token: string; hash: string };
  webOrigin: string;
}

export type SubmitNeedOutcome = { kind: 'created'; response: SubmitNeedResponse } | { kind: 'open_need_exists' };

export async function submitNeed(input: ValidNeed, deps: SubmitNeedDeps): Promise<SubmitNeedOutcome> {
  const now = deps.now();
  const needId = deps.newId(now);
  const { token, hash } = deps.issueTrackingToken();
  const record = createNeedRecord({ input, needId, now, trackingTokenHash: hash });
  const outcome = await deps.needs.create(record);
  if (outcome.kind !== 'created') return outcome;
  return {
    kind: 'created',
    response: {
      needId,
      status: record.status,
      sizeClass: record.sizeClass,
      trackingToken: token,
      statusUrl: statusPageUrl(deps.webOrigin, needId, token),
    },
  };
}
