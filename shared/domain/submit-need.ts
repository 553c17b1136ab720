// Declaring a need: build the record and store it with its county-day counter, once per open need.
// A retry with the Idempotency-Key of an earlier request whose need was stored but whose answer was
// lost gets that need back, with the tracking token issued now (only its hash is stored, so the
// first one cannot be given again; the first answer never reached anyone).
import type { ValidNeed } from './need';
import type { ConsentRecipient } from './consent';
import { createNeedRecord, statusPageUrl, type NeedRecord, type SubmitNeedResponse } from './need-record';
import type { CreateNeedOptions, NeedRepository } from './ports';

export interface SubmitNeedDeps {
  needs: NeedRepository;
  now: () => Date;
  newId: (now: Date) => string;
  issueTrackingToken: () => { token: string; hash: string };
  webOrigin: string;
}

export type SubmitNeedOutcome =
  | { kind: 'created'; response: SubmitNeedResponse }
  | { kind: 'open_need_exists' }
  | { kind: 'key_reused' };

export interface SubmitNeedOptions extends CreateNeedOptions {
  /** The banks the consent names, checked against the registry (consent-recipients.ts consentRecipients). */
  recipients?: readonly ConsentRecipient[];
}

export async function submitNeed(input: ValidNeed, deps: SubmitNeedDeps, options: SubmitNeedOptions = {}): Promise<SubmitNeedOutcome> {
  const { recipients, ...createOptions } = options;
  const now = deps.now();
  const needId = deps.newId(now);
  const { token, hash } = deps.issueTrackingToken();
  const record = createNeedRecord({ input, needId, now, trackingTokenHash: hash, ...(recipients ? { recipients } : {}) });
  const outcome = await deps.needs.create(record, createOptions);
  const receipt = (need: Pick<NeedRecord, 'needId' | 'status' | 'sizeClass'>): SubmitNeedOutcome => ({
    kind: 'created',
    response: {
      needId: need.needId,
      status: need.status,
      sizeClass: need.sizeClass,
      trackingToken: token,
      statusUrl: statusPageUrl(deps.webOrigin, need.needId, token),
    },
  });
  switch (outcome.kind) {
    case 'created':
      return receipt(record);
    case 'already_submitted':
      return receipt(outcome);
    default:
      return outcome;
  }
}
