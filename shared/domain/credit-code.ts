/**
 * Unified Social Credit Code (统一社会信用代码, GB 32100-2015).
 *
 * 18 characters from a 31-character alphabet (digits and upper-case letters without I O S V Z):
 * - position 1: registration authority (1 institutions, 5 civil affairs, 9 market regulation, Y other);
 * - position 2: entity type (under authority 9: 1 enterprise, 2 individual business, 3 farmers' cooperative);
 * - positions 3–8: division code (GB/T 2260) of the registering authority;
 * - positions 9–17: organisation code (GB 11714);
 * - position 18: check character.
 *
 * Validation deliberately checks only length, alphabet and the check character. Positions 1–2 are
 * not rejected: the registries issue more authority/type codes than the standard's first edition
 * lists, and rejecting on them would turn away real enterprises.
 *
 * The check character is computed as 31 − (Σ value(cᵢ) × 3^(i−1) mod 31 over i = 1..17) mod 31,
 * with 31 written as '0'. Because 31 is prime and every weight is non-zero mod 31, any single
 * substitution of one alphabet character by another (in any of the 18 positions) changes the check
 * and is detected.
 *
 * Pure module: no I/O, no environment.
 */

import { toHalfWidth } from './text';

export type CreditCodeProblem = 'length' | 'alphabet' | 'check';

export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Length of a credit code. */
const LENGTH = 18;

/** Weights for positions 1–17: 3^(i−1) mod 31 = 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28. */
const WEIGHTS: readonly number[] = Array.from({ length: LENGTH - 1 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

const VALUE: ReadonlyMap<string, number> = new Map([...CREDIT_CODE_ALPHABET].map((c, i) => [c, i]));

/** Characters removed anywhere in the input: all whitespace and the dashes users paste. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/gu;

/**
 * Normalises user input: full-width forms (U+FF01..U+FF5E) and the ideographic space (U+3000) become
 * their ASCII counterparts, surrounding and inner whitespace and hyphens/dashes are removed, and
 * letters are upper-cased. The result is not necessarily valid; see {@link validateCreditCode}.
 */
export function normalizeCreditCode(input: string): string {
  return toHalfWidth(input).trim().replace(SEPARATORS, '').toUpperCase();
}

/**
 * Check character for the first 17 characters of a code (already normalised).
 * @throws RangeError when `first17` is not exactly 17 characters of {@link CREDIT_CODE_ALPHABET}.
 */
export function creditCodeCheckCharacter(first17: string): string {
  const chars = [...first17];
  if (chars.length !== LENGTH - 1) {
    throw new RangeError(`creditCodeCheckCharacter needs 17 characters, got ${chars.length}`);
  }
  let sum = 0;
  chars.forEach((ch, i) => {
    const value = VALUE.get(ch);
    if (value === undefined) {
      throw new RangeError(`creditCodeCheckCharacter: '${ch}' is not in the credit code alphabet`);
    }
    sum += value * (WEIGHTS[i] ?? 0);
  });
  const check = (31 - (sum % 31)) % 31; // a result of 31 is written as 0
  return CREDIT_CODE_ALPHABET.charAt(check);
}

export type CreditCodeResult =
  | { ok: true; value: string }
  | { ok: false; value: string; problem: CreditCodeProblem };

/**
 * Validates a credit code typed or pasted by a user. `value` is always the normalised string.
 * Problems are reported in order: `length` (must be 18 characters), then `alphabet` (a character
 * outside {@link CREDIT_CODE_ALPHABET}, e.g. I O S V Z), then `check` (wrong check character).
 */
export function validateCreditCode(input: string): CreditCodeResult {
  const value = normalizeCreditCode(input);
  const chars = [...value];
  if (chars.length !== LENGTH) return { ok: false, value, problem: 'length' };
  if (!chars.every((ch) => VALUE.has(ch))) return { ok: false, value, problem: 'alphabet' };
  if (creditCodeCheckCharacter(value.slice(0, LENGTH - 1)) !== value.charAt(LENGTH - 1)) {
    return { ok: false, value, problem: 'check' };
  }
  return { ok: true, value };
}

/**
 * Division code (GB/T 2260) of the registering authority: positions 3–8 of the (normalised) code.
 * This is where the code was issued, which is not necessarily a current county-level unit (it may
 * be a province, a prefecture, a development zone or a code that no longer exists).
 */
export function creditCodeDivision(code: string): string {
  return normalizeCreditCode(code).slice(2, 8);
}
