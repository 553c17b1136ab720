/**
 * Which banks to offer a recommended need to, best first. Deterministic and explainable: the same
 * input gives the same list whatever the order of `banks`, and every entry says why it is there.
 *
 * A bank is a candidate when it is
 * - active;
 * - serving the need's county (one of its divisions is the county, its prefecture, its province or
 *   000000);
 * - not in `excludedBankIds` (it already declined this need, or let a deadline pass);
 * - among the banks the owner consented to, when the need's consent names them (named consent,
 *   PIPL art. 23: a bank that started serving the county later is not offered the need until the
 *   consent is renewed); a consent from before named consent names none, and every bank may be;
 * - below capacity: `openReferrals[bankId]` (absent = 0) < `capacity`;
 * - offering a product that fits the need: amount within [minAmountYuan, maxAmountYuan]; term within
 *   [minTermMonths, maxTermMonths]; guarantee: the need's guarantee is one the product accepts, or the
 *   need says `any`; industry: the need's section is among `industrySections` (absent = all) and
 *   neither the section letter nor any prefix of the industry code (K, K70, K701) is in
 *   `excludedIndustries`; purpose among `purposes` (absent = all).
 *
 * One product per bank: when several fit, a product accepting `credit` (unsecured) comes first if
 * the need accepts credit (`credit` or `any`), then the lowest `productId`.
 *
 * Order (lexicographic):
 * 1. the most local division match: county > prefecture > province > national;
 * 2. the lower load ratio, openReferrals / capacity (compared exactly, as fractions);
 * 3. the least recently offered (`lastOfferedAt[bankId]`, absent or unparseable = never = first);
 * 4. bankId (code-unit order), so no two banks tie.
 *
 * `score` summarises 1–2 for people: locality (county 3, prefecture 2, province 1, national 0) plus
 * the spare capacity fraction 1 − open/capacity (in (0, 1]), rounded to 4 decimals. The order is
 * defined by the rule above, not by the rounded score.
 *
 * Pure module: no I/O, no environment, no clock.
 */
import type { NeedRecord } from './need-record';
import { bankServiceMatch, type Bank, type BankProduct, type ServiceLevel, type ServiceMatch } from './bank';
import { consentedBankIds } from './consent';

export interface RankedBank {
  bankId: string;
  productId: string;
  score: number;
  explanation: string[];
}

export interface RankingInput {
  need: NeedRecord;
  banks: readonly Bank[];
  /** Open referrals (offered or accepted, undecided) per bankId; absent = 0. */
  openReferrals: Readonly<Record<string, number>>;
  /** ISO time each bank was last offered a referral; absent = never. */
  lastOfferedAt: Readonly<Record<string, string | undefined>>;
  /** Banks that already declined this need or missed a deadline on it. */
  excludedBankIds: ReadonlySet<string>;
}

export interface RejectedBank {
  bankId: string;
  /** Why the bank is not a candidate (English, short). */
  reason: string;
}

export const LOCALITY: Readonly<Record<ServiceLevel, number>> = Object.freeze({
  county: 3,
  prefecture: 2,
  province: 1,
  national: 0,
});

/** The facts of a need a product is matched on. */
export type NeedFacts = {
  amountYuan: number;
  termMonths: number;
  guarantee: string;
  purpose: string;
  industryCode: string;
  industrySection: string;
};

/** Why the product does not fit the need, or undefined when it fits. */
export function productMismatch(product: BankProduct, need: NeedFacts): string | undefined {
  if (need.amountYuan < product.minAmountYuan || need.amountYuan > product.maxAmountYuan) {
    return `amount ${need.amountYuan} outside ${product.minAmountYuan}..${product.maxAmountYuan}`;
  }
  if (need.termMonths < product.minTermMonths || need.termMonths > product.maxTermMonths) {
    return `term ${need.termMonths} outside ${product.minTermMonths}..${product.maxTermMonths}`;
  }
  if (need.guarantee !== 'any' && !(product.guarantees as readonly string[]).includes(need.guarantee)) {
    return `guarantee ${need.guarantee} not accepted`;
  }
  if (product.industrySections && !product.industrySections.includes(need.industrySection)) {
    return `industry section ${need.industrySection} not served`;
  }
  const excluded = product.excludedIndustries?.find(
    (code) => code === need.industrySection || need.industryCode.startsWith(code),
  );
  if (excluded !== undefined) return `industry ${need.industryCode} excluded by ${excluded}`;
  if (product.purposes && !(product.purposes as readonly string[]).includes(need.purpose)) {
    return `purpose ${need.purpose} not offered`;
  }
  return undefined;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The product to offer among those that fit (see the module comment), or undefined. */
function bestProduct(bank: Bank, need: NeedFacts): { product?: BankProduct; mismatch: string } {
  const fitting = bank.products.filter((product) => productMismatch(product, need) === undefined);
  if (fitting.length === 0) {
    const reasons = [...bank.products]
      .sort((a, b) => compareText(a.productId, b.productId))
      .map((product) => `${product.productId}: ${productMismatch(product, need) ?? ''}`);
    return { mismatch: `no product fits (${reasons.join('; ')})` };
  }
  const prefersCredit = need.guarantee === 'credit' || need.guarantee === 'any';
  const creditFirst = (p: BankProduct) => (prefersCredit && p.guarantees.includes('credit') ? 0 : 1);
  const [product] = [...fitting].sort((a, b) => creditFirst(a) - creditFirst(b) || compareText(a.productId, b.productId));
  return { product, mismatch: '' };
}

interface Candidate {
  bank: Bank;
  product: BankProduct;
  match: ServiceMatch;
  open: number;
  lastOfferedMs: number | undefined;
  lastOfferedAt: string | undefined;
}

function lastOffered(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function compareCandidates(a: Candidate, b: Candidate): number {
  const locality = LOCALITY[b.match.level] - LOCALITY[a.match.level];
  if (locality !== 0) return locality;
  // a.open / a.capacity vs b.open / b.capacity, exactly (integers, no rounding).
  const load = a.open * b.bank.capacity - b.open * a.bank.capacity;
  if (load !== 0) return load;
  if (a.lastOfferedMs !== b.lastOfferedMs) {
    if (a.lastOfferedMs === undefined) return -1;
    if (b.lastOfferedMs === undefined) return 1;
    return a.lastOfferedMs - b.lastOfferedMs;
  }
  return compareText(a.bank.bankId, b.bank.bankId);
}

function openCount(openReferrals: Readonly<Record<string, number>>, bankId: string): number {
  const value = Object.hasOwn(openReferrals, bankId) ? openReferrals[bankId] : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * The candidates in order with their explanations, and every other bank with the reason it was left
 * out (sorted by bankId). Throws on two banks with the same bankId (the registry key).
 */
export function explainRanking(input: RankingInput): { ranked: RankedBank[]; rejected: RejectedBank[] } {
  const { need, banks, openReferrals, lastOfferedAt, excludedBankIds } = input;
  const facts: NeedFacts = {
    amountYuan: need.need.amountYuan,
    termMonths: need.need.termMonths,
    guarantee: need.need.guarantee,
    purpose: need.need.purpose,
    industryCode: need.enterprise.industryCode,
    industrySection: need.enterprise.industrySection,
  };
  const countyCode = need.enterprise.countyCode;
  const consented = consentedBankIds(need.consent);
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  const rejected: RejectedBank[] = [];
  for (const bank of banks) {
    if (seen.has(bank.bankId)) throw new Error(`rankBanks: duplicate bankId ${bank.bankId}`);
    seen.add(bank.bankId);
    const reject = (reason: string) => rejected.push({ bankId: bank.bankId, reason });
    if (!bank.active) {
      reject('inactive');
      continue;
    }
    const match = bankServiceMatch(bank, countyCode);
    if (!match) {
      reject(`does not serve ${countyCode}`);
      continue;
    }
    if (excludedBankIds.has(bank.bankId)) {
      reject('already declined or missed a deadline on this need');
      continue;
    }
    if (consented && !consented.has(bank.bankId)) {
      reject('not among the banks the owner consented to');
      continue;
    }
    const open = openCount(openReferrals, bank.bankId);
    if (open >= bank.capacity) {
      reject(`at capacity ${open}/${bank.capacity}`);
      continue;
    }
    const { product, mismatch } = bestProduct(bank, facts);
    if (!product) {
      reject(mismatch);
      continue;
    }
    const offeredAt = Object.hasOwn(lastOfferedAt, bank.bankId) ? lastOfferedAt[bank.bankId] : undefined;
    candidates.push({
      bank,
      product,
      match,
      open,
      lastOfferedMs: lastOffered(offeredAt),
      lastOfferedAt: offeredAt,
    });
  }
  candidates.sort(compareCandidates);
  rejected.sort((a, b) => compareText(a.bankId, b.bankId));
  const ranked = candidates.map((c): RankedBank => {
    const score = Math.round((LOCALITY[c.match.level] + 1 - c.open / c.bank.capacity) * 10_000) / 10_000;
    return {
      bankId: c.bank.bankId,
      productId: c.product.productId,
      score,
      explanation: [
        `serves ${countyCode} via ${c.match.level} ${c.match.division}`,
        `product ${c.product.productId} fits amount ${facts.amountYuan}, term ${facts.termMonths}, guarantee ${facts.guarantee}`,
        `load ${c.open}/${c.bank.capacity}`,
        c.lastOfferedMs === undefined ? 'never offered' : `last offered ${c.lastOfferedAt ?? ''}`,
      ],
    };
  });
  return { ranked, rejected };
}

/** The candidate banks for a need, best first (see the module comment for the rules). */
export function rankBanks(input: RankingInput): RankedBank[] {
  return explainRanking(input).ranked;
}
