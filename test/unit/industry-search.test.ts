// Finding an industry by everyday words (shared/domain/industry-search.ts).
import { describe, expect, it } from 'vitest';
import { findIndustry } from '../../shared/domain/industry';
import { FINANCE_NOTE, HIDDEN_SECTIONS, INDUSTRY_KEYWORDS, pickerSections, searchIndustries } from '../../shared/domain/industry-search';

describe('the keyword table', () => {
  it('maps every word to a code the form can submit, outside the hidden sections', () => {
    for (const entry of INDUSTRY_KEYWORDS) {
      const industry = findIndustry(entry.code);
      expect(industry?.code, entry.code).toBe(entry.code);
      expect(HIDDEN_SECTIONS.has(industry!.section), entry.code).toBe(false);
      expect(entry.zh.length, entry.code).toBeGreaterThan(0);
      expect(entry.en.length, entry.code).toBeGreaterThan(0);
    }
  });

  it('has each word once', () => {
    const words = INDUSTRY_KEYWORDS.flatMap((entry) => [...entry.zh, ...entry.en].map((w) => w.toLowerCase()));
    expect(new Set(words).size).toBe(words.length);
  });

  it('finds every one of its words first, in Chinese and English', () => {
    for (const entry of INDUSTRY_KEYWORDS) {
      for (const word of [...entry.zh, ...entry.en]) expect(searchIndustries(word)[0]?.industry.code, word).toBe(entry.code);
    }
  });
});

describe('searchIndustries', () => {
  it.each([
    ['面馆', 'H62'],
    ['网店', 'F52'],
    ['养猪', 'A03'],
    ['民宿', 'H61'],
    ['汽修', 'O81'],
    ['我开了一家面馆', 'H62'],
    ['Noodle Shop', 'H62'],
    ['ｃａｒ ｒｅｐａｉｒ', 'O81'],
  ])('finds %s as %s', (query, code) => {
    expect(searchIndustries(query)[0]?.industry.code).toBe(code);
  });

  it('finds official names and codes too, and nothing for an empty query', () => {
    expect(searchIndustries('食品制造').map((m) => m.industry.code)).toContain('C14');
    expect(searchIndustries('C14')[0]?.industry.code).toBe('C14');
    expect(searchIndustries('k70').map((m) => m.industry.code)).toEqual(['K701', 'K702', 'K703', 'K704', 'K709']);
    expect(searchIndustries('  ')).toEqual([]);
  });

  it('never offers a hidden section, even by its name or code', () => {
    for (const query of ['国家机构', 'S92', '国际组织', 'T97', 'international organisations']) {
      expect(searchIndustries(query).filter((m) => HIDDEN_SECTIONS.has(m.industry.section)), query).toEqual([]);
    }
  });

  it('gives at most the limit, best first', () => {
    const results = searchIndustries('业', 5);
    expect(results).toHaveLength(5);
  });
});

describe('the picker', () => {
  it('offers every section but public administration (S) and international organisations (T), and explains finance', () => {
    expect(pickerSections().map((s) => s.letter)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R']);
    expect(FINANCE_NOTE.zh).toContain('小额贷款公司');
    expect(FINANCE_NOTE.en).toContain('microcredit');
  });
});
