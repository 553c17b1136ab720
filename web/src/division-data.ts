// The division names the pages show, loaded only where needed: one file per province
// (divisions/<2 digits>.json, written by web/build.ts from the division data set and
// shared/data/division-names-en.json), fetched when the form's province is chosen or when the
// status page names a need's county. The pages' scripts carry no division names.
import type { Language } from './i18n';

export interface CountyNames {
  code: string;
  name: string;
  nameEn: string;
}

/** A group of counties: a prefecture, a municipality's own group (the province's code) or a 90 placeholder. */
export interface PrefectureNames extends CountyNames {
  counties: CountyNames[];
}

export interface ProvinceNames extends CountyNames {
  prefectures: PrefectureNames[];
}

/** The path of a province's file, relative to the pages (330106 → divisions/33.json). */
export const provinceFilePath = (code: string): string => `divisions/${code.slice(0, 2)}.json`;

const loaded = new Map<string, ProvinceNames>();
const loading = new Map<string, Promise<ProvinceNames | undefined>>();

const isNames = (value: unknown): value is CountyNames =>
  typeof value === 'object' && value !== null && typeof (value as CountyNames).code === 'string' && typeof (value as CountyNames).name === 'string';

function isProvinceNames(value: unknown): value is ProvinceNames {
  const prefectures = (value as ProvinceNames | null)?.prefectures;
  return isNames(value) && Array.isArray(prefectures) && prefectures.every((p) => isNames(p) && Array.isArray(p.counties) && p.counties.every(isNames));
}

/** The province's names when they are loaded already (by code of the province or of any division in it). */
export function loadedProvince(code: string): ProvinceNames | undefined {
  return /^\d{6}$/.test(code) ? loaded.get(code.slice(0, 2)) : undefined;
}

/**
 * Loads the names of the province a code lies in (once; a failed load is tried again on the next
 * call). Resolves undefined when the code is malformed, the province unknown or the network failed.
 */
export function loadProvince(code: string): Promise<ProvinceNames | undefined> {
  if (!/^\d{6}$/.test(code)) return Promise.resolve(undefined);
  const key = code.slice(0, 2);
  const known = loaded.get(key);
  if (known) return Promise.resolve(known);
  let pending = loading.get(key);
  if (!pending) {
    pending = fetch(provinceFilePath(code), { headers: { Accept: 'application/json' } })
      .then(async (response) => {
        const body: unknown = response.ok ? await response.json() : undefined;
        if (!isProvinceNames(body)) return undefined;
        loaded.set(key, body);
        return body;
      })
      .catch(() => undefined)
      .finally(() => loading.delete(key));
    loading.set(key, pending);
  }
  return pending;
}

/** "Xihu District (西湖区)" in English (the Chinese name helps to match the business licence); the Chinese name otherwise. */
export const pickerLabel = (names: CountyNames, language: Language): string => (language === 'zh' ? names.name : `${names.nameEn} (${names.name})`);

/**
 * "浙江省 杭州市 西湖区" / "Xihu District, Hangzhou, Zhejiang" from the province's names (a
 * municipality's or a 90 unit's chain has no prefecture; 东莞市 names itself once); the bare code
 * while the names are not loaded or when the code is unknown.
 */
export function countyLabel(code: string, language: Language, province: ProvinceNames | undefined = loadedProvince(code)): string {
  for (const group of province?.prefectures ?? []) {
    const county = group.counties.find((c) => c.code === code);
    if (!county || !province) continue;
    const chain: CountyNames[] = [province];
    // Only a real prefecture is named: not a municipality's own group, nor a 90 placeholder, nor the county itself.
    if (group.code !== province.code && group.code.slice(2, 4) !== '90' && group.code !== county.code) chain.push(group);
    chain.push(county);
    return language === 'zh' ? chain.map((d) => d.name).join(' ') : chain.map((d) => d.nameEn).reverse().join(', ');
  }
  return code;
}
