// Divisions on the regulator page: the jurisdictions offered for demo tokens (a province →
// prefecture → county cascade built from the division picker) and how a jurisdiction code reads
// ("广东省 › 广州市 › 海珠区"). Pure functions.
import { NATIONAL, divisionPicker, findDivision, type Division } from '../../shared/domain/divisions';
import { ancestry } from '../../shared/domain/jurisdiction';

export interface DemoChoice {
  code: string;
  name: string;
  nameEn?: string;
}

/**
 * A group of counties under a province: a real prefecture (which can be a jurisdiction itself), or
 * a placeholder that is not a division (a municipality's districts, 省直辖县级行政区划), whose
 * counties sit directly under the province.
 */
export interface DemoGroup {
  code: string;
  name: string;
  prefecture: boolean;
  counties: DemoChoice[];
}

/** The first level of the demo picker: national, then the provinces. */
export function demoProvinces(): DemoChoice[] {
  return [
    { code: NATIONAL.code, name: NATIONAL.name, ...(NATIONAL.nameEn ? { nameEn: NATIONAL.nameEn } : {}) },
    ...divisionPicker().map((province) => ({ code: province.code, name: province.name, nameEn: province.nameEn })),
  ];
}

/** The prefectures (and placeholder groups) of a province, from the division picker; none for national. */
export function demoGroups(provinceCode: string): DemoGroup[] {
  const province = divisionPicker().find((candidate) => candidate.code === provinceCode);
  if (!province) return [];
  return province.prefectures.map((group) => {
    const division = findDivision(group.code);
    const prefecture = division?.code === group.code && division.level === 'prefecture';
    return {
      code: group.code,
      name: group.name,
      prefecture,
      // 东莞市 is its own single county-level unit: choosing the prefecture is enough.
      counties: group.counties.filter((county) => !(prefecture && county.code === group.code)).map(({ code, name }) => ({ code, name })),
    };
  });
}

/**
 * The jurisdiction the three choices make: the county when one is chosen, else the prefecture when
 * the group is a real one, else the province (or national).
 */
export function demoJurisdiction(provinceCode: string, groupCode: string, countyCode: string): string {
  const group = demoGroups(provinceCode).find((candidate) => candidate.code === groupCode);
  if (group && countyCode !== '' && group.counties.some((county) => county.code === countyCode)) return countyCode;
  if (group?.prefecture) return group.code;
  return provinceCode;
}

/**
 * The division and its ancestors below national, from the top ("广东省", "广州市", "海珠区"), or
 * just national; undefined for a code that is not a current division.
 */
export function jurisdictionPath(code: string): Division[] | undefined {
  const division = findDivision(code);
  if (!division || division.code !== code) return undefined;
  if (division.code === NATIONAL.code) return [NATIONAL];
  const codes = ancestry(code) ?? [code];
  return codes
    .filter((ancestor) => ancestor !== NATIONAL.code)
    .map((ancestor) => findDivision(ancestor))
    .filter((ancestor): ancestor is Division => ancestor !== undefined)
    .reverse();
}
