// The body of POST /v1/counties/{countyCode}/escalations/{needId}/actions and the inbox's query, in
// zod: one schema for the handler's validation and the OpenAPI document (escalation.ts has the rules).
import * as z from 'zod';
import { BANK_ID_PATTERN } from './bank-id';
import { fieldErrorsWithMessages } from './bank';
import { AGREEMENT_METHODS, CLOSE_OUTCOMES, ESCALATION_ACTIONS, ESCALATION_STATES, type EscalationCommand } from './escalation';
import { needDetailsSchema } from './need';
import type { FieldError, LocalizedText } from './problem';
import { normalizeNewlines, plainText } from './text';

export const ESCALATION_NOTE_LENGTH = 500;

export const ESCALATION_MESSAGES = {
  'escalation.action': {
    zh: `操作应为：${ESCALATION_ACTIONS.join('、')}`,
    en: `The action must be one of: ${ESCALATION_ACTIONS.join(', ')}`,
  },
  'escalation.note': { zh: `备注最多 ${ESCALATION_NOTE_LENGTH} 个字`, en: `The note may have at most ${ESCALATION_NOTE_LENGTH} characters` },
  'escalation.note_required': { zh: '请说明线下办理的情况', en: 'Say how it was resolved offline' },
  'escalation.agreement': {
    zh: `请记录企业如何同意修改：${AGREEMENT_METHODS.join('、')}（电话、当面、书面）`,
    en: `Record how the enterprise agreed: one of ${AGREEMENT_METHODS.join(', ')}`,
  },
  'escalation.outcome': { zh: `结果应为：${CLOSE_OUTCOMES.join('、')}`, en: `The outcome must be one of: ${CLOSE_OUTCOMES.join(', ')}` },
  'escalation.bank_id': { zh: '请填写要转交的银行标识', en: 'Give the id of the bank to hand the need to' },
  'escalation.need': { zh: '请填写要修改的需求字段（金额、期限、担保方式、用途）', en: 'Give the fields to change (amount, term, guarantee, purpose)' },
} as const satisfies Record<string, LocalizedText>;

type MessageCode = keyof typeof ESCALATION_MESSAGES;
const err = (code: MessageCode) => ({ error: code });

const note = (code: MessageCode = 'escalation.note') =>
  z
    .string(err(code))
    .superRefine(plainText('multi'))
    .transform((value) => normalizeNewlines(value).trim())
    .pipe(z.string().max(ESCALATION_NOTE_LENGTH, err('escalation.note')))
    .meta({ description: `Plain text, at most ${ESCALATION_NOTE_LENGTH} characters (kept on the escalation, never in the audit record)` });

const amendedFields = needDetailsSchema.pick({ amountYuan: true, termMonths: true, purpose: true, guarantee: true }).partial();

export const escalationActionSchema = z
  .discriminatedUnion(
    'action',
    [
      z.strictObject({
        action: z.literal('amend'),
        need: amendedFields.meta({ description: 'Only the fields to change, as on the need form' }),
        agreement: z.strictObject(
          {
            how: z.enum(AGREEMENT_METHODS, err('escalation.agreement')),
            note: note().optional(),
          },
          err('escalation.agreement'),
        ),
      }),
      z.strictObject({
        action: z.literal('hand_to_bank'),
        bankId: z.string(err('escalation.bank_id')).regex(BANK_ID_PATTERN, err('escalation.bank_id')).meta({ description: 'A bank serving the county that the consent names', example: 'huimin-bank' }),
        note: note().optional(),
      }),
      z.strictObject({
        action: z.literal('resolved_offline'),
        note: note('escalation.note_required').pipe(z.string().min(1, err('escalation.note_required'))),
      }),
      z.strictObject({
        action: z.literal('close'),
        outcome: z.enum(CLOSE_OUTCOMES as [string, ...string[]], err('escalation.outcome')),
        note: note().optional(),
      }),
    ],
    err('escalation.action'),
  )
  .meta({
    title: 'EscalationAction',
    description:
      'What the county task force does with an escalation: amend the need with the enterprise’s agreement and route it again, hand it to one named bank, record that it was resolved offline, or close it with an outcome',
  });

export type EscalationActionInput = z.input<typeof escalationActionSchema>;

export type ParseEscalationResult = { ok: true; command: EscalationCommand } | { ok: false; errors: FieldError[] };

/** Validates an action's body; field errors in Chinese and English. */
export function parseEscalationAction(input: unknown): ParseEscalationResult {
  const result = escalationActionSchema.safeParse(input);
  if (result.success) return { ok: true, command: result.data as EscalationCommand };
  return { ok: false, errors: fieldErrorsWithMessages(result.error.issues, input, ESCALATION_MESSAGES) };
}

export const escalationStateSchema = z.enum(ESCALATION_STATES);
