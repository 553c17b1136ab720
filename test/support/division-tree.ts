// The real division tree for property tests: every county-level code, and a division's chain up to national.
import { divisionPicker, parentOf } from '../../shared/domain/divisions';

export function countyCodes(): string[] {
  return divisionPicker().flatMap((p) => p.prefectures.flatMap((g) => g.counties.map((c) => c.code)));
}

/** `[code, parent, …, '000000']` by walking parentOf. */
export function chainOf(code: string): string[] {
  const chain = [code];
  for (let d = parentOf(code); d; d = parentOf(d.code)) chain.push(d.code);
  return chain;
}
