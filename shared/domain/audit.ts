// Audit records (docs/data-model.md, `Audit`): every report download, every disclosure of an
// enterprise's contact details to a bank or in a county list, every erasure of personal data and every withdrawal leaves one. The shape is
// defined here once; the audit log is append-only: records are added, never read by the functions
// that write them, never changed. They hold who, what and when — never the personal data itself
// (a disclosure names the fields disclosed, not their values).
import * as z from 'zod';
import { LIST_FORMATS, LISTS } from './lists';
import { chinaDay } from './need-record';

const instant = z.iso.datetime({ offset: true });
const id = z.string().min(1).max(200);
/** Dotted paths of need fields, e.g. `contact.mobile`. */
const fieldPaths = z.array(z.string().regex(/^[a-zA-Z]+(\.[a-zA-Z]+)*$/)).min(1);

export const reportDownloadAuditSchema = z.strictObject({
  kind: z.literal('report-download'),
  at: instant,
  /** The regulator's subject (the token's `sub`). */
  who: id,
  /** The regulator's jurisdiction (division code). */
  jurisdiction: z.string().regex(/^\d{6}$/),
  /** The report object downloaded, e.g. `reports/2026-11/440000.xlsx`. */
  what: z.string().min(1).max(300),
});

export const disclosureAuditSchema = z.strictObject({
  kind: z.literal('disclosure'),
  at: instant,
  needId: id,
  bankId: id,
  referralId: id,
  /** The acceptance that disclosed them, or a redelivery of its answer. */
  occasion: z.enum(['acceptance', 'redelivery']),
  /** Which fields the bank received, e.g. `contact.mobile`. */
  disclosed: fieldPaths,
});

export const personalDataErasureAuditSchema = z.strictObject({
  kind: z.literal('personal-data-erased'),
  at: instant,
  needId: id,
  /** The fields replaced by the erasure marker. */
  erased: fieldPaths,
  /** The retention setting the erasure applied. */
  retentionDays: z.number().int().positive(),
});

/** The enterprise withdrew the need and its consent: what was erased, and the bank told (if one had it). */
export const needWithdrawalAuditSchema = z.strictObject({
  kind: z.literal('need-withdrawn'),
  at: instant,
  needId: id,
  /** The fields replaced by the erasure marker (none when they were erased before). */
  erased: z.array(z.string().regex(/^[a-zA-Z]+(\.[a-zA-Z]+)*$/)),
  /** The referral withdrawn from the bank that had the need, if any. */
  referralId: id.optional(),
  bankId: id.optional(),
});

/** A county list viewed or exported with the enterprises' contact details (GET /v1/lists/{countyCode}). */
export const listExportAuditSchema = z.strictObject({
  kind: z.literal('list-export'),
  at: instant,
  /** The task-force officer's subject (the token's `sub`). */
  who: id,
  countyCode: z.string().regex(/^\d{6}$/),
  list: z.enum(LISTS),
  format: z.enum(LIST_FORMATS),
  /** How many needs (rows with contact details) the answer held. */
  needCount: z.number().int().nonnegative(),
});

/**
 * A change to the negative list through the workspace (add, update by a new recording, expire,
 * withdraw): who, where, which entry. The credit code is not repeated here (the entry id names the
 * entry in the register); nor is the note.
 */
export const negativeListChangeAuditSchema = z.strictObject({
  kind: z.literal('negative-list-change'),
  at: instant,
  /** The official's subject (the token's `sub`). */
  who: id,
  /** The jurisdiction whose list changed (the county of the route). */
  countyCode: z.string().regex(/^\d{6}$/),
  action: z.enum(['add', 'update', 'expire', 'withdraw']),
  entryId: id,
  reasonCode: z.string().min(1).max(100),
  validFrom: z.iso.date(),
  validTo: z.iso.date().optional(),
  /** One entry by the form, or a row of an import (importId ties an import's rows together). */
  via: z.enum(['form', 'import']),
  importId: id.optional(),
});

/**
 * The county task force acted on an escalation (shared/domain/escalation.ts): who, which need, what
 * it did — never a note's text, which may name people (it stays on the escalation).
 */
export const escalationActionAuditSchema = z.strictObject({
  kind: z.literal('escalation-action'),
  at: instant,
  /** The task-force officer's subject (the token's `sub`). */
  who: id,
  countyCode: z.string().regex(/^\d{6}$/),
  needId: id,
  action: z.enum(['amend', 'hand_to_bank', 'resolved_offline', 'close']),
  /** What had opened the escalation. */
  escalationKind: z.enum(['unmatched', 'declined_repairable', 'review_overdue', 'late_answer']),
  outcome: z.enum(['financed_elsewhere', 'no_longer_needed', 'not_eligible', 'unreachable']).optional(),
  /** The bank the need was handed to. */
  bankId: id.optional(),
  /** How the enterprise agreed to an amendment. */
  agreement: z.enum(['phone', 'in_person', 'written']).optional(),
  /** JSON pointers of the fields an amendment changed. */
  fields: z.array(z.string().regex(/^(\/[a-zA-Z]+)+$/)).optional(),
});

/** A task-force review decision on a need (POST /v1/counties/{countyCode}/reviews): who decided what; the note stays on the need. */
export const reviewDecisionAuditSchema = z.strictObject({
  kind: z.literal('review-decision'),
  at: instant,
  needId: id,
  countyCode: z.string().regex(/^\d{6}$/),
  /** The task-force officer's subject (the token's `sub`). */
  who: id,
  decision: z.enum(['recommend', 'return', 'not_recommended']),
  reasonCodes: z.array(z.string().max(64)).max(10),
});

export const auditRecordSchema = z.discriminatedUnion('kind', [
  reviewDecisionAuditSchema,
  escalationActionAuditSchema,
  negativeListChangeAuditSchema,
  reportDownloadAuditSchema,
  listExportAuditSchema,
  disclosureAuditSchema,
  personalDataErasureAuditSchema,
  needWithdrawalAuditSchema,
]);

export type AuditRecord = z.infer<typeof auditRecordSchema>;
export type DisclosureAudit = z.infer<typeof disclosureAuditSchema>;
export type AuditKind = AuditRecord['kind'];

/**
 * Partition key prefixes of the audit table: a month of report downloads (CST), or one need's trail
 * (its disclosures and its erasure). IAM grants name them (`dynamodb:LeadingKeys` in lib/routes.ts).
 */
export const AUDIT_PARTITIONS = { reportDownloads: 'REPORT_DOWNLOADS#', need: 'NEED#', county: 'COUNTY#' } as const;

/**
 * The partition a record belongs to: `REPORT_DOWNLOADS#<YYYY-MM>` (CST month), `COUNTY#<countyCode>`
 * (a county's list exports and negative-list changes) or `NEED#<needId>`.
 */
export function auditPartition(record: AuditRecord): string {
  if (record.kind === 'report-download') return `${AUDIT_PARTITIONS.reportDownloads}${chinaDay(new Date(record.at)).slice(0, 7)}`;
  if (record.kind === 'list-export' || record.kind === 'negative-list-change' || record.kind === 'escalation-action') return `${AUDIT_PARTITIONS.county}${record.countyCode}`;
  return `${AUDIT_PARTITIONS.need}${record.needId}`;
}

/** The append-only audit log: the only thing a writer of audit records may do. */
export interface AuditLog {
  /** Adds the record; never replaces one. Throws when the record does not fit its schema. */
  append(record: AuditRecord): Promise<void>;
}
