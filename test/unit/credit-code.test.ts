import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckCharacter,
  creditCodeDivision,
  normalizeCreditCode,
  validateCreditCode,
} from '../../shared/domain/credit-code';

const SAMPLE = '9133010652601815X8';

const alphabetChar = fc.constantFrom(...CREDIT_CODE_ALPHABET);
const first17 = fc.array(alphabetChar, { minLength: 17, maxLength: 17 }).map((cs) => cs.join(''));
const validCode = first17.map((body) => body + creditCodeCheckCharacter(body));

describe('credit code alphabet and weights', () => {
  it('has 31 characters without I O S V Z', () => {
    expect(CREDIT_CODE_ALPHABET).toHaveLength(31);
    expect(new Set(CREDIT_CODE_ALPHABET).size).toBe(31);
    for (const ch of 'IOSVZ') expect(CREDIT_CODE_ALPHABET).not.toContain(ch);
  });

  it('uses the weights 3^(i-1) mod 31 from the standard', () => {
    const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    // The value at position i contributes value × weight: a single 1 in position i gives 31 − weight.
    weights.forEach((w, i) => {
      const body = '0'.repeat(i) + '1' + '0'.repeat(16 - i);
      expect(creditCodeCheckCharacter(body)).toBe(CREDIT_CODE_ALPHABET.charAt((31 - w) % 31));
    });
  });

  it('writes a check of 31 as 0', () => {
    expect(creditCodeCheckCharacter('0'.repeat(17))).toBe('0');
  });

  it('rejects a malformed body in creditCodeCheckCharacter', () => {
    expect(() => creditCodeCheckCharacter('9133010652601815')).toThrow(RangeError);
    expect(() => creditCodeCheckCharacter('9133010652601815I')).toThrow(RangeError);
  });
});

describe('validateCreditCode', () => {
  it('accepts the sample code', () => {
    expect(creditCodeCheckCharacter(SAMPLE.slice(0, 17))).toBe('8');
    expect(validateCreditCode(SAMPLE)).toEqual({ ok: true, value: SAMPLE });
  });

  it.each([
    ['lower case', '9133010652601815x8'],
    ['surrounding spaces', '  9133010652601815X8\t'],
    ['inner spaces and hyphens', '9133 0106-5260 1815-X8'],
    ['full-width', '９１３３０１０６５２６０１８１５Ｘ８'],
    ['full-width lower case with ideographic spaces', '\u3000９１３３０１０６５２６０１８１５ｘ８\u3000'],
    ['full-width hyphen', '913301０６－52601815X8'],
  ])('normalises %s', (_label, input) => {
    expect(normalizeCreditCode(input)).toBe(SAMPLE);
    expect(validateCreditCode(input)).toEqual({ ok: true, value: SAMPLE });
  });

  it.each([
    ['', 'length'],
    ['9133010652601815X', 'length'],
    ['9133010652601815X88', 'length'],
    ['9133010652601815I8', 'alphabet'],
    ['913301065260181.X8', 'alphabet'],
    ['9133010652601815X9', 'check'],
    ['9133010652601816X8', 'check'],
  ] as const)('reports %j as %s', (input, problem) => {
    expect(validateCreditCode(input)).toEqual({ ok: false, value: normalizeCreditCode(input), problem });
  });

  it('reports length before alphabet, and alphabet before check', () => {
    expect(validateCreditCode('OOOO')).toMatchObject({ ok: false, problem: 'length' });
    expect(validateCreditCode('O133010652601815X8')).toMatchObject({ ok: false, problem: 'alphabet' });
  });

  it('returns the normalised value on failure', () => {
    expect(validateCreditCode(' 9133010652601815x9 ')).toEqual({
      ok: false,
      value: '9133010652601815X9',
      problem: 'check',
    });
  });

  it('does not reject on positions 1-2 (authority and entity type)', () => {
    for (const prefix of ['11', '52', '91', '92', '93', 'Y1', 'A1', '31', 'N2']) {
      const body = prefix + SAMPLE.slice(2, 17);
      expect(validateCreditCode(body + creditCodeCheckCharacter(body)).ok).toBe(true);
    }
  });

  it('extracts the division code from positions 3-8', () => {
    expect(creditCodeDivision(SAMPLE)).toBe('330106');
    expect(creditCodeDivision(' 9133 0106 5260 1815 x8')).toBe('330106');
  });
});

describe('credit code properties', () => {
  it('appending the check character to any 17 alphabet characters gives a valid code', () => {
    fc.assert(
      fc.property(first17, (body) => {
        const code = body + creditCodeCheckCharacter(body);
        expect(validateCreditCode(code)).toEqual({ ok: true, value: code });
      }),
    );
  });

  it('detects every single substitution by another alphabet character', () => {
    fc.assert(
      fc.property(validCode, fc.integer({ min: 0, max: 17 }), alphabetChar, (code, position, replacement) => {
        fc.pre(code.charAt(position) !== replacement);
        const changed = code.slice(0, position) + replacement + code.slice(position + 1);
        expect(validateCreditCode(changed)).toEqual({ ok: false, value: changed, problem: 'check' });
      }),
      { numRuns: 2000 },
    );
  });

  it('detects every single substitution exhaustively for the sample code', () => {
    let substitutions = 0;
    for (let position = 0; position < 18; position++) {
      for (const replacement of CREDIT_CODE_ALPHABET) {
        if (SAMPLE.charAt(position) === replacement) continue;
        const changed = SAMPLE.slice(0, position) + replacement + SAMPLE.slice(position + 1);
        expect(validateCreditCode(changed).ok).toBe(false);
        substitutions++;
      }
    }
    expect(substitutions).toBe(18 * 30);
  });

  it('rejects the letters I O S V Z (either case) as alphabet', () => {
    fc.assert(
      fc.property(validCode, fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'IOSVZiosvz'), (code, position, letter) => {
        const changed = code.slice(0, position) + letter + code.slice(position + 1);
        expect(validateCreditCode(changed)).toMatchObject({ ok: false, problem: 'alphabet' });
      }),
    );
  });

  it('normalisation is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (input) => {
        const once = normalizeCreditCode(input);
        expect(normalizeCreditCode(once)).toBe(once);
      }),
    );
  });
});
