import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { chainOf, countyCodes } from '../support/division-tree';
import { ancestry, isJurisdiction, isWithin } from '../../shared/domain/jurisdiction';
import { UNKNOWN_DIVISION } from '../../shared/domain/rollup';

// The matrix: each regulator level × own, child, sibling, parent (and further relatives).
// 330000 浙江 → 330100 杭州 → 330106 西湖区; siblings 320000 江苏, 330200 宁波, 330105 拱墅区.
type Row = [jurisdiction: string, division: string, expected: boolean, why: string];
const MATRIX: Row[] = [
  // National.
  ['000000', '000000', true, 'national: own'],
  ['000000', '330000', true, 'national: child (province)'],
  ['000000', '330100', true, 'national: grandchild (prefecture)'],
  ['000000', '330106', true, 'national: county'],
  ['000000', '110101', true, 'national: municipality district'],
  ['000000', '999999', true, 'national: unknown-division bucket'],
  // Province.
  ['330000', '330000', true, 'province: own'],
  ['330000', '330100', true, 'province: child prefecture'],
  ['330000', '330106', true, 'province: grandchild county'],
  ['330000', '320000', false, 'province: sibling province'],
  ['330000', '320100', false, 'province: a sibling’s prefecture'],
  ['330000', '000000', false, 'province: parent (national)'],
  ['330000', '999999', false, 'province: unknown-division bucket'],
  // Prefecture.
  ['330100', '330100', true, 'prefecture: own'],
  ['330100', '330106', true, 'prefecture: child county'],
  ['330100', '330200', false, 'prefecture: sibling prefecture'],
  ['330100', '330203', false, 'prefecture: a sibling’s county'],
  ['330100', '330000', false, 'prefecture: parent province'],
  ['330100', '000000', false, 'prefecture: national'],
  // County.
  ['330106', '330106', true, 'county: own'],
  ['330106', '330105', false, 'county: sibling county'],
  ['330106', '330100', false, 'county: parent prefecture'],
  ['330106', '330000', false, 'county: province'],
  ['330106', '000000', false, 'county: national'],
  // Municipalities: districts sit directly under the province-level city.
  ['110000', '110101', true, 'municipality: own district'],
  ['110101', '110101', true, 'municipality district: own'],
  ['110101', '110000', false, 'municipality district: parent'],
  ['110101', '110102', false, 'municipality district: sibling'],
  ['110000', '120101', false, 'municipality: another municipality’s district'],
  ['500000', '500229', true, 'Chongqing: a county of its 县 group'],
  ['110100', '110101', false, 'placeholder 市辖区 is not a jurisdiction'],
  // Province-administered county-level units (90).
  ['410000', '419001', true, 'province: its province-administered city (济源)'],
  ['419001', '419001', true, 'province-administered city: own'],
  ['419001', '410000', false, 'province-administered city: parent'],
  ['419000', '419001', false, 'placeholder 省直辖 is not a jurisdiction'],
  ['410100', '419001', false, 'a prefecture of the same province: not the parent'],
  ['420000', '429004', true, 'Hubei: 仙桃'],
  // Prefecture-level cities without counties: one code at two levels.
  ['441900', '441900', true, 'Dongguan: own'],
  ['440000', '441900', true, 'Guangdong: Dongguan'],
  ['441900', '440000', false, 'Dongguan: parent'],
  ['441900', '442000', false, 'Dongguan: sibling Zhongshan'],
  ['620200', '620200', true, 'Jiayuguan: own'],
  // Unknown, malformed and non-canonical codes see nothing and are seen by no one.
  ['000000', '123456', false, 'unknown division'],
  ['123456', '123456', false, 'unknown jurisdiction'],
  ['999999', '999999', false, 'the bucket is not a jurisdiction'],
  ['000000', '130171', false, 'development zone'],
  ['000000', '620201', false, 'alias, not the canonical code'],
  ['620000', '620201', false, 'alias, not the canonical code'],
  ['６２００００', '620200', false, 'full-width jurisdiction'],
  ['330000', '３３０１０６', false, 'full-width division'],
  [' 330000', '330106', false, 'padded jurisdiction'],
  ['330000', '330106 ', false, 'padded division'],
  ['', '330106', false, 'empty jurisdiction'],
  ['330000', '', false, 'empty division'],
  ['33', '330106', false, 'prefix is not a jurisdiction'],
];

describe('isWithin: the jurisdiction matrix', () => {
  it.each(MATRIX)('%s → %s: %s (%s)', (jurisdiction, division, expected) => {
    expect(isWithin(jurisdiction, division)).toBe(expected);
  });

  it('refuses non-strings', () => {
    expect(isWithin(undefined as unknown as string, '330106')).toBe(false);
    expect(isWithin('330000', null as unknown as string)).toBe(false);
  });
});

describe('ancestry', () => {
  it.each([
    ['330106', ['330106', '330100', '330000', '000000']],
    ['110101', ['110101', '110000', '000000']],
    ['419001', ['419001', '410000', '000000']],
    ['441900', ['441900', '440000', '000000']],
    ['000000', ['000000']],
    [UNKNOWN_DIVISION.code, ['999999', '000000']],
  ])('%s', (code, expected) => {
    expect(ancestry(code)).toEqual(expected);
  });

  it('is undefined for codes that are not report codes', () => {
    for (const code of ['123456', '110100', '419000', '620201', '130171', 'abcdef']) expect(ancestry(code)).toBeUndefined();
  });

  it('puts a retired county under its old parent', () => {
    const retired = { '330199': { parent: '330100', name: '旧区', validTo: '2020-12-31' } };
    expect(ancestry('330199', retired)).toEqual(['330199', '330100', '330000', '000000']);
    expect(isWithin('330100', '330199', retired)).toBe(true);
    expect(isWithin('330200', '330199', retired)).toBe(false);
    expect(isWithin('330199', '330199', retired)).toBe(false); // a retired code is no jurisdiction
    expect(isWithin('330100', '330199')).toBe(false); // unknown without the table
    expect(ancestry('330198', { '330198': { parent: '339900', name: 'x', validTo: '2020-01-01' } })).toBeUndefined();
  });
});

describe('isJurisdiction', () => {
  it('is a current division code exactly as stored', () => {
    for (const code of ['000000', '330000', '330100', '330106', '110101', '419001', '441900']) expect(isJurisdiction(code)).toBe(true);
    for (const code of ['110100', '419000', '999999', '620201', '130171', '３３００００', ' 330000', '', 330000, undefined]) expect(isJurisdiction(code)).toBe(false);
  });
});

describe('isWithin properties over the real division tree', () => {
  const counties = countyCodes();

  it('every division sees itself and is seen by exactly its ancestors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...counties), fc.constantFrom(...counties), (a, b) => {
        const chainA = chainOf(a);
        const chainB = chainOf(b);
        for (const j of chainA) for (const d of chainB) expect(isWithin(j, d), `${j} → ${d}`).toBe(chainB.indexOf(j) >= chainB.indexOf(d));
        expect(isWithin(a, a)).toBe(true);
        expect(isWithin('000000', b)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
