/**
 * The public edition of the reports: small-cell suppression.
 *
 * Rules (threshold `t`, default {@link DEFAULT_SUPPRESSION_THRESHOLD} = 5):
 * - **Cells.** Every count and amount of a division's totals (including each `byReason` entry) and
 *   of each bank's figures is a cell, identified by division (`level:code`) and path, whichever
 *   report shows it: a prefecture's `declared` is one cell, in the province report (as a child) and
 *   in its own report (as totals). Suppression is decided on the whole set of reports of a period at
 *   once, so a cell is suppressed in every file that shows it or in none.
 * - **Primary suppression.** A count `c` with `0 < c < t`. Zeros are published.
 * - **Linked cells.** A count and its amount go together (`granted`, `creditLoans`, `disbursed`,
 *   a bank's `granted`): suppressing one suppresses the other. Derived figures are suppressed when an
 *   input is: `creditLoanShare` (credit and granted amounts), `weightedAnnualRateBp` (granted
 *   amount), `medianDaysToDecision` (`decisionsTimed`), a bank's `acceptanceRate` (offers,
 *   accepted) and `medianDaysToAnswer` (`answersTimed`). `coverage` is not suppressed (it counts
 *   counties, not enterprises).
 * - **Relations** (total = sum of parts), each added only where it holds exactly in the data:
 *   a division's cell = the sum of its children's (for every path, `byReason` entries included);
 *   `declined.total` = Σ `declined.byReason` (one reason per decline; `notRecommended` reasons are
 *   not a partition, a need may have several); a division's `offered`, `accepted`, `declined.total`,
 *   `deadlinesMissed`, `lateAnswers`, `granted` = Σ over its banks; a bank's figure in a division =
 *   Σ over the children's reports.
 * - **Complementary suppression**, to a fixed point: a relation is exposed when exactly one of its
 *   cells is suppressed (it is the total minus the rest), or when its total is published and its
 *   suppressed parts add up to their number (suppressed cells are never zero, so each must be 1).
 *   An exposed relation gets one more cell suppressed: its smallest non-zero published part (ties by
 *   cell id), else its total. Zero cells are never suppressed, so a null is never a hidden zero.
 * - **Output.** Suppressed cells are `null`; `suppressed` lists their JSON Pointers (RFC 6901) in the
 *   file, in document order (`/totals/declared`, `/children/3/totals/granted/amountYuan`,
 *   `/banks/0/acceptanceRate`, `/totals/declined/byReason/tax_arrears`). A null that is not listed
 *   was null in the full edition (not applicable).
 *
 * - **Audit.** The rules above look at one relation at a time; relations combine (a division's
 *   banks × its children form a two-way table with both margins published, and a bridge in the
 *   pattern of suppressed cells gives a cell away). After the fixed point, the suppressed cells that
 *   the whole linear system determines (exact Gauss–Jordan elimination modulo two large primes) get
 *   one more published cell of one of their relations suppressed, and the loop runs again until no
 *   suppressed cell is determined.
 *
 * Guarantees (tested with fast-check against an independent reading of the published files): no
 * published count lies in (0, t); no suppressed cell is a published total minus published parts;
 * no suppressed cell is determined by solving all the relations together (checked with exact
 * integer elimination). Not guaranteed: interval attacks beyond the all-ones rule (bounds from
 * non-negativity and from knowing that primary cells are below t, as τ-ARGUS's protection
 * intervals would enforce), and anything an attacker knows from outside the published files.
 *
 * Pure module: no I/O, no environment, no clock.
 */
import { ESCALATION_ACTIONS, ESCALATION_KINDS, REVIEW_DECISIONS, type BankFigures, type PublicReport, type Report, type Totals } from './report';
import { reportMapKey } from './rollup';

export const DEFAULT_SUPPRESSION_THRESHOLD = 5;

export interface SuppressionOptions {
  /** Counts in (0, threshold) are suppressed; an integer ≥ 1. */
  threshold?: number;
}

type Kind = 'count' | 'amount';
interface Relation {
  total: string;
  parts: string[];
}

/** JSON Pointer of a path (RFC 6901 escaping). */
export function jsonPointer(path: readonly (string | number)[]): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** The count and amount cells of totals: [path, value, kind]. */
function totalsCells(t: Totals): [string[], number, Kind][] {
  const cells: [string[], number, Kind][] = [
    [['declared'], t.declared, 'count'],
    [['recommended'], t.recommended, 'count'],
    [['notRecommended', 'total'], t.notRecommended.total, 'count'],
    ...Object.entries(t.notRecommended.byReason).map(([r, v]): [string[], number, Kind] => [['notRecommended', 'byReason', r], v, 'count']),
    [['offered'], t.offered, 'count'],
    [['accepted'], t.accepted, 'count'],
    [['declined', 'total'], t.declined.total, 'count'],
    ...Object.entries(t.declined.byReason).map(([r, v]): [string[], number, Kind] => [['declined', 'byReason', r], v, 'count']),
    [['deadlinesMissed'], t.deadlinesMissed, 'count'],
    [['lateAnswers'], t.lateAnswers, 'count'],
    [['unmatched'], t.unmatched, 'count'],
    [['granted', 'count'], t.granted.count, 'count'],
    [['granted', 'amountYuan'], t.granted.amountYuan, 'amount'],
    [['creditLoans', 'count'], t.creditLoans.count, 'count'],
    [['creditLoans', 'amountYuan'], t.creditLoans.amountYuan, 'amount'],
    [['firstLoans'], t.firstLoans, 'count'],
    [['mediumLongTermLoans'], t.mediumLongTermLoans, 'count'],
    [['disbursed', 'count'], t.disbursed.count, 'count'],
    [['disbursed', 'amountYuan'], t.disbursed.amountYuan, 'amount'],
    [['decisionsTimed'], t.decisionsTimed, 'count'],
  ];
  return cells;
}

/**
 * The figures of visits, reviews, escalations and the funnel: every one a count. Not the funnel's
 * `declared`, which is `declared` again and shares its cell's suppression.
 */
function newFigureCells(t: Totals): [string[], number, Kind][] {
  const cells: [string[], number, Kind][] = [];
  const add = (path: string[], v: number): void => void cells.push([path, v, 'count']);
  const addGroup = (group: string, values: object): void => {
    for (const [name, v] of Object.entries(values as Record<string, number | Record<string, number>>)) {
      if (typeof v === 'number') add([group, name], v);
      else for (const [key, n] of Object.entries(v)) add([group, name, key], n);
    }
  };
  const { coverage: _ratio, ...visits } = t.visits;
  addGroup('visits', visits);
  const { medianWorkingDays: _median, ...reviews } = t.reviews;
  addGroup('reviews', reviews);
  addGroup('escalations', t.escalations);
  const { declared: _declared, ...funnel } = t.funnel;
  addGroup('funnel', funnel);
  return cells;
}

/** Totals = Σ parts within a division's new figures (added where they hold exactly). */
const GROUP_SUMS: [string[], string[][]][] = [
  [['reviews', 'made'], REVIEW_DECISIONS.map((d) => ['reviews', 'madeBy', d])],
  [['escalations', 'opened'], ESCALATION_KINDS.map((k) => ['escalations', 'openedBy', k])],
  [['escalations', 'resolved'], ESCALATION_ACTIONS.map((a) => ['escalations', 'resolvedBy', a])],
  // Where no need was matched to a visit, the funnel's first step is exactly visited + declared.
  [['funnel', 'reached'], [['visits', 'visited'], ['declared']]],
];

const LINKED_TOTALS: [string[], string[]][] = [
  [['granted', 'count'], ['granted', 'amountYuan']],
  [['creditLoans', 'count'], ['creditLoans', 'amountYuan']],
  [['disbursed', 'count'], ['disbursed', 'amountYuan']],
];

function bankCells(b: BankFigures): [string[], number, Kind][] {
  return [
    [['offers'], b.offers, 'count'],
    [['accepted'], b.accepted, 'count'],
    [['declined'], b.declined, 'count'],
    [['deadlinesMissed'], b.deadlinesMissed, 'count'],
    [['lateAnswers'], b.lateAnswers, 'count'],
    [['granted', 'count'], b.granted.count, 'count'],
    [['granted', 'amountYuan'], b.granted.amountYuan, 'amount'],
    [['answersTimed'], b.answersTimed, 'count'],
  ];
}

/** Division total path ↔ bank figure path, where the division's figure is the sum over its banks. */
const BANK_SUMS: [string[], string[]][] = [
  [['offered'], ['offers']],
  [['accepted'], ['accepted']],
  [['declined', 'total'], ['declined']],
  [['deadlinesMissed'], ['deadlinesMissed']],
  [['lateAnswers'], ['lateAnswers']],
  [['granted', 'count'], ['granted', 'count']],
  [['granted', 'amountYuan'], ['granted', 'amountYuan']],
];

/** Internal cell ids: division node and path, NUL-separated (pointers are built only for the output). */
const divisionCell = (node: string, path: readonly string[]): string => `${node}\u0000${path.join('\u0000')}`;
const bankCell = (node: string, bankId: string, path: readonly string[]): string => `${node}\u0000banks\u0000${bankId}\u0000${path.join('\u0000')}`;
const nodeOf = (r: { division: { level: Report['division']['level']; code: string } }): string => reportMapKey(r.division.level, r.division.code);

const isZeroTotals = (t: Totals): boolean => totalsCells(t).every(([, v]) => v === 0);

/** The cells, links and relations of a set of reports. */
class CellTable {
  readonly values = new Map<string, number>();
  readonly kinds = new Map<string, Kind>();
  readonly links = new Map<string, string[]>();
  readonly relations: Relation[] = [];
  readonly relationsOf = new Map<string, number[]>();
  private readonly seen = new Set<string>();
  private readonly zeros = new Set<string>();

  /** Records a cell; zero cells are not stored (never suppressed, they add nothing to a sum). */
  cell(id: string, value: number, kind: Kind): void {
    const known = this.values.get(id) ?? 0;
    if (known !== value && (known !== 0 || this.values.has(id) || this.zeros.has(id))) {
      throw new Error(`inconsistent reports: ${id.split('\u0000').join('/')} is ${known} and ${value}`);
    }
    if (value === 0) {
      this.zeros.add(id);
      return;
    }
    this.values.set(id, value);
    this.kinds.set(id, kind);
  }

  value(id: string): number {
    return this.values.get(id) ?? 0;
  }

  link(a: string, b: string): void {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const list = this.links.get(x) ?? [];
      if (!list.includes(y)) list.push(y);
      this.links.set(x, list);
    }
  }

  /**
   * Adds `total = Σ parts` when it holds exactly. Zero cells are never suppressed and add nothing,
   * so they are left out, and so are relations whose total is zero.
   */
  relation(total: string, allParts: string[]): void {
    const value = (id: string): number => this.value(id);
    if (value(total) === 0 || allParts.reduce((s, p) => s + value(p), 0) !== value(total)) return;
    const parts = allParts.filter((p) => value(p) !== 0);
    const signature = `${total}=${parts.join('+')}`;
    if (this.seen.has(signature)) return;
    this.seen.add(signature);
    const index = this.relations.push({ total, parts }) - 1;
    for (const id of [total, ...parts]) {
      const list = this.relationsOf.get(id) ?? [];
      list.push(index);
      this.relationsOf.set(id, list);
    }
  }
}

function addTotals(table: CellTable, node: string, totals: Totals): void {
  for (const [path, value, kind] of totalsCells(totals)) table.cell(divisionCell(node, path), value, kind);
  for (const [a, b] of LINKED_TOTALS) table.link(divisionCell(node, a), divisionCell(node, b));
}

function buildTable(reports: readonly Report[]): CellTable {
  const table = new CellTable();
  const byNode = new Map(reports.map((r) => [nodeOf(r), r]));

  for (const report of reports) {
    const node = nodeOf(report);
    addTotals(table, node, report.totals);
    for (const child of report.children) addTotals(table, nodeOf(child), child.totals);
    for (const bank of report.banks) {
      for (const [path, value, kind] of bankCells(bank)) table.cell(bankCell(node, bank.bankId, path), value, kind);
      table.link(bankCell(node, bank.bankId, ['granted', 'count']), bankCell(node, bank.bankId, ['granted', 'amountYuan']));
    }
  }

  for (const report of reports) {
    const node = nodeOf(report);
    // A division = Σ its children, path by path (a child without a byReason entry has 0 there).
    for (const [path] of totalsCells(report.totals)) {
      const parts = report.children.map((c) => divisionCell(nodeOf(c), path)).filter((id) => table.values.has(id));
      table.relation(divisionCell(node, path), parts);
    }
    // declined.total = Σ byReason, for the division and each child; likewise the new figures' breakdowns.
    for (const [n, totals] of [[node, report.totals] as const, ...report.children.map((c) => [nodeOf(c), c.totals] as const)]) {
      table.relation(
        divisionCell(n, ['declined', 'total']),
        Object.keys(totals.declined.byReason).map((r) => divisionCell(n, ['declined', 'byReason', r])),
      );
      for (const [total, parts] of GROUP_SUMS) table.relation(divisionCell(n, total), parts.map((p) => divisionCell(n, p)));
    }
    // A division's figure = Σ its banks.
    for (const [totalPath, bankPath] of BANK_SUMS) {
      table.relation(
        divisionCell(node, totalPath),
        report.banks.map((b) => bankCell(node, b.bankId, bankPath)),
      );
    }
    // A bank's figure = Σ the same bank in the children's reports (when they are all in the set).
    const childNodes: string[] = [];
    let complete = true;
    for (const child of report.children) {
      if (isZeroTotals(child.totals)) continue;
      if (!byNode.has(nodeOf(child))) complete = false;
      childNodes.push(nodeOf(child));
    }
    if (!complete || childNodes.length === 0) continue;
    for (const bank of report.banks) {
      for (const [path] of bankCells(bank)) {
        const parts = childNodes.map((c) => bankCell(c, bank.bankId, path)).filter((id) => table.values.has(id));
        table.relation(bankCell(node, bank.bankId, path), parts);
      }
    }
  }
  return table;
}

/**
 * The table of the second pass: the new figures' cells and relations (children sums, their
 * breakdowns, the funnel's first step), with `declared` — the one earlier figure they relate to —
 * as a cell the pass may not suppress (`fixed` lists those ids).
 */
function buildNewFiguresTable(reports: readonly Report[]): { table: CellTable; fixed: Set<string> } {
  const table = new CellTable();
  const fixed = new Set<string>();
  const add = (node: string, totals: Totals): void => {
    for (const [path, value, kind] of newFigureCells(totals)) table.cell(divisionCell(node, path), value, kind);
    const declared = divisionCell(node, ['declared']);
    table.cell(declared, totals.declared, 'count');
    fixed.add(declared);
  };
  for (const report of reports) {
    add(nodeOf(report), report.totals);
    for (const child of report.children) add(nodeOf(child), child.totals);
  }
  for (const report of reports) {
    const node = nodeOf(report);
    for (const [path] of [...newFigureCells(report.totals), [['declared']] as const]) {
      const parts = report.children.map((c) => divisionCell(nodeOf(c), path)).filter((id) => table.values.has(id));
      table.relation(divisionCell(node, path), parts);
    }
    for (const n of [node, ...report.children.map(nodeOf)]) {
      for (const [total, parts] of GROUP_SUMS) table.relation(divisionCell(n, total), parts.map((p) => divisionCell(n, p)));
    }
  }
  return { table, fixed };
}

/**
 * The set of suppressed cell ids: primary, linked and complementary, to a fixed point, then audited.
 * With `given`: the cells already suppressed by an earlier pass (kept so), and the cells this pass
 * may not suppress (their pattern was decided by that pass and is published as it was).
 */
function suppress(table: CellTable, threshold: number, given?: { hidden: ReadonlySet<string>; fixed: ReadonlySet<string> }): Set<string> {
  const hidden = new Set<string>();
  const eligible = (id: string): boolean => !given?.fixed.has(id);
  const dirty = new Set<number>();
  const value = (id: string): number => table.value(id);
  const hide = (id: string): void => {
    if (hidden.has(id)) return;
    hidden.add(id);
    for (const r of table.relationsOf.get(id) ?? []) dirty.add(r);
    for (const linked of table.links.get(id) ?? []) if (value(linked) !== 0) hide(linked);
  };
  for (const [id, v] of table.values) if (eligible(id) && table.kinds.get(id) === 'count' && v > 0 && v < threshold) hide(id);
  for (const id of given?.hidden ?? []) if (table.values.has(id)) hide(id);

  const exposed = (r: Relation): boolean => {
    const hiddenParts = r.parts.filter((p) => hidden.has(p));
    const totalHidden = hidden.has(r.total);
    const count = hiddenParts.length + (totalHidden ? 1 : 0);
    if (count === 1) return true;
    if (count === 0 || totalHidden) return false;
    return hiddenParts.reduce((s, p) => s + value(p), 0) === hiddenParts.length;
  };
  const byValue = (a: string, b: string): number => value(a) - value(b) || (a < b ? -1 : a > b ? 1 : 0);
  /** The smallest published non-zero part of a relation, else its total. */
  const complement = (relation: Relation): string | undefined =>
    relation.parts.filter((p) => !hidden.has(p) && value(p) > 0 && eligible(p)).sort(byValue)[0] ??
    (!hidden.has(relation.total) && value(relation.total) > 0 && eligible(relation.total) ? relation.total : undefined);

  const settle = (): void => {
    while (dirty.size > 0) {
      const order = [...dirty].sort((a, b) => a - b);
      dirty.clear();
      for (const index of order) {
        const relation = table.relations[index]!;
        if (!exposed(relation)) continue;
        const candidate = complement(relation);
        if (candidate !== undefined) hide(candidate);
      }
    }
  };

  settle();
  // Audit: a suppressed cell that the relations determine together (a two-way table's bridge) gets
  // one more published cell of one of its relations suppressed, until none is determined.
  // A later pass leaves alone what only the earlier pass's published cells determine (it cannot
  // suppress those, and the earlier pass protected its own cells).
  const settled = new Set<string>();
  const audit = (): string[] => determinedCells(table, hidden).filter((id) => !settled.has(id));
  for (let determined = audit(); determined.length > 0; determined = audit()) {
    const before = hidden.size;
    for (const id of determined) {
      const relations = (table.relationsOf.get(id) ?? []).map((r) => table.relations[r]!);
      const candidate = relations
        .map(complement)
        .filter((c): c is string => c !== undefined)
        .sort(byValue)[0];
      if (candidate !== undefined) hide(candidate);
      else if (given) settled.add(id);
    }
    if (hidden.size === before) {
      if (given) continue;
      // Every relation of those cells is hidden already: take a published cell of any relation with a suppressed one.
      const candidate = table.relations
        .filter((r) => [r.total, ...r.parts].some((c) => hidden.has(c)))
        .map(complement)
        .filter((c): c is string => c !== undefined)
        .sort(byValue)[0];
      if (candidate === undefined) break; // cannot happen: with every non-zero cell hidden, nothing is determined
      hide(candidate);
    }
    settle();
  }
  return hidden;
}

// ---------------------------------------------------------------------------------------------
// Audit: which suppressed cells do the published totals determine?

/** Primes below 2^26, so that products of residues stay exact in doubles. */
const PRIMES = [67_108_859, 67_108_837];

function modPow(base: number, exponent: number, p: number): number {
  let result = 1;
  let b = base % p;
  for (let e = exponent; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = (result * b) % p;
    b = (b * b) % p;
  }
  return result;
}

/**
 * The suppressed cells that the relations determine uniquely, whatever the other suppressed cells
 * are: x is determined iff the unit vector of x is in the row space of the relations restricted to
 * suppressed cells. Incremental Gauss–Jordan elimination modulo two primes (a cell determined over
 * the rationals is determined modulo any prime that divides no denominator involved; the union over
 * two primes errs, if ever, towards suppressing more).
 */
function determinedCells(table: CellTable, hidden: ReadonlySet<string>): string[] {
  const index = new Map<string, number>();
  const names: string[] = [];
  const equations: Map<number, number>[] = [];
  for (const relation of table.relations) {
    const equation = new Map<number, number>();
    for (const [id, coefficient] of [[relation.total, -1] as const, ...relation.parts.map((p) => [p, 1] as const)]) {
      if (!hidden.has(id)) continue;
      let i = index.get(id);
      if (i === undefined) {
        i = names.push(id) - 1;
        index.set(id, i);
      }
      equation.set(i, (equation.get(i) ?? 0) + coefficient);
    }
    if (equation.size > 0) equations.push(equation);
  }
  const determined = new Set<number>();
  for (const p of PRIMES) for (const i of determinedModulo(equations, p)) determined.add(i);
  return [...determined].sort((a, b) => a - b).map((i) => names[i]!);
}

function determinedModulo(equations: readonly Map<number, number>[], p: number): number[] {
  const pivotRows = new Map<number, Map<number, number>>(); // pivot var → row (pivot coefficient 1, no other pivot var)
  const occurs = new Map<number, Set<number>>(); // non-pivot var → pivot vars whose row holds it
  const norm = (x: number): number => ((x % p) + p) % p;
  const note = (pivot: number, row: Map<number, number>): void => {
    for (const v of row.keys()) {
      if (v === pivot) continue;
      let set = occurs.get(v);
      if (!set) occurs.set(v, (set = new Set()));
      set.add(pivot);
    }
  };
  /** row += factor × other, dropping zeros. */
  const addScaled = (row: Map<number, number>, other: Map<number, number>, factor: number): void => {
    for (const [v, c] of other) {
      const next = (row.get(v) ?? 0) + ((factor * c) % p);
      const reduced = next % p;
      if (reduced === 0) row.delete(v);
      else row.set(v, reduced);
    }
  };
  for (const equation of equations) {
    const row = new Map<number, number>();
    for (const [v, c] of equation) if (norm(c) !== 0) row.set(v, norm(c));
    for (const v of [...row.keys()]) {
      const pivotRow = pivotRows.get(v);
      const c = row.get(v);
      if (pivotRow && c !== undefined) addScaled(row, pivotRow, p - c);
    }
    if (row.size === 0) continue;
    // Pivot on the var that occurs in the fewest pivot rows (less fill-in).
    let pivot = -1;
    let best = Infinity;
    for (const v of row.keys()) {
      const n = occurs.get(v)?.size ?? 0;
      if (n < best) [pivot, best] = [v, n];
    }
    const inverse = modPow(row.get(pivot)!, p - 2, p);
    for (const [v, c] of row) row.set(v, (c * inverse) % p);
    for (const other of [...(occurs.get(pivot) ?? [])]) {
      const otherRow = pivotRows.get(other)!;
      const c = otherRow.get(pivot)!;
      const before = new Set(otherRow.keys());
      addScaled(otherRow, row, p - c);
      for (const v of before) if (!otherRow.has(v)) occurs.get(v)?.delete(other);
      note(other, otherRow);
    }
    occurs.delete(pivot);
    pivotRows.set(pivot, row);
    note(pivot, row);
  }
  return [...pivotRows].filter(([, row]) => row.size === 1).map(([pivot]) => pivot);
}

/** Writes the public copy of `totals` (cells of `node`), pushing suppressed pointers under `prefix`. */
function publicTotals(totals: Totals, node: string, hidden: ReadonlySet<string>, prefix: (string | number)[], out: string[]): Totals<number | null> {
  const cell = (path: string[], v: number): number | null => {
    if (!hidden.has(divisionCell(node, path))) return v;
    out.push(jsonPointer([...prefix, ...path]));
    return null;
  };
  const derived = (name: string, v: number | null, inputs: string[][]): number | null => {
    if (v === null || !inputs.some((p) => hidden.has(divisionCell(node, p)))) return v;
    out.push(jsonPointer([...prefix, name]));
    return null;
  };
  const byReason = (kind: 'notRecommended' | 'declined'): Record<string, number | null> =>
    Object.fromEntries(Object.entries(totals[kind].byReason).map(([r, v]) => [r, cell([kind, 'byReason', r], v)]));
  return {
    declared: cell(['declared'], totals.declared),
    recommended: cell(['recommended'], totals.recommended),
    notRecommended: { total: cell(['notRecommended', 'total'], totals.notRecommended.total), byReason: byReason('notRecommended') },
    offered: cell(['offered'], totals.offered),
    accepted: cell(['accepted'], totals.accepted),
    declined: { total: cell(['declined', 'total'], totals.declined.total), byReason: byReason('declined') },
    deadlinesMissed: cell(['deadlinesMissed'], totals.deadlinesMissed),
    lateAnswers: cell(['lateAnswers'], totals.lateAnswers),
    unmatched: cell(['unmatched'], totals.unmatched),
    granted: { count: cell(['granted', 'count'], totals.granted.count), amountYuan: cell(['granted', 'amountYuan'], totals.granted.amountYuan) },
    creditLoans: {
      count: cell(['creditLoans', 'count'], totals.creditLoans.count),
      amountYuan: cell(['creditLoans', 'amountYuan'], totals.creditLoans.amountYuan),
    },
    creditLoanShare: derived('creditLoanShare', totals.creditLoanShare, [
      ['granted', 'amountYuan'],
      ['creditLoans', 'amountYuan'],
      ['granted', 'count'],
      ['creditLoans', 'count'],
    ]),
    weightedAnnualRateBp: derived('weightedAnnualRateBp', totals.weightedAnnualRateBp, [
      ['granted', 'amountYuan'],
      ['granted', 'count'],
    ]),
    firstLoans: cell(['firstLoans'], totals.firstLoans),
    mediumLongTermLoans: cell(['mediumLongTermLoans'], totals.mediumLongTermLoans),
    disbursed: {
      count: cell(['disbursed', 'count'], totals.disbursed.count),
      amountYuan: cell(['disbursed', 'amountYuan'], totals.disbursed.amountYuan),
    },
    decisionsTimed: cell(['decisionsTimed'], totals.decisionsTimed),
    medianDaysToDecision: derived('medianDaysToDecision', totals.medianDaysToDecision, [['decisionsTimed']]),
    coverage: { ...totals.coverage },
    ...publicNewFigures(totals, node, hidden, prefix, out),
  };
}

/** The public copy of the visits, reviews, escalations and funnel (cells of `node`). */
function publicNewFigures(
  totals: Totals,
  node: string,
  hidden: ReadonlySet<string>,
  prefix: (string | number)[],
  out: string[],
): Pick<Totals<number | null>, 'visits' | 'reviews' | 'escalations' | 'funnel'> {
  const cell = (path: string[], v: number): number | null => {
    if (!hidden.has(divisionCell(node, path))) return v;
    out.push(jsonPointer([...prefix, ...path]));
    return null;
  };
  const derived = (path: string[], v: number | null, inputs: string[][]): number | null => {
    if (v === null || !inputs.some((p) => hidden.has(divisionCell(node, p)))) return v;
    out.push(jsonPointer([...prefix, ...path]));
    return null;
  };
  const record = <K extends string>(group: string, name: string, values: Record<K, number>): Record<K, number | null> =>
    Object.fromEntries(Object.entries<number>(values).map(([k, v]) => [k, cell([group, name, k], v)])) as Record<K, number | null>;
  const { visits, reviews, escalations, funnel } = totals;
  return {
    visits: {
      visited: cell(['visits', 'visited'], visits.visited),
      visits: cell(['visits', 'visits'], visits.visits),
      planned: cell(['visits', 'planned'], visits.planned),
      coverage: derived(['visits', 'coverage'], visits.coverage, [['visits', 'visited'], ['visits', 'planned']]),
    },
    reviews: {
      made: cell(['reviews', 'made'], reviews.made),
      madeBy: record('reviews', 'madeBy', reviews.madeBy),
      timed: cell(['reviews', 'timed'], reviews.timed),
      medianWorkingDays: derived(['reviews', 'medianWorkingDays'], reviews.medianWorkingDays, [['reviews', 'timed']]),
      overdue: cell(['reviews', 'overdue'], reviews.overdue),
    },
    escalations: {
      opened: cell(['escalations', 'opened'], escalations.opened),
      openedBy: record('escalations', 'openedBy', escalations.openedBy),
      resolved: cell(['escalations', 'resolved'], escalations.resolved),
      resolvedBy: record('escalations', 'resolvedBy', escalations.resolvedBy),
    },
    funnel: {
      reached: cell(['funnel', 'reached'], funnel.reached),
      // `declared` again: suppressed where `declared` is.
      declared: hidden.has(divisionCell(node, ['declared'])) ? (out.push(jsonPointer([...prefix, 'funnel', 'declared'])), null) : funnel.declared,
      recommended: cell(['funnel', 'recommended'], funnel.recommended),
      offered: cell(['funnel', 'offered'], funnel.offered),
      accepted: cell(['funnel', 'accepted'], funnel.accepted),
      granted: cell(['funnel', 'granted'], funnel.granted),
      disbursed: cell(['funnel', 'disbursed'], funnel.disbursed),
    },
  };
}

function publicBank(bank: BankFigures, node: string, hidden: ReadonlySet<string>, index: number, out: string[]): BankFigures<number | null> {
  const prefix = ['banks', index];
  const isHidden = (path: string[]): boolean => hidden.has(bankCell(node, bank.bankId, path));
  const cell = (path: string[], v: number): number | null => {
    if (!isHidden(path)) return v;
    out.push(jsonPointer([...prefix, ...path]));
    return null;
  };
  const derived = (name: string, v: number | null, inputs: string[][]): number | null => {
    if (v === null || !inputs.some(isHidden)) return v;
    out.push(jsonPointer([...prefix, name]));
    return null;
  };
  return {
    bankId: bank.bankId,
    ...(bank.name ? { name: { ...bank.name } } : {}),
    offers: cell(['offers'], bank.offers),
    accepted: cell(['accepted'], bank.accepted),
    acceptanceRate: derived('acceptanceRate', bank.acceptanceRate, [['offers'], ['accepted']]),
    declined: cell(['declined'], bank.declined),
    deadlinesMissed: cell(['deadlinesMissed'], bank.deadlinesMissed),
    lateAnswers: cell(['lateAnswers'], bank.lateAnswers),
    granted: { count: cell(['granted', 'count'], bank.granted.count), amountYuan: cell(['granted', 'amountYuan'], bank.granted.amountYuan) },
    answersTimed: cell(['answersTimed'], bank.answersTimed),
    medianDaysToAnswer: derived('medianDaysToAnswer', bank.medianDaysToAnswer, [['answersTimed']]),
  };
}

/**
 * The public edition of a period's reports (pass them all, as {@link rollUp} returns them: the
 * suppression pattern is decided across reports). Returns the same keys, in the same order.
 * Throws RangeError for a bad threshold and Error when two reports disagree on a cell.
 */
export function publicEdition(reports: ReadonlyMap<string, Report> | readonly Report[], options: SuppressionOptions = {}): Map<string, PublicReport> {
  const threshold = options.threshold ?? DEFAULT_SUPPRESSION_THRESHOLD;
  if (!Number.isSafeInteger(threshold) || threshold < 1) throw new RangeError(`threshold must be an integer ≥ 1, got ${threshold}`);
  const entries: [string, Report][] = Array.isArray(reports)
    ? (reports as readonly Report[]).map((r) => [nodeOf(r), r])
    : [...(reports as ReadonlyMap<string, Report>)];
  const all = entries.map(([, r]) => r);
  // Two passes: the figures reports had before visits, reviews, escalations and the funnel were
  // added are suppressed as they were (their pass sees none of the new cells), then the new figures
  // around that pattern, never suppressing an earlier cell.
  const earlier = suppress(buildTable(all), threshold);
  const { table, fixed } = buildNewFiguresTable(all);
  const hidden = new Set([...earlier, ...suppress(table, threshold, { hidden: earlier, fixed })]);

  const out = new Map<string, PublicReport>();
  for (const [key, report] of entries) {
    const node = nodeOf(report);
    const suppressed: string[] = [];
    const totals = publicTotals(report.totals, node, hidden, ['totals'], suppressed);
    const children = report.children.map((child, i) => ({
      division: { ...child.division },
      totals: publicTotals(child.totals, nodeOf(child), hidden, ['children', i, 'totals'], suppressed),
    }));
    const banks = report.banks.map((bank, i) => publicBank(bank, node, hidden, i, suppressed));
    out.set(key, {
      period: report.period,
      division: { ...report.division },
      generatedAt: report.generatedAt,
      ...(report.provisionalDeadlineYears ? { provisionalDeadlineYears: [...report.provisionalDeadlineYears] } : {}),
      edition: 'public',
      totals,
      children,
      banks,
      threshold,
      suppressed,
    });
  }
  return out;
}

/** The public edition of a single report on its own (its totals, children and banks only). */
export function publicReport(report: Report, options: SuppressionOptions = {}): PublicReport {
  return publicEdition([report], options).values().next().value!;
}
