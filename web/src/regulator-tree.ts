// The report list comes flat (one entry per division with a report); the page shows it as the
// division tree national → province → prefecture → county. Each entry hangs under its nearest
// ancestor that is in the list too (a county under its province when the prefecture has no report,
// municipality districts under the municipality); entries whose ancestors are not in the list (the
// caller's own division, or anything above it) are roots. Pure functions.
import { NATIONAL, findDivision, type DivisionLevel } from '../../shared/domain/divisions';
import { ancestry } from '../../shared/domain/jurisdiction';
import { UNKNOWN_DIVISION } from '../../shared/domain/rollup';

export interface ReportDivisionRef {
  code: string;
  name: string;
  level: string;
  nameEn?: string;
}

export interface TreeNode<T extends { division: ReportDivisionRef }> {
  entry: T;
  level: DivisionLevel;
  /** 0 for roots. */
  depth: number;
  children: TreeNode<T>[];
}

const RANK: Readonly<Record<DivisionLevel, number>> = { national: 0, province: 1, prefecture: 2, county: 3 };

const isLevel = (value: string): value is DivisionLevel => Object.hasOwn(RANK, value);

/** The level from the list, else from the division data, else from the shape of the code. */
export function levelOfEntry(division: ReportDivisionRef): DivisionLevel {
  if (isLevel(division.level)) return division.level;
  const known = findDivision(division.code);
  if (known?.code === division.code) return known.level;
  if (division.code === NATIONAL.code) return 'national';
  if (division.code.endsWith('0000')) return 'province';
  if (division.code.endsWith('00')) return 'prefecture';
  return 'county';
}

/** Ancestors by the shape of the code (330106 → 330100, 330000, 000000), for codes the data set does not know. */
function codeShapeAncestors(code: string): string[] {
  if (!/^\d{6}$/.test(code) || code === NATIONAL.code) return [];
  const candidates = [`${code.slice(0, 4)}00`, `${code.slice(0, 2)}0000`, NATIONAL.code];
  return candidates.filter((candidate) => candidate !== code);
}

/**
 * Codes of possible parents, nearest first: the division's own code (a county-level city such as
 * 441900 sits under the prefecture of the same code), its ancestry from the division data (which
 * also knows retired codes and the unknown-division bucket), then ancestors by the shape of the code.
 */
function parentCandidates(code: string): string[] {
  const known = ancestry(code)?.slice(1) ?? [];
  return [...new Set([code, ...known, ...codeShapeAncestors(code)])];
}

const compareNodes = <T extends { division: ReportDivisionRef }>(a: TreeNode<T>, b: TreeNode<T>): number =>
  RANK[a.level] - RANK[b.level] || (a.entry.division.code < b.entry.division.code ? -1 : a.entry.division.code > b.entry.division.code ? 1 : 0);

/** The entries as a forest, children sorted by level then code; duplicates (same code and level) kept once. */
export function buildReportTree<T extends { division: ReportDivisionRef }>(entries: readonly T[]): TreeNode<T>[] {
  const byCode = new Map<string, TreeNode<T>[]>();
  const nodes: TreeNode<T>[] = [];
  for (const entry of entries) {
    const level = levelOfEntry(entry.division);
    const sameCode = byCode.get(entry.division.code) ?? [];
    if (sameCode.some((node) => node.level === level)) continue;
    const node: TreeNode<T> = { entry, level, depth: 0, children: [] };
    sameCode.push(node);
    byCode.set(entry.division.code, sameCode);
    nodes.push(node);
  }

  const roots: TreeNode<T>[] = [];
  for (const node of nodes) {
    const rank = RANK[node.level];
    let parent: TreeNode<T> | undefined;
    for (const code of parentCandidates(node.entry.division.code)) {
      // The deepest node with that code above this one (a lower rank always: no cycles).
      parent = (byCode.get(code) ?? [])
        .filter((candidate) => RANK[candidate.level] < rank)
        .sort((a, b) => RANK[b.level] - RANK[a.level])[0];
      if (parent) break;
    }
    (parent ? parent.children : roots).push(node);
  }

  const settle = (list: TreeNode<T>[], depth: number): void => {
    list.sort(compareNodes);
    for (const node of list) {
      node.depth = depth;
      settle(node.children, depth + 1);
    }
  };
  settle(roots, 0);
  return roots;
}

/** The nodes in display order (depth first). */
export function flattenTree<T extends { division: ReportDivisionRef }>(roots: readonly TreeNode<T>[]): TreeNode<T>[] {
  const out: TreeNode<T>[] = [];
  const walk = (list: readonly TreeNode<T>[]): void => {
    for (const node of list) {
      out.push(node);
      walk(node.children);
    }
  };
  walk(roots);
  return out;
}

/** The English name of a division where one is known (national, provinces, the unknown bucket). */
export function englishName(division: ReportDivisionRef): string | undefined {
  if (typeof division.nameEn === 'string' && division.nameEn !== '') return division.nameEn;
  if (division.code === UNKNOWN_DIVISION.code) return UNKNOWN_DIVISION.nameEn;
  const known = findDivision(division.code);
  return known?.code === division.code ? known.nameEn : undefined;
}
