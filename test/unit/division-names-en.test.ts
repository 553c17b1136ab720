// English names of the divisions: the committed file is what the generator writes (it cannot drift
// from the data set or the generator's tables), every division has one, and known names come out
// as the government's English sites write them.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { divisionNamesEn, englishName, pinyinWord } from '../../scripts/division-names-en';
import { divisionNameEn } from '../../shared/domain/division-names-en';
import { divisionPicker, findDivision } from '../../shared/domain/divisions';

const FILE = path.join(import.meta.dirname, '..', '..', 'shared', 'data', 'division-names-en.json');

describe('shared/data/division-names-en.json', () => {
  it('is what scripts/division-names-en.ts writes (run it after changing the data set or the tables)', () => {
    expect(readFileSync(FILE, 'utf8')).toBe(`${JSON.stringify(divisionNamesEn(), null, 2)}\n`);
  });

  it('names every province, prefecture, placeholder group and county-level unit of the picker', () => {
    const missing: string[] = [];
    for (const province of divisionPicker()) {
      for (const code of [province.code, ...province.prefectures.flatMap((g) => [g.code, ...g.counties.map((c) => c.code)])]) {
        if (divisionNameEn(code) === undefined) missing.push(code);
      }
    }
    expect(missing).toEqual([]);
  });

  it('writes names in Latin letters: capitalised words, no tone marks but ü and the ê of official Tibetan forms', () => {
    const connectives = new Set(['and', 'of', 'by', 'the', 'administered', 'divisions', 'province', 'autonomous', 'region']);
    const odd = Object.values(divisionNamesEn().names).filter(
      (name) => !name.split(/,? /).every((word) => /^[A-Z][a-züê']*(-level)?$/.test(word) || connectives.has(word)),
    );
    expect(odd).toEqual([]);
  });

  it.each([
    ['330000', 'Zhejiang'],
    ['150000', 'Inner Mongolia'],
    ['540000', 'Xizang'],
    ['330100', 'Hangzhou'],
    ['330106', 'Xihu District'],
    ['330182', 'Jiande City'],
    ['330127', "Chun'an County"],
    ['610100', "Xi'an"],
    ['441900', 'Dongguan'],
    ['620200', 'Jiayuguan'],
    ['419001', 'Jiyuan City'],
    ['419000', 'County-level divisions administered by the province'],
    ['429021', 'Shennongjia Forestry District'],
    ['520203', 'Liuzhi Special District'],
    ['310115', 'Pudong New Area'],
    ['222400', 'Yanbian Korean Autonomous Prefecture'],
    ['422800', 'Enshi Tujia and Miao Autonomous Prefecture'],
    ['632200', 'Haibei Tibetan Autonomous Prefecture'],
    ['654000', 'Ili Kazak Autonomous Prefecture'],
    ['152900', 'Alxa League'],
    ['150121', 'Tumed Left Banner'],
    ['152222', 'Horqin Right Wing Middle Banner'],
    ['150723', 'Oroqen Autonomous Banner'],
    ['652900', 'Aksu Prefecture'],
    ['230100', 'Harbin'],
    ['650100', 'Urumqi'],
    ['341500', "Lu'an"],
    ['371722', 'Shan County'],
    ['330382', 'Yueqing City'],
    ['440114', 'Huadu District'],
    ['410102', 'Zhongyuan District'],
    ['410104', 'Guancheng Hui District'],
    ['450328', 'Longsheng Various Nationalities Autonomous County'],
    ['622927', 'Jishishan Bonan, Dongxiang and Salar Autonomous County'],
  ])('%s → %s', (code, name) => {
    expect(divisionNameEn(code)).toBe(name);
  });

  it('keeps the Chinese data set and the English names apart: divisions.ts knows only the provinces’ names', () => {
    expect(findDivision('330106')).not.toHaveProperty('nameEn');
    expect(divisionNameEn('999998')).toBeUndefined();
  });
});

describe('the generator', () => {
  it('writes pinyin as one capitalised word with apostrophes where a syllable begins with a, o or e', () => {
    expect(pinyinWord('西安')).toBe("Xi'an");
    expect(pinyinWord('兴安')).toBe("Xing'an");
    expect(pinyinWord('海拉尔')).toBe("Haila'er");
    expect(pinyinWord('绿春')).toBe('Lüchun');
    expect(pinyinWord('吕梁')).toBe('Lüliang');
    expect(pinyinWord('重庆')).toBe('Chongqing');
  });

  it('names generic parts by level: a prefecture-level city is its name alone, a county-level one a City', () => {
    expect(englishName('杭州市', 'prefecture')).toBe('Hangzhou');
    expect(englishName('建德市', 'county')).toBe('Jiande City');
    expect(englishName('沛县', 'county')).toBe('Pei County');
    expect(englishName('城区', 'county')).toBe('Cheng District');
    expect(englishName('清新区', 'county')).toBe('Qingxin District');
    expect(englishName('碑林区', 'county')).toBe('Beilin District');
  });

  it('refuses a name it has no English form for, rather than guessing', () => {
    expect(() => englishName('某某镇', 'county')).toThrow(/no English form/);
  });
});
