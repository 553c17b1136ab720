import { describe, it, expect } from 'vitest';
import {
  INDUSTRIES,
  INDUSTRY_DIVISIONS,
  INDUSTRY_SECTIONS,
  findIndustry,
  industriesInSection,
  normalizeIndustryCode,
  type SectionLetter,
  type SizeCategory,
} from '../../shared/domain/industry';

/** Division ranges per section, as in GB/T 4754-2017 (transcribed independently of the module). */
const SECTION_RANGES: Record<SectionLetter, readonly [number, number]> = {
  A: [1, 5],
  B: [6, 12],
  C: [13, 43],
  D: [44, 46],
  E: [47, 50],
  F: [51, 52],
  G: [53, 60],
  H: [61, 62],
  I: [63, 65],
  J: [66, 69],
  K: [70, 70],
  L: [71, 72],
  M: [73, 75],
  N: [76, 79],
  O: [80, 82],
  P: [83, 83],
  Q: [84, 85],
  R: [86, 90],
  S: [91, 96],
  T: [97, 97],
};

const LETTERS = Object.keys(SECTION_RANGES) as SectionLetter[];

const EXPECTED_GROUPS = ['G591', 'G592', 'G593', 'G594', 'G595', 'G596', 'G599', 'K701', 'K702', 'K703', 'K704', 'K709'];

describe('industry table', () => {
  it('has the 20 sections A..T in order, with names', () => {
    expect(INDUSTRY_SECTIONS.map((s) => s.letter)).toEqual('ABCDEFGHIJKLMNOPQRST'.split(''));
    for (const s of INDUSTRY_SECTIONS) {
      expect(s.nameZh.length).toBeGreaterThan(0);
      expect(s.nameEn.length).toBeGreaterThan(0);
    }
    const byLetter = new Map(INDUSTRY_SECTIONS.map((s) => [s.letter, s.nameZh]));
    expect(byLetter.get('A')).toBe('农、林、牧、渔业');
    expect(byLetter.get('G')).toBe('交通运输、仓储和邮政业');
    expect(byLetter.get('I')).toBe('信息传输、软件和信息技术服务业');
    expect(byLetter.get('S')).toBe('公共管理、社会保障和社会组织');
  });

  it('lists all 97 divisions 01..97, each under the right section letter', () => {
    expect(INDUSTRY_DIVISIONS).toHaveLength(97);
    INDUSTRY_DIVISIONS.forEach((d, i) => {
      const n = i + 1;
      expect(d.code.slice(1)).toBe(String(n).padStart(2, '0'));
      const [lo, hi] = SECTION_RANGES[d.section];
      expect(n >= lo && n <= hi, `${d.code} in section ${d.section}`).toBe(true);
      expect(d.code.charAt(0)).toBe(d.section);
      expect(d.nameZh.trim()).toBe(d.nameZh);
      expect(d.nameZh.length).toBeGreaterThan(0);
      expect(d.nameEn.trim()).toBe(d.nameEn);
      expect(d.nameEn.length).toBeGreaterThan(0);
    });
  });

  it('only K70 and G59 are split, and not selectable', () => {
    expect(INDUSTRY_DIVISIONS.filter((d) => !d.selectable).map((d) => d.code)).toEqual(['G59', 'K70']);
    const names = new Map(INDUSTRY_DIVISIONS.map((d) => [d.code, d.nameZh]));
    expect(names.get('K70')).toBe('房地产业');
    expect(names.get('G59')).toBe('装卸搬运和仓储业');
  });

  it('selectable codes are unique, well-formed and consistent with their section', () => {
    const codes = INDUSTRIES.map((i) => i.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const i of INDUSTRIES) {
      expect(i.code).toMatch(/^[A-T]\d{2,3}$/);
      expect(i.section).toBe(i.code.charAt(0));
      expect(i.nameZh.length).toBeGreaterThan(0);
      expect(i.nameEn.length).toBeGreaterThan(0);
    }
    // 95 unsplit divisions + 12 groups.
    expect(INDUSTRIES).toHaveLength(95 + EXPECTED_GROUPS.length);
  });

  it('accounts for every division: directly, or through its groups (K70, G59 only via groups)', () => {
    const codes = new Set(INDUSTRIES.map((i) => i.code));
    for (const d of INDUSTRY_DIVISIONS) {
      const groups = INDUSTRIES.filter((i) => i.code.length === 4 && i.code.startsWith(d.code));
      if (d.selectable) {
        expect(codes.has(d.code), d.code).toBe(true);
        expect(groups, d.code).toHaveLength(0);
      } else {
        expect(codes.has(d.code), d.code).toBe(false);
        expect(groups.length, d.code).toBeGreaterThan(0);
      }
    }
    expect(INDUSTRIES.filter((i) => i.code.length === 4).map((i) => i.code)).toEqual(EXPECTED_GROUPS);
    const divisionsCovered = new Set(INDUSTRIES.map((i) => i.code.slice(0, 3)));
    expect(divisionsCovered.size).toBe(97);
  });

  it('each section has its divisions, and the sections partition the list', () => {
    let total = 0;
    for (const letter of LETTERS) {
      const inSection = industriesInSection(letter);
      expect(inSection.length, letter).toBeGreaterThan(0);
      expect(inSection.every((i) => i.section === letter)).toBe(true);
      const [lo, hi] = SECTION_RANGES[letter];
      const divisions = new Set(inSection.map((i) => Number(i.code.slice(1, 3))));
      expect([...divisions].sort((a, b) => a - b)).toEqual(Array.from({ length: hi - lo + 1 }, (_, k) => lo + k));
      total += inSection.length;
    }
    expect(total).toBe(INDUSTRIES.length);
    expect(industriesInSection('K').map((i) => i.code)).toEqual(['K701', 'K702', 'K703', 'K704', 'K709']);
    expect(industriesInSection('F').map((i) => i.code)).toEqual(['F51', 'F52']);
  });

  it('is immutable at run time', () => {
    expect(Object.isFrozen(INDUSTRIES)).toBe(true);
    expect(Object.isFrozen(INDUSTRIES[0])).toBe(true);
    expect(Object.isFrozen(INDUSTRY_SECTIONS)).toBe(true);
    expect(Object.isFrozen(INDUSTRY_DIVISIONS)).toBe(true);
  });
});

describe('official names', () => {
  const cases: [string, string][] = [
    ['A01', '农业'],
    ['A05', '农、林、牧、渔专业及辅助性活动'],
    ['B11', '开采专业及辅助性活动'],
    ['C14', '食品制造业'],
    ['C15', '酒、饮料和精制茶制造业'],
    ['C39', '计算机、通信和其他电子设备制造业'],
    ['C43', '金属制品、机械和设备修理业'],
    ['D44', '电力、热力生产和供应业'],
    ['E50', '建筑装饰、装修和其他建筑业'],
    ['F51', '批发业'],
    ['F52', '零售业'],
    ['G58', '多式联运和运输代理业'],
    ['G591', '装卸搬运'],
    ['G592', '通用仓储'],
    ['G595', '谷物、棉花等农产品仓储'],
    ['G599', '其他仓储业'],
    ['G60', '邮政业'],
    ['I63', '电信、广播电视和卫星传输服务'],
    ['I64', '互联网和相关服务'],
    ['I65', '软件和信息技术服务业'],
    ['J66', '货币金融服务'],
    ['K701', '房地产开发经营'],
    ['K702', '物业管理'],
    ['K703', '房地产中介服务'],
    ['K704', '房地产租赁经营'],
    ['K709', '其他房地产业'],
    ['L72', '商务服务业'],
    ['N77', '生态保护和环境治理业'],
    ['O81', '机动车、电子产品和日用产品修理业'],
    ['R87', '广播、电视、电影和录音制作业'],
    ['S95', '群众团体、社会团体和其他成员组织'],
    ['S96', '基层群众自治组织及其他组织'],
    ['T97', '国际组织'],
  ];
  it.each(cases)('%s is %s', (code, nameZh) => {
    expect(findIndustry(code)?.nameZh).toBe(nameZh);
  });
});

describe('size category', () => {
  const cases: [string, SizeCategory][] = [
    ['A01', 'agriculture'],
    ['A05', 'agriculture'],
    ['B06', 'industry'],
    ['C14', 'industry'],
    ['C43', 'industry'],
    ['D46', 'industry'],
    ['E47', 'construction'],
    ['E50', 'construction'],
    ['F51', 'wholesale'],
    ['F52', 'retail'],
    ['G53', 'transport'],
    ['G54', 'transport'],
    ['G58', 'transport'],
    ['G591', 'transport'],
    ['G592', 'warehousing'],
    ['G596', 'warehousing'],
    ['G599', 'warehousing'],
    ['G60', 'postal'],
    ['H61', 'accommodationCatering'],
    ['H62', 'accommodationCatering'],
    ['I63', 'informationTransmission'],
    ['I64', 'informationTransmission'],
    ['I65', 'softwareIt'],
    ['J66', 'other'],
    ['J69', 'other'],
    ['K701', 'realEstateDevelopment'],
    ['K702', 'propertyManagement'],
    ['K703', 'other'],
    ['K704', 'other'],
    ['K709', 'other'],
    ['L71', 'leasingBusinessServices'],
    ['L72', 'leasingBusinessServices'],
    ['M73', 'other'],
    ['N78', 'other'],
    ['O80', 'other'],
    ['P83', 'other'],
    ['Q84', 'other'],
    ['Q85', 'other'],
    ['R90', 'other'],
    ['S91', 'other'],
    ['T97', 'other'],
  ];
  it.each(cases)('%s → %s', (code, category) => {
    expect(findIndustry(code)?.sizeCategory).toBe(category);
  });

  it('sections map to categories as the size standard says', () => {
    const bySection = (letter: SectionLetter) => new Set(industriesInSection(letter).map((i) => i.sizeCategory));
    expect(bySection('A')).toEqual(new Set(['agriculture']));
    for (const l of ['B', 'C', 'D'] as const) expect(bySection(l)).toEqual(new Set(['industry']));
    expect(bySection('E')).toEqual(new Set(['construction']));
    for (const l of ['J', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T'] as const) expect(bySection(l)).toEqual(new Set(['other']));
  });

  it('every size category is reachable from some code', () => {
    const all: SizeCategory[] = [
      'agriculture', 'industry', 'construction', 'wholesale', 'retail', 'transport', 'warehousing', 'postal',
      'accommodationCatering', 'informationTransmission', 'softwareIt', 'realEstateDevelopment',
      'propertyManagement', 'leasingBusinessServices', 'other',
    ];
    expect(new Set(INDUSTRIES.map((i) => i.sizeCategory))).toEqual(new Set(all));
  });
});

describe('normalizeIndustryCode / findIndustry', () => {
  it('trims, upper-cases and converts full-width characters', () => {
    expect(normalizeIndustryCode(' c14 ')).toBe('C14');
    expect(normalizeIndustryCode('Ｃ１４')).toBe('C14');
    expect(normalizeIndustryCode('\u3000ｋ７０１\u3000')).toBe('K701');
    expect(normalizeIndustryCode('\tf52\n')).toBe('F52');
  });

  it('finds codes in any of those spellings', () => {
    expect(findIndustry(' c14 ')?.code).toBe('C14');
    expect(findIndustry('Ｃ１４')?.code).toBe('C14');
    expect(findIndustry('ｃ14')?.nameZh).toBe('食品制造业');
    expect(findIndustry('k702')?.sizeCategory).toBe('propertyManagement');
    expect(findIndustry('I65')).toBe(INDUSTRIES.find((i) => i.code === 'I65'));
  });

  it('finds every listed code by its own code', () => {
    for (const i of INDUSTRIES) expect(findIndustry(i.code)).toBe(i);
  });

  it.each(['', ' ', 'C', 'K', 'C99', 'C00', 'Z01', 'U98', '14', 'C1', 'C140', 'C14 1', 'A14', 'K70', 'G59', 'ｋ７０', 'K705', 'G597', 'K7010'])(
    'returns undefined for %j',
    (code) => {
      expect(findIndustry(code)).toBeUndefined();
    },
  );

  it('returns undefined for every bare section letter', () => {
    for (const letter of LETTERS) {
      expect(findIndustry(letter)).toBeUndefined();
      expect(findIndustry(letter.toLowerCase())).toBeUndefined();
    }
  });
});
