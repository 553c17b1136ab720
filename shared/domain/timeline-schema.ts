// A need's timeline entry as stored and served: a code with its parameters, never prose, so each
// viewer reads it in their own language (timeline-text.ts renders it). Entries written before codes
// (`note`: "中文 / English") are still read. One zod shape: the types and the OpenAPI document
// derive from it. Pages import only the types (`import type`), never this module's values.
import * as z from 'zod';
import { NEED_STATUSES } from './need-record';

const status = z.enum(NEED_STATUSES);
const at = z.string().meta({ description: 'UTC instant (ISO 8601)' });
/** A bank's name in both languages, as it was when the entry was written. */
const bank = z.object({ zh: z.string(), en: z.string() });

const entry = <C extends string, P extends z.ZodRawShape | undefined = undefined>(code: C, params?: P) =>
  z.object({
    at,
    status,
    code: z.literal(code),
    ...(params ? { params: z.object(params) } : {}),
  }) as P extends z.ZodRawShape
    ? z.ZodObject<{ at: typeof at; status: typeof status; code: z.ZodLiteral<C>; params: z.ZodObject<P> }>
    : z.ZodObject<{ at: typeof at; status: typeof status; code: z.ZodLiteral<C> }>;

export const codedTimelineEntrySchema = z.discriminatedUnion('code', [
  entry('submitted'),
  entry('screening'),
  entry('recommended'),
  entry('not_recommended', {
    reasons: z.array(z.string()).meta({ description: 'Screening reason codes (SCREENING_REASONS, negative_list.<code>)' }),
  }),
  entry('offered'),
  entry('bank_deadline_missed', { bank }),
  entry('bank_unavailable', { bank }),
  entry('accepted', { bank }),
  entry('declined', { bank, reasonCode: z.string(), repairable: z.boolean() }),
  entry('granted', { bank, amountYuan: z.number().int(), annualRateBp: z.number().int(), termMonths: z.number().int() }),
  entry('disbursed', { bank, amountYuan: z.number().int() }),
  entry('unmatched'),
  entry('routing_failed'),
  entry('amended', { fields: z.array(z.string()).meta({ description: 'JSON pointers of the fields changed, e.g. /need/amountYuan' }) }),
  entry('withdrawn'),
  // The county task force's review (审核, counties set to `review: manual`; shared/domain/review.ts).
  entry('in_review', {
    workingDays: z.number().int().meta({ description: 'Working days the task force has to review the need' }),
    dueAt: z.string().meta({ description: 'When the review is due (UTC instant)' }),
  }),
  entry('returned', {
    needed: z.array(z.string()).meta({ description: 'What the enterprise is asked to provide (REVIEW_RETURN_REASONS codes)' }),
  }),
  entry('review_decided', {
    decision: z.enum(['recommend', 'not_recommended']),
    reasons: z.array(z.string()).meta({ description: 'The review reason codes of a non-recommendation (REVIEW_NOT_RECOMMENDED_REASONS)' }),
  }),
  // The county task force's actions on an escalation (shared/domain/escalation.ts): each appends
  // `task_force_taken_up`, then what it did. No bank is named before a bank accepts.
  entry('task_force_taken_up'),
  entry('task_force_amended', {
    fields: z.array(z.string()).meta({ description: 'JSON pointers of the fields changed, e.g. /need/amountYuan' }),
    agreement: z.enum(['phone', 'in_person', 'written']).meta({ description: 'How the enterprise agreed to the amendment' }),
  }),
  entry('task_force_handed_to_bank'),
  entry('task_force_resolved_offline'),
  entry('task_force_closed', {
    outcome: z.enum(['financed_elsewhere', 'no_longer_needed', 'not_eligible', 'unreachable']).meta({ description: 'Why the task force closed it' }),
  }),
  // Needs from visits (visit-need.ts): entered by the task force with a signed paper consent, or
  // without one (waiting for the enterprise's confirmation), and the confirmation.
  entry('entered_from_visit'),
  entry('awaiting_consent'),
  entry('consent_confirmed'),
]);

/** An entry written before timeline codes: one bilingual note. */
export const legacyTimelineEntrySchema = z.object({ at, status, note: z.string().meta({ description: 'Bilingual note "中文 / English" (entries before codes)' }) });

export const timelineEntrySchema = z.union([codedTimelineEntrySchema, legacyTimelineEntrySchema]).meta({
  title: 'TimelineEntry',
  description: 'What happened to the need, as a code with parameters (render it in the reader’s language); entries from before codes carry a bilingual `note` instead',
});

export type CodedTimelineEntry = z.infer<typeof codedTimelineEntrySchema>;
export type LegacyTimelineEntry = z.infer<typeof legacyTimelineEntrySchema>;
export type TimelineEntry = CodedTimelineEntry | LegacyTimelineEntry;
export type TimelineCode = CodedTimelineEntry['code'];
/** The parameters of one code's entry (undefined for codes without). */
export type TimelineParams<C extends TimelineCode> = Extract<CodedTimelineEntry, { code: C }> extends { params: infer P } ? P : undefined;
