// Divisions on the regulator page: how a jurisdiction code reads ("广东省 › 广州市 › 海珠区").
// Pure functions.
import { NATIONAL, findDivision, type Division } from '../../shared/domain/divisions';
import { ancestry } from '../../shared/domain/jurisdiction';

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
