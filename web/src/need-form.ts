// The financing-need form without the DOM: the names of its controls, turning what was typed into
// the POST body, and tying the JSON pointers of field errors to the form's element ids. Pure.
import type { FieldError, LocalizedText } from '../../shared/domain/problem';
import { toHalfWidth } from '../../shared/domain/text';

/** The raw values of the form's named controls (`FormData`), keyed by name, e.g. `enterprise.creditCode`. */
export type FormValues = Readonly<Record<string, string | undefined>>;

/**
 * A whole number typed by a person: half-width, without spaces and thousands separators
 * ("1,000,000", "１０００", "50 000"). Empty gives undefined (the schema says "required"); numbers
 * that are not whole stay numbers and text that is not a number stays text, so the shared schema
 * reports them with its own message.
 */
export function parseWholeNumber(raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  const compact = toHalfWidth(raw).replace(/[\s,_，、]/g, '');
  if (compact === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(compact)) return Number(compact);
  return raw;
}

/** The units an amount can be typed in: yuan, or 万元 (ten thousand yuan); the API takes yuan. */
export const AMOUNT_UNITS = { yuan: 1, wan: 10_000 } as const;
export type AmountUnit = keyof typeof AMOUNT_UNITS;

/** The name of the unit control of an amount field: `unit:need.amountYuan`. */
export const unitControlName = (field: string) => `unit:${field}`;

/**
 * An amount typed in `unit`, in yuan: "50" 万元 is 500000; "12.5" 万元 is 125000. What is not a
 * number, or not a whole number of yuan once converted, is left for the schema to report.
 */
export function parseYuan(raw: string | undefined, unit: string | undefined): number | string | undefined {
  const value = parseWholeNumber(raw);
  if (typeof value !== 'number' || unit !== 'wan') return value;
  const yuan = value * AMOUNT_UNITS.wan;
  const whole = Math.round(yuan);
  return Math.abs(yuan - whole) < 1e-6 ? whole : yuan;
}

/** Radio values `true` / `false`; nothing chosen gives undefined. */
export function parseBoolean(raw: string | undefined): boolean | undefined {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return undefined;
}

/** A select's value; the empty placeholder option gives undefined. */
export function parseChoice(raw: string | undefined): string | undefined {
  return raw === undefined || raw === '' ? undefined : raw;
}

/** The POST body before validation: what the person typed, in the shape of `NeedSubmission`. */
export type SubmissionDraft = Record<'enterprise' | 'contact' | 'need' | 'consent', Record<string, unknown>>;

/**
 * The request body to validate with `needSubmissionSchema` and, once valid, send as it is; `bankIds`
 * are the banks the consent text names (those serving the chosen county).
 */
export function toSubmission(values: FormValues, consentVersion: string, bankIds?: readonly string[]): SubmissionDraft {
  const description = values['need.description'];
  // Types are what the person typed: the shared schema decides whether they are right.
  return {
    enterprise: {
      name: values['enterprise.name'] ?? '',
      creditCode: values['enterprise.creditCode'] ?? '',
      entityType: parseChoice(values['enterprise.entityType']),
      countyCode: parseChoice(values['enterprise.countyCode']),
      industryCode: parseChoice(values['enterprise.industryCode']),
      employees: parseWholeNumber(values['enterprise.employees']),
      annualRevenueYuan: parseYuan(values['enterprise.annualRevenueYuan'], values[unitControlName('enterprise.annualRevenueYuan')]),
      totalAssetsYuan: parseYuan(values['enterprise.totalAssetsYuan'], values[unitControlName('enterprise.totalAssetsYuan')]),
      yearsInOperation: parseWholeNumber(values['enterprise.yearsInOperation']),
      hasFixedPremises: parseBoolean(values['enterprise.hasFixedPremises']),
    },
    contact: {
      name: values['contact.name'] ?? '',
      mobile: values['contact.mobile'] ?? '',
    },
    need: {
      amountYuan: parseYuan(values['need.amountYuan'], values[unitControlName('need.amountYuan')]),
      termMonths: parseWholeNumber(values['need.termMonths']),
      purpose: parseChoice(values['need.purpose']),
      guarantee: parseChoice(values['need.guarantee']),
      firstLoan: parseBoolean(values['need.firstLoan']),
      ...(description !== undefined && description.trim() !== '' ? { description } : {}),
    },
    consent: {
      shareWithBanks: values['consent.shareWithBanks'] === 'true',
      textVersion: consentVersion,
      ...(bankIds ? { bankIds: [...bankIds] } : {}),
    },
  };
}

/** RFC 6901 pointer → the id of the form element for it: `/enterprise/creditCode` → `enterprise-creditCode`. */
export function fieldIdForPointer(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('-');
}

/** The id of the element holding a field's error message. */
export function errorIdFor(fieldId: string): string {
  return `${fieldId}-error`;
}

export interface SortedErrors {
  /** One message per form field (the first one reported), by field id, in the order reported. */
  byField: Map<string, LocalizedText>;
  /** Errors that point at nothing on the form (the whole body, an unknown member, the consent version). */
  unplaced: FieldError[];
}

/** Splits field errors into those shown next to a field of the form and the rest. */
export function sortFieldErrors(errors: readonly FieldError[], isField: (fieldId: string) => boolean): SortedErrors {
  const byField = new Map<string, LocalizedText>();
  const unplaced: FieldError[] = [];
  for (const error of errors) {
    const id = fieldIdForPointer(error.pointer);
    if (id !== '' && isField(id)) {
      if (!byField.has(id)) byField.set(id, error.message);
    } else {
      unplaced.push(error);
    }
  }
  return { byField, unplaced };
}
