/**
 * A need the county task force enters on an enterprise's behalf from a recorded visit (issue 8,
 * "needs from visits"): `POST /v1/counties/{countyCode}/visits/{visitId}/needs`.
 *
 * - The body is the public form's (need.ts: the same fields, the same validation and messages), but
 *   its `consent` is the task force's: a signed paper consent (`kind: "paper"`, its `reference`, the
 *   text version it was signed under — one that names its banks, as 2026-12 does — and the ids of the
 *   banks it names), or nothing yet.
 * - The need's credit code must be the visit's, and its county the visit's (the path's); the visit
 *   links to one need.
 * - **The consent gate.** Nothing reaches a bank without consent on record: with a paper consent the
 *   need is `submitted` and routed as any other; without one it is `awaiting_consent` — on the
 *   declaration list, holding the credit code's open-need claim, counted as declared on its day, but
 *   offered to no bank: its consent names no bank (`shareWithBanks: false`, no recipients), no
 *   workflow starts for it (the routing pipe starts only needs inserted `submitted`) and the route
 *   step stops at once for one (routing.ts). The enterprise gets an SMS with a status link
 *   (notifications.ts); the status page shows the consent text naming the banks serving the county
 *   and a confirm button, which records the consent (need-changes.ts, the consent renewal) and starts
 *   routing in a new round.
 * - Counters (docs/data-model.md): `declared` and `declaredFromVisits` on the county-day of entry.
 *
 * Pure module: no I/O, no environment, no clock (`now` comes in).
 */
import * as z from 'zod';
import { fieldErrorsWithMessages } from './bank';
import { consentNamesRecipients, CURRENT_CONSENT_VERSION, type ConsentRecipient, type NeedConsent } from './consent';
import { consentRecipients } from './consent-recipients';
import { consentSchema, contactSchema, enterpriseSchema, needDetailsSchema, type ValidNeed } from './need';
import { createNeedRecord, type NeedRecord, type NeedStatus } from './need-record';
import type { FieldError, LocalizedText } from './problem';
import { plainText } from './text';
import { timelineEntry } from './timeline';
import type { Visit } from './visit';

export const PAPER_REFERENCE_LENGTH = 64;

export const VISIT_NEED_MESSAGES = {
  'consent.paper_kind': {
    zh: '书面授权的类型应为 paper（企业签署的纸质授权书）；尚无授权时不填 consent，由企业在线确认',
    en: 'The consent kind must be paper (a signed paper consent); leave consent out when there is none yet: the enterprise confirms online',
  },
  'consent.paper_reference': {
    zh: `请填写纸质授权书编号（1–${PAPER_REFERENCE_LENGTH} 个字符，一行）`,
    en: `Enter the paper consent's reference (1–${PAPER_REFERENCE_LENGTH} characters, one line)`,
  },
  'consent.paper_version': {
    zh: '纸质授权书须使用列明银行名称的同意书版本（如 2026-12）',
    en: 'A paper consent must be signed under a consent text version that names the banks (e.g. 2026-12)',
  },
  'visit_need.credit_code': {
    zh: '统一社会信用代码与该走访记录的企业不一致',
    en: 'The credit code is not the one of the visited enterprise',
  },
  'visit_need.county': {
    zh: '企业注册地须为该走访所在区县',
    en: 'The enterprise must be registered in the county of the visit',
  },
} as const satisfies Record<string, LocalizedText>;

type VisitNeedMessageCode = keyof typeof VISIT_NEED_MESSAGES;
const err = (code: VisitNeedMessageCode) => ({ error: code });

/** A signed paper consent the task force holds: the reference, the text version signed, the banks it names. */
export const paperConsentSchema = z
  .strictObject({
    kind: z.literal('paper', err('consent.paper_kind')),
    reference: z
      .string(err('consent.paper_reference'))
      .superRefine(plainText('single'))
      .transform((value) => value.trim())
      .pipe(z.string().min(1, err('consent.paper_reference')).max(PAPER_REFERENCE_LENGTH, err('consent.paper_reference')))
      .meta({ description: "The paper consent's reference in the task force's files", example: 'XH-2026-0412' }),
    textVersion: consentSchema.shape.textVersion.refine(consentNamesRecipients, err('consent.paper_version')),
    bankIds: consentSchema.shape.bankIds.unwrap().meta({
      description: 'The banks the signed text names (GET /v1/counties/{countyCode}/banks), each serving the county; only they are offered the need',
      example: ['huimin-bank'],
    }),
  })
  .meta({ title: 'PaperConsent', description: 'A consent the enterprise signed on paper (PIPL art. 23: it names the banks, as the 2026-12 text does)' });

/** The body of POST /v1/counties/{countyCode}/visits/{visitId}/needs: the form's need, the task force's consent. */
export const visitNeedSchema = z
  .strictObject({
    enterprise: enterpriseSchema,
    contact: contactSchema,
    need: needDetailsSchema,
    consent: paperConsentSchema.optional().meta({
      description: 'A signed paper consent; absent: none yet, the need waits (awaiting_consent) until the enterprise confirms on its status page',
    }),
  })
  .meta({ title: 'VisitNeed', description: 'A financing need the county task force enters on the enterprise’s behalf from a visit' });

export type VisitNeedInput = z.input<typeof visitNeedSchema>;
export type ValidVisitNeed = z.output<typeof visitNeedSchema>;
export type PaperConsent = z.output<typeof paperConsentSchema>;

export type ParseVisitNeedResult = { ok: true; need: ValidVisitNeed } | { ok: false; errors: FieldError[] };

/** Validates and normalises the body; field errors in Chinese and English, as the form's. */
export function parseVisitNeed(input: unknown): ParseVisitNeedResult {
  const result = visitNeedSchema.safeParse(input);
  if (result.success) return { ok: true, need: result.data };
  return { ok: false, errors: fieldErrorsWithMessages(result.error.issues, input, VISIT_NEED_MESSAGES) };
}

const fieldError = (pointer: string, code: VisitNeedMessageCode): FieldError => ({ pointer, code, message: VISIT_NEED_MESSAGES[code] });

/** The need against its visit: the same enterprise (credit code), the visit's county. */
export function visitMatchErrors(need: ValidVisitNeed, visit: Pick<Visit, 'creditCode' | 'countyCode'>): FieldError[] {
  return [
    ...(need.enterprise.creditCode !== visit.creditCode ? [fieldError('/enterprise/creditCode', 'visit_need.credit_code')] : []),
    ...(need.enterprise.countyCode !== visit.countyCode ? [fieldError('/enterprise/countyCode', 'visit_need.county')] : []),
  ];
}

/**
 * The paper consent's banks among those serving the county now (the form's rule: each must serve
 * it, else a field error at /consent/bankIds), or none without a paper consent.
 */
export function paperConsentRecipients(need: ValidVisitNeed, serving: readonly ConsentRecipient[]): { ok: true; recipients?: ConsentRecipient[] } | { ok: false; errors: FieldError[] } {
  if (!need.consent) return { ok: true };
  return consentRecipients({ bankIds: need.consent.bankIds }, serving);
}

/** The consent gate: a need entered with a paper consent is routed; without one it waits for the enterprise's confirmation. */
export function visitNeedStatus(consent: PaperConsent | undefined): Extract<NeedStatus, 'submitted' | 'awaiting_consent'> {
  return consent ? 'submitted' : 'awaiting_consent';
}

/** Whether the need's consent lets any bank be offered it (false while it awaits the enterprise's confirmation). */
export function consentOnRecord(consent: Pick<NeedConsent, 'shareWithBanks'>): boolean {
  return consent.shareWithBanks;
}

/** The need as stored: the form's record, entered from the visit by `enteredBy`, behind the consent gate. */
export function createVisitNeedRecord(args: {
  input: ValidVisitNeed;
  visit: Pick<Visit, 'visitId'>;
  needId: string;
  now: Date;
  trackingTokenHash: string;
  enteredBy: string;
  /** The paper consent's banks ({@link paperConsentRecipients}); required with a paper consent. */
  recipients?: readonly ConsentRecipient[];
}): NeedRecord {
  const { input, visit, needId, now, trackingTokenHash, enteredBy, recipients } = args;
  const paper = input.consent;
  if (paper && !recipients) throw new Error('a paper consent needs its recipients checked against the registry');
  const at = now.toISOString();
  const asForm: ValidNeed = { ...input, consent: { shareWithBanks: true, textVersion: paper?.textVersion ?? CURRENT_CONSENT_VERSION } };
  const record = createNeedRecord({ input: asForm, needId, now, trackingTokenHash, recipients: recipients ?? [] });
  const status = visitNeedStatus(paper);
  const consent: NeedConsent = paper
    ? { shareWithBanks: true, textVersion: paper.textVersion, at, recipients: recipients!.map((r) => ({ ...r })), kind: 'paper', reference: paper.reference }
    : { shareWithBanks: false, textVersion: CURRENT_CONSENT_VERSION, at, recipients: [] };
  return {
    ...record,
    status,
    source: 'visit',
    visitId: visit.visitId,
    enteredBy,
    consent,
    timeline: [paper ? timelineEntry('entered_from_visit', at, status) : timelineEntry('awaiting_consent', at, status)],
  };
}

/** What one need entered from a visit adds to its county-day counters (on the day of entry). */
export const VISIT_NEED_COUNTERS = { declared: 1, declaredFromVisits: 1 } as const;

/** The answer of POST …/visits/{visitId}/needs: the need as the task force sees it (no tracking token: the link goes to the enterprise). */
export interface VisitNeedResponse {
  needId: string;
  status: NeedStatus;
  source: 'visit';
  visitId: string;
  enteredBy: string;
  sizeClass: NeedRecord['sizeClass'];
  submittedAt: string;
  consent: { onRecord: boolean; kind?: 'paper'; reference?: string; bankIds: string[] };
}

export function visitNeedResponse(record: NeedRecord): VisitNeedResponse {
  const { consent } = record;
  return {
    needId: record.needId,
    status: record.status,
    source: 'visit',
    visitId: record.visitId!,
    enteredBy: record.enteredBy!,
    sizeClass: record.sizeClass,
    submittedAt: record.submittedAt,
    consent: {
      onRecord: consent.shareWithBanks,
      ...(consent.kind ? { kind: consent.kind } : {}),
      ...(consent.reference ? { reference: consent.reference } : {}),
      bankIds: Array.isArray(consent.recipients) ? consent.recipients.map((r) => r.bankId) : [],
    },
  };
}
