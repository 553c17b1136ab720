// The form's reading of GET /v1/counties/{countyCode}/banks (web/src/consent-banks.ts): only a
// well-formed answer for the county asked about names banks in the consent.
import { describe, expect, it } from 'vitest';
import { banksFromAnswer } from '../../web/src/consent-banks';

const BANK = { bankId: 'huimin-bank', nameZh: '惠民银行（模拟）', nameEn: 'Huimin Bank (simulated)' };

describe('banksFromAnswer', () => {
  it('takes the names of an answer for the county asked about, and nothing else of a bank', () => {
    expect(banksFromAnswer({ countyCode: '330106', banks: [{ ...BANK, divisions: ['000000'] }] }, '330106')).toEqual([BANK]);
    expect(banksFromAnswer({ countyCode: '330106', banks: [] }, '330106')).toEqual([]);
  });

  it('refuses an answer for another county, or one that is not the shape', () => {
    expect(banksFromAnswer({ countyCode: '441900', banks: [BANK] }, '330106')).toBeUndefined();
    for (const body of [null, 'banks', { countyCode: '330106' }, { countyCode: '330106', banks: [{ bankId: 'x', nameZh: '行' }] }, { countyCode: '330106', banks: [null] }]) {
      expect(banksFromAnswer(body, '330106'), JSON.stringify(body)).toBeUndefined();
    }
  });
});
