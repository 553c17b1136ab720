// Named consent (PIPL art. 23): which banks a person in a county may name, which banks a submission's
// consent names, and a renewed consent (a bank that started serving the county later gets the need
// only after it). The registry's banks come in as data; pure module, no I/O, no clock.
import { bankServiceMatch, SERVICE_LEVELS, type Bank } from './bank';
import { consentNamesRecipients, findConsentText, type ConsentRecipient, type NeedConsent } from './consent';
import type { FieldError, LocalizedText } from './problem';

export type { ConsentRecipient };

/**
 * The banks of the registry a consent in this county may name: active and serving the county (one
 * of their divisions is the county, its prefecture, its province or 000000), the most local first,
 * then by bank id. Names only: nothing else of a bank leaves through this list.
 */
export function servingRecipients(banks: readonly Pick<Bank, 'bankId' | 'nameZh' | 'nameEn' | 'divisions' | 'active'>[], countyCode: string): ConsentRecipient[] {
  return banks
    .flatMap((bank) => {
      const match = bank.active ? bankServiceMatch(bank, countyCode) : undefined;
      return match ? [{ bank, rank: SERVICE_LEVELS.indexOf(match.level) }] : [];
    })
    .sort((a, b) => a.rank - b.rank || (a.bank.bankId < b.bank.bankId ? -1 : a.bank.bankId > b.bank.bankId ? 1 : 0))
    .map(({ bank }) => ({ bankId: bank.bankId, nameZh: bank.nameZh, nameEn: bank.nameEn }));
}

/** GET /v1/counties/{countyCode}/banks: the county (canonical code) and the banks serving it. */
export interface CountyBanksResponse {
  countyCode: string;
  banks: ConsentRecipient[];
}

export const CONSENT_BANKS_POINTER = '/consent/bankIds';
export const CONSENT_VERSION_POINTER = '/consent/textVersion';

function notServing(bankIds: readonly string[]): FieldError {
  const ids = bankIds.join(', ');
  return {
    pointer: CONSENT_BANKS_POINTER,
    code: 'consent.bank_not_serving',
    message: {
      zh: `以下银行不服务所选区县，或已不再接收需求：${ids}。请刷新页面，按列出的银行重新确认`,
      en: `These banks do not serve the chosen county, or no longer take needs: ${ids}. Reload the page and confirm the banks listed`,
    },
  };
}

const VERSION_NAMES_NO_BANKS: LocalizedText = {
  zh: '重新同意须使用列明银行名称的同意书版本',
  en: 'A renewed consent needs a consent text version that names the banks',
};

/** The banks of `bankIds` among those serving the county, in the serving list's order; an error names the others. */
function pick(bankIds: readonly string[], serving: readonly ConsentRecipient[]): { ok: true; recipients: ConsentRecipient[] } | { ok: false; errors: FieldError[] } {
  const wanted = new Set(bankIds);
  const known = new Set(serving.map((bank) => bank.bankId));
  const unknown = [...wanted].filter((id) => !known.has(id));
  if (unknown.length > 0) return { ok: false, errors: [notServing(unknown)] };
  return { ok: true, recipients: serving.filter((bank) => wanted.has(bank.bankId)).map((bank) => ({ ...bank })) };
}

export type ConsentRecipientsResult = { ok: true; recipients: ConsentRecipient[] } | { ok: false; errors: FieldError[] };

/**
 * The recipients a submission's consent names, given the banks serving its county now
 * ({@link servingRecipients}): the banks of `bankIds`, each of which must serve the county (else a
 * field error at /consent/bankIds, in Chinese and English). Without `bankIds` (a text version that
 * names no banks, 2026-11) every bank serving the county now: what that text promised.
 */
export function consentRecipients(consent: { bankIds?: readonly string[] | undefined }, serving: readonly ConsentRecipient[]): ConsentRecipientsResult {
  if (consent.bankIds === undefined) return { ok: true, recipients: serving.map((bank) => ({ ...bank })) };
  return pick(consent.bankIds, serving);
}

export type RenewedConsent =
  | { ok: true; consent: NeedConsent; added: ConsentRecipient[]; removed: ConsentRecipient[] }
  | { ok: false; errors: FieldError[] };

/**
 * A renewed consent of a need's owner: the banks of `bankIds` (each serving the county now, see
 * {@link servingRecipients}) under `textVersion`, which must be a text that names its recipients;
 * given at `now`. Also which banks it adds and removes compared with the consent it replaces (a
 * consent before named consent named no bank: all of its list is added). Field errors point at
 * /consent/bankIds and /consent/textVersion, in Chinese and English; nothing changes on an error.
 */
export function renewConsent(
  current: Pick<NeedConsent, 'recipients'>,
  bankIds: readonly string[],
  servingBanks: readonly ConsentRecipient[],
  textVersion: string,
  now: Date,
): RenewedConsent {
  if (!findConsentText(textVersion) || !consentNamesRecipients(textVersion)) {
    return { ok: false, errors: [{ pointer: CONSENT_VERSION_POINTER, code: 'consent.version', message: VERSION_NAMES_NO_BANKS }] };
  }
  const picked = pick(bankIds, servingBanks);
  if (!picked.ok) return picked;
  const before = Array.isArray(current.recipients) ? current.recipients : [];
  const had = new Set(before.map((bank) => bank.bankId));
  const has = new Set(picked.recipients.map((bank) => bank.bankId));
  return {
    ok: true,
    consent: { shareWithBanks: true, textVersion, at: now.toISOString(), recipients: picked.recipients },
    added: picked.recipients.filter((bank) => !had.has(bank.bankId)),
    removed: before.filter((bank) => !has.has(bank.bankId)).map((bank) => ({ ...bank })),
  };
}
