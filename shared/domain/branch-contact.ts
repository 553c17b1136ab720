// The branch a bank names when it accepts a referral: where the enterprise can turn (shown on its
// status page once the bank accepted). The bank's own contact, never a person's private number. Its
// messages are the bank events' (bank-events.ts BANK_EVENT_MESSAGES); kept apart so the views that
// show it need not load the bank-event schemas.
import * as z from 'zod';
import { plainText } from './text';

const branchText = (max: number) =>
  z
    .string({ error: 'bank_event.branch_text' })
    .superRefine(plainText('single'))
    .transform((value) => value.trim())
    .pipe(z.string().min(1, { error: 'bank_event.branch_text' }).max(max, { error: 'bank_event.branch_text' }));

export const branchContactSchema = z.strictObject({
  name: branchText(100).meta({ example: '惠民银行杭州西湖支行' }),
  phone: z
    .string({ error: 'bank_event.branch_phone' })
    .regex(/^(?=(?:\D*\d){5,30}\D*$)[0-9+\-\s()]+$/, { error: 'bank_event.branch_phone' })
    .meta({ example: '0571-87000000' }),
  address: branchText(200).optional(),
});

export type BranchContact = z.output<typeof branchContactSchema>;
