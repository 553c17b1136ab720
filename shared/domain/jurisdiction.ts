/**
 * The jurisdiction tree: which divisions lie within an official's jurisdiction. Who may do what
 * there is decided in one place, {@link ./authorization.ts}, on top of these relations.
 *
 * Rules:
 * - A jurisdiction is the jurisdiction claim of an official's token: a current division code,
 *   `000000` for national. Anything else (unknown, placeholder such as 110100 or 419000, a
 *   development zone, a retired code, an alias such as 620201, full-width digits, spaces) is none.
 * - Within a jurisdiction are its own division and everything below it in the roll-up tree, nothing
 *   else: not its parent, not its siblings. Municipality districts are below the municipality
 *   (110101 under 110000), province-administered units below the province (419001 under 410000),
 *   and the four prefecture-level cities without counties are one division at two levels (441900).
 * - Report codes are exact canonical codes too: retired county codes ({@link RETIRED_COUNTIES}) are
 *   below their old parent; the unknown-division bucket (999999) is visible to national only;
 *   anything else is visible to nobody.
 *
 * Pure module: no I/O, no environment.
 */
import { NATIONAL, findDivision, parentOf } from './divisions';
import { RETIRED_COUNTIES, UNKNOWN_DIVISION, type RetiredCounty } from './rollup';

const SIX_DIGITS = /^\d{6}$/;

/** A current division code exactly as stored (no aliases, no normalisation): what a jurisdiction may be. */
export function isJurisdiction(code: unknown): code is string {
  return typeof code === 'string' && SIX_DIGITS.test(code) && findDivision(code)?.code === code;
}

/**
 * The division and its ancestors up to national (`[code, parent, …, '000000']`), or undefined when
 * `code` is not a report code (see the rules above).
 */
export function ancestry(code: string, retired: Readonly<Record<string, RetiredCounty>> = RETIRED_COUNTIES): string[] | undefined {
  if (!SIX_DIGITS.test(code)) return undefined;
  if (code === UNKNOWN_DIVISION.code) return [code, NATIONAL.code];
  let start = code;
  const path: string[] = [];
  if (!isJurisdiction(code)) {
    const entry = Object.hasOwn(retired, code) ? retired[code] : undefined;
    if (!entry || !isJurisdiction(entry.parent)) return undefined;
    path.push(code);
    start = entry.parent;
  }
  for (let division = findDivision(start); division; division = parentOf(division.code)) path.push(division.code);
  return path;
}

/**
 * Whether the report code `division` lies within `jurisdiction` (its own division or below, retired
 * counties under their old parent, the unknown bucket under national only). Decides no access by
 * itself: see `authorize` in ./authorization.ts.
 */
export function isWithin(jurisdiction: string, division: string, retired: Readonly<Record<string, RetiredCounty>> = RETIRED_COUNTIES): boolean {
  if (!isJurisdiction(jurisdiction) || typeof division !== 'string') return false;
  return ancestry(division, retired)?.includes(jurisdiction) ?? false;
}
