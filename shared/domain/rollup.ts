/**
 * Roll-up of the county-day counters (see docs/data-model.md, `Counters`) into regulator reports
 * for every division with activity, at every level: county → prefecture → province → national.
 *
 * Rules:
 * - Input rows are the items of the counters table for the period's days (minus `updatedAt`).
 *   Summing is the whole job: cost grows with days × active counties, not with needs.
 * - Tree: every county-level unit has one roll-up parent, `chain.prefecture ?? chain.province`
 *   (municipality districts and province-administered units go straight to the province); real
 *   prefectures roll into their province, provinces into {@link NATIONAL}. Nodes are keyed by
 *   level and code (`county:441900`, `prefecture:441900`, see {@link reportMapKey}), because the
 *   four prefecture-level cities without counties are a county and a prefecture with one code.
 * - County codes are resolved with `countyChain` (aliases such as 620201 → 620200 are summed into
 *   the canonical code). Codes that stopped existing resolve through {@link RETIRED_COUNTIES}
 *   (`oldCode → { parent, name, validTo }`): they roll into their old parent for any day (a need
 *   declared before a change keeps its county code for its later events) and count in
 *   `coverage.countiesInDivision` for periods that start on or before `validTo`. Any other code
 *   (unknown, zone, prefecture or province code) lands in the {@link UNKNOWN_DIVISION} bucket
 *   (`999999`, a child of national next to the provinces), whose report lists the offending codes
 *   as its children: nothing is dropped, and national still equals the sum of its children.
 * - A report exists for every division with a non-zero counter in the period, and national always.
 *   `children` lists every child that existed in the period, with zeros where there was no activity.
 * - Counter attributes read: see {@link COUNTERS} and the `…By_<x>` breakdowns; attributes the
 *   report does not use (`routingFailures`, `declinedRepairable`, `grantedRateBpSum`) are summed but
 *   not shown. Reason suffixes are mapped back to their codes (`negative_list_other` →
 *   `negative_list.other`); unknown suffixes are shown as they are.
 * - Proposed histogram counters for the medians (not written by routing yet):
 *   {@link decisionDaysBucketKey} `decisionDaysBucket_<n>` (+1 on the decision day of a referral
 *   decided — granted or declined — n whole CST calendar days after the offer) and
 *   {@link answerDaysBucketKey} `answerDaysBucketBy_<bankId>_<n>` (+1 when the bank answers an offer,
 *   accepted or declined, n days after it). The medians are exact to the day; without these
 *   counters they are null.
 * - Deterministic: the same rows give the same reports (keys in a fixed order, sorted lists).
 *
 * Pure module: no I/O, no environment, no clock (`generatedAt` is passed in).
 */
import {
  NATIONAL,
  countyChain,
  divisionPicker,
  findDivision,
  type CountyChain,
  type Division,
  type DivisionLevel,
} from './divisions';
import { divisionNameEn } from './division-names-en';
import { FUNNEL_VISIT_CLAIMED, answerDaysBucketKey, counterKey, decisionDaysBucketKey, funnelCounterKey, reviewWorkingDaysBucketKey } from './counters';
import { DECLINE_REASON_CODES } from './bank-events';
import { NEGATIVE_LIST_REASON_CODES, SCREENING_REASONS } from './screening';
import { isCalendarDay } from './working-days';
import {
  ESCALATION_ACTIONS,
  ESCALATION_KINDS,
  REVIEW_DECISIONS,
  type BankFigures,
  type EscalationFigures,
  type Funnel,
  type Period,
  type Report,
  type ReportDivision,
  type ReviewFigures,
  type Totals,
  type VisitFigures,
} from './report';

// ---------------------------------------------------------------------------------------------
// Inputs

/** One item of the counters table (without `updatedAt`). */
export interface CounterRow {
  /** CST day, `YYYY-MM-DD`. */
  day: string;
  countyCode: string;
  counters: Record<string, number>;
}

/** A county-level code that no longer exists in the current division data set. */
export interface RetiredCounty {
  /** Its roll-up parent while it existed: a current prefecture or province code. */
  parent: string;
  name: string;
  /** Last CST day the code was valid (inclusive). */
  validTo: string;
  /** First day the code was valid, when it is younger than the data set (optional). */
  validFrom?: string;
}

/**
 * Codes that changed, for historical periods. Empty while the data set is the only source; add an
 * entry when a code leaves the data set (or, with `validTo`, when a code still in it is abolished).
 */
export const RETIRED_COUNTIES: Readonly<Record<string, RetiredCounty>> = Object.freeze({});

/** The bucket for county codes that are not county-level units: a child of national. */
export const UNKNOWN_DIVISION: Division = Object.freeze({
  code: '999999',
  name: '未知地区',
  nameEn: 'Unknown division',
  level: 'province',
} satisfies Division);

export interface RollUpInput {
  period: Period;
  rows: readonly CounterRow[];
  /** ISO 8601 instant written into every report. */
  generatedAt: string;
  /** Bank display names by bankId. */
  bankNames?: Readonly<Record<string, { zh: string; en: string }>>;
  /** Defaults to {@link RETIRED_COUNTIES}; injectable for tests. */
  retiredCounties?: Readonly<Record<string, RetiredCounty>>;
}

// ---------------------------------------------------------------------------------------------
// Counter names

/** The plain counter attributes routing writes (docs/data-model.md). */
export const COUNTERS = [
  'declared',
  'recommended',
  'notRecommended',
  'offers',
  'accepted',
  'declined',
  'declinedRepairable',
  'deadlinesMissed',
  'lateAnswers',
  'granted',
  'grantedAmountYuan',
  'grantedRateBpSum',
  'grantedRateBpAmountSum',
  'creditLoans',
  'creditLoanAmountYuan',
  'firstLoans',
  'mediumLongTermLoans',
  'disbursed',
  'disbursedAmountYuan',
  'unmatched',
  'routingFailures',
] as const;

export { answerDaysBucketKey, decisionDaysBucketKey, reviewWorkingDaysBucketKey };

const REVIEW_BUCKET = /^reviewWorkingDaysBucket_(\d+)$/;

const DECISION_BUCKET = /^decisionDaysBucket_(\d+)$/;
const ANSWER_BUCKET = /^answerDaysBucketBy_(.+)_(\d+)$/;

/** Bank breakdown prefixes → bank figure. */
const BANK_PREFIXES = [
  ['offersBy_', 'offers'],
  ['acceptedBy_', 'accepted'],
  ['declinedAtBankBy_', 'declined'],
  ['deadlinesMissedBy_', 'deadlinesMissed'],
  ['lateAnswersBy_', 'lateAnswers'],
  ['grantedAtBankBy_', 'granted'],
  ['grantedAmountYuanAtBankBy_', 'grantedAmountYuan'],
] as const;
type BankField = (typeof BANK_PREFIXES)[number][1] | 'answersTimed';

let reasonCodes: Map<string, string> | undefined;

/** Counter suffix (sanitised by counterKey, or raw) → reason code. */
function reasonFromSuffix(suffix: string): string {
  if (!reasonCodes) {
    reasonCodes = new Map();
    const codes = [
      ...Object.keys(SCREENING_REASONS),
      ...NEGATIVE_LIST_REASON_CODES.map((c) => `negative_list.${c}`),
      ...DECLINE_REASON_CODES,
    ];
    for (const code of codes) {
      reasonCodes.set(code, code);
      reasonCodes.set(counterKey('', code).slice('By_'.length), code);
    }
  }
  return reasonCodes.get(suffix) ?? suffix;
}

// ---------------------------------------------------------------------------------------------
// Levels and keys

/** Map key of a report or tree node: `level:code` (`prefecture:441900`, `county:441900`). */
export function reportMapKey(level: DivisionLevel, code: string): string {
  return `${level}:${code}`;
}

/**
 * The level a report code is filed under: national, province, prefecture or county, as
 * `findDivision` resolves it (the four codes shared by a city and its county-level unit resolve to
 * `prefecture`), retired county codes → `county`, {@link UNKNOWN_DIVISION} → `province`; undefined
 * for anything else. Exact canonical codes only (no aliases, no full-width digits).
 */
export function levelOf(code: string, retired: Readonly<Record<string, RetiredCounty>> = RETIRED_COUNTIES): DivisionLevel | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  if (code === UNKNOWN_DIVISION.code) return UNKNOWN_DIVISION.level;
  const division = findDivision(code);
  if (division?.code === code) return division.level;
  return Object.hasOwn(retired, code) ? 'county' : undefined;
}

/** Adds two counter records (keys: the union). */
export function sumCounters(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = { ...a };
  for (const [key, value] of Object.entries(b)) addTo(sum, key, value);
  return sum;
}

function addTo(target: Record<string, number>, key: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`counter ${key} is not a finite number: ${String(value)}`);
  target[key] = (target[key] ?? 0) + value;
}

// ---------------------------------------------------------------------------------------------
// Derived figures

const round = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

/** Median of a day histogram (`days → count`); the mean of the two middle values for an even count. */
export function medianFromHistogram(histogram: ReadonlyMap<number, number>): number | null {
  const buckets = [...histogram].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const valueAt = (index: number): number => {
    let seen = 0;
    for (const [days, n] of buckets) {
      seen += n;
      if (index < seen) return days;
    }
    throw new Error('unreachable');
  };
  return (valueAt(Math.floor((total - 1) / 2)) + valueAt(Math.floor(total / 2))) / 2;
}

const histogramTotal = (h: ReadonlyMap<number, number>): number => [...h.values()].reduce((s, n) => s + n, 0);

function sortedRecord(entries: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of [...entries.keys()].sort()) {
    const value = entries.get(key)!;
    if (value !== 0) out[key] = value;
  }
  return out;
}

/** The totals of a division from its summed counters. */
export function totalsFromCounters(c: Readonly<Record<string, number>>, coverage: Totals['coverage']): Totals {
  const get = (name: string): number => c[name] ?? 0;
  const notRecommendedBy = new Map<string, number>();
  const declinedBy = new Map<string, number>();
  const decisionDays = new Map<number, number>();
  const reviewDays = new Map<number, number>();
  for (const [key, value] of Object.entries(c)) {
    if (key.startsWith('notRecommendedBy_')) {
      const reason = reasonFromSuffix(key.slice('notRecommendedBy_'.length));
      notRecommendedBy.set(reason, (notRecommendedBy.get(reason) ?? 0) + value);
    } else if (key.startsWith('declinedBy_')) {
      const reason = reasonFromSuffix(key.slice('declinedBy_'.length));
      declinedBy.set(reason, (declinedBy.get(reason) ?? 0) + value);
    } else if (key.startsWith('decisionDaysBucket_')) {
      const bucket = DECISION_BUCKET.exec(key);
      if (bucket) decisionDays.set(Number(bucket[1]), (decisionDays.get(Number(bucket[1])) ?? 0) + value);
    } else if (key.startsWith('reviewWorkingDaysBucket_')) {
      const bucket = REVIEW_BUCKET.exec(key);
      if (bucket) reviewDays.set(Number(bucket[1]), (reviewDays.get(Number(bucket[1])) ?? 0) + value);
    }
  }
  const grantedAmount = get('grantedAmountYuan');
  const rateSum = c.grantedRateBpAmountSum;
  return {
    declared: get('declared'),
    recommended: get('recommended'),
    notRecommended: { total: get('notRecommended'), byReason: sortedRecord(notRecommendedBy) },
    offered: get('offers'),
    accepted: get('accepted'),
    declined: { total: get('declined'), byReason: sortedRecord(declinedBy) },
    deadlinesMissed: get('deadlinesMissed'),
    lateAnswers: get('lateAnswers'),
    unmatched: get('unmatched'),
    granted: { count: get('granted'), amountYuan: grantedAmount },
    creditLoans: { count: get('creditLoans'), amountYuan: get('creditLoanAmountYuan') },
    creditLoanShare: grantedAmount > 0 ? round(get('creditLoanAmountYuan') / grantedAmount, 4) : null,
    weightedAnnualRateBp: grantedAmount > 0 && rateSum !== undefined ? round(rateSum / grantedAmount, 2) : null,
    firstLoans: get('firstLoans'),
    mediumLongTermLoans: get('mediumLongTermLoans'),
    disbursed: { count: get('disbursed'), amountYuan: get('disbursedAmountYuan') },
    decisionsTimed: histogramTotal(decisionDays),
    medianDaysToDecision: medianFromHistogram(decisionDays),
    coverage: { ...coverage },
    visits: visitFigures(get),
    reviews: reviewFigures(get, reviewDays),
    escalations: escalationFigures(get),
    funnel: funnelOf(get),
  };
}

type Get = (name: string) => number;

/** Visited (distinct per county and CST month, summed), visits, planned, and visited / planned where planned > 0. */
function visitFigures(get: Get): VisitFigures {
  const visited = get('visitedEntities');
  const planned = get('plannedEntities');
  return { visited, visits: get('visits'), planned, coverage: planned > 0 ? round(visited / planned, 4) : null };
}

const byKey = <K extends string>(name: string, keys: readonly K[], get: Get): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, get(counterKey(name, k))])) as Record<K, number>;

function reviewFigures(get: Get, workingDays: ReadonlyMap<number, number>): ReviewFigures {
  return {
    made: get('reviewsMade'),
    madeBy: byKey('reviewsMade', REVIEW_DECISIONS, get),
    timed: histogramTotal(workingDays),
    medianWorkingDays: medianFromHistogram(workingDays),
    overdue: get('reviewsOverdue'),
  };
}

function escalationFigures(get: Get): EscalationFigures {
  return {
    opened: get('escalationsOpened'),
    openedBy: byKey('escalationsOpened', ESCALATION_KINDS, get),
    resolved: get('escalationsResolved'),
    resolvedBy: byKey('escalationsResolved', ESCALATION_ACTIONS, get),
  };
}

/** The funnel of funnel.ts: reached = visited + declared − needs matched to a visit; then the cohort's stages. */
function funnelOf(get: Get): Funnel {
  const declared = get('declared');
  return {
    reached: get('visitedEntities') + declared - get(FUNNEL_VISIT_CLAIMED),
    declared,
    recommended: get(funnelCounterKey('recommended')),
    offered: get(funnelCounterKey('offered')),
    accepted: get(funnelCounterKey('accepted')),
    granted: get(funnelCounterKey('granted')),
    disbursed: get(funnelCounterKey('disbursed')),
  };
}

/** Per-bank figures from a division's summed counters: every bank with a non-zero breakdown, by bankId. */
export function banksFromCounters(
  c: Readonly<Record<string, number>>,
  bankNames: Readonly<Record<string, { zh: string; en: string }>> = {},
): BankFigures[] {
  const banks = new Map<string, { fields: Map<BankField, number>; answerDays: Map<number, number> }>();
  const bank = (id: string) => {
    let entry = banks.get(id);
    if (!entry) banks.set(id, (entry = { fields: new Map(), answerDays: new Map() }));
    return entry;
  };
  for (const [key, value] of Object.entries(c)) {
    if (value === 0) continue;
    const prefix = BANK_PREFIXES.find(([p]) => key.startsWith(p));
    if (prefix) {
      const fields = bank(key.slice(prefix[0].length)).fields;
      fields.set(prefix[1], (fields.get(prefix[1]) ?? 0) + value);
      continue;
    }
    const answer = ANSWER_BUCKET.exec(key);
    if (answer) {
      const days = bank(answer[1]!).answerDays;
      days.set(Number(answer[2]), (days.get(Number(answer[2])) ?? 0) + value);
    }
  }
  return [...banks.keys()].sort().map((bankId) => {
    const { fields, answerDays } = banks.get(bankId)!;
    const get = (f: BankField): number => fields.get(f) ?? 0;
    const name = bankNames[bankId];
    return {
      bankId,
      ...(name ? { name: { zh: name.zh, en: name.en } } : {}),
      offers: get('offers'),
      accepted: get('accepted'),
      acceptanceRate: get('offers') > 0 ? round(get('accepted') / get('offers'), 4) : null,
      declined: get('declined'),
      deadlinesMissed: get('deadlinesMissed'),
      lateAnswers: get('lateAnswers'),
      granted: { count: get('granted'), amountYuan: get('grantedAmountYuan') },
      answersTimed: histogramTotal(answerDays),
      medianDaysToAnswer: medianFromHistogram(answerDays),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The division tree

interface Node {
  key: string;
  division: Division;
  parent?: string;
  /** Child keys, sorted by code. */
  children: string[];
}

interface Tree {
  nodes: ReadonlyMap<string, Node>;
  /** Current county-level units under each node (the node itself for a county). */
  countiesUnder: ReadonlyMap<string, number>;
}

let staticTree: Tree | undefined;

function nodeOf(division: Division, parent?: string, key = reportMapKey(division.level, division.code)): Node {
  return { key, division, ...(parent ? { parent } : {}), children: [] };
}

/** The current data set as a tree, built once and never changed (a roll-up overlays its own nodes). */
function buildStaticTree(): Tree {
  const nodes = new Map<string, Node>();
  const countiesUnder = new Map<string, number>();
  const national = nodeOf(NATIONAL);
  nodes.set(national.key, national);
  const attach = (node: Node): void => {
    if (nodes.has(node.key)) return;
    nodes.set(node.key, node);
    nodes.get(node.parent!)!.children.push(node.key);
  };
  for (const province of divisionPicker()) {
    for (const group of province.prefectures) {
      for (const { code } of group.counties) {
        const chain = countyChain(code)!;
        const provinceNode = nodeOf(chain.province, national.key);
        attach(provinceNode);
        let parent = provinceNode.key;
        if (chain.prefecture) {
          const prefectureNode = nodeOf(chain.prefecture, provinceNode.key);
          attach(prefectureNode);
          parent = prefectureNode.key;
        }
        const countyNode = nodeOf(chain.county, parent);
        attach(countyNode);
        for (let k: string | undefined = countyNode.key; k !== undefined; k = nodes.get(k)!.parent) {
          countiesUnder.set(k, (countiesUnder.get(k) ?? 0) + 1);
        }
      }
    }
  }
  for (const node of nodes.values()) {
    node.children.sort((x, y) => byCode(nodes.get(x)!, nodes.get(y)!));
    Object.freeze(node.children);
    Object.freeze(node);
  }
  return { nodes, countiesUnder };
}

export type CountyResolution =
  | { kind: 'current'; chain: CountyChain }
  | { kind: 'retired'; code: string; county: RetiredCounty; parent: Division }
  | { kind: 'unknown'; code: string };

/**
 * How a stored county code rolls up: a current county-level unit (aliases accepted), a retired
 * code with a current parent, or unknown (→ {@link UNKNOWN_DIVISION}).
 */
export function resolveCountyCode(code: string, retired: Readonly<Record<string, RetiredCounty>> = RETIRED_COUNTIES): CountyResolution {
  const chain = /^\d{6}$/.test(code) ? countyChain(code) : undefined;
  if (chain) return { kind: 'current', chain };
  const entry = Object.hasOwn(retired, code) ? retired[code] : undefined;
  const parent = entry ? findDivision(entry.parent) : undefined;
  if (entry && parent && parent.code === entry.parent && (parent.level === 'prefecture' || parent.level === 'province')) {
    return { kind: 'retired', code, county: entry, parent };
  }
  return { kind: 'unknown', code };
}

// ---------------------------------------------------------------------------------------------
// Roll-up

const LEVEL_RANK: Record<DivisionLevel, number> = { national: 0, province: 1, prefecture: 2, county: 3 };
const byCode = (a: Node, b: Node): number =>
  a.division.code < b.division.code ? -1 : a.division.code > b.division.code ? 1 : LEVEL_RANK[a.division.level] - LEVEL_RANK[b.division.level];

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const hasActivity = (c: Readonly<Record<string, number>> | undefined): boolean =>
  c !== undefined && Object.values(c).some((v) => v !== 0);

/** A division as a report names it: in Chinese, and in English (shared/data/division-names-en.json) where known. */
function reportDivision(d: Division): ReportDivision {
  const nameEn = d.nameEn ?? divisionNameEn(d.code);
  return { code: d.code, name: d.name, ...(nameEn ? { nameEn } : {}), level: d.level };
}

/**
 * Sums the period's county-day counters up the division tree. Returns a report for every division
 * with activity (and national), keyed `level:code` ({@link reportMapKey}), national first, then by
 * level and code. Throws RangeError for a row outside the period or a malformed `generatedAt`, and
 * TypeError for a non-numeric counter.
 */
export function rollUp(input: RollUpInput): Map<string, Report> {
  const { period, rows, generatedAt, bankNames = {}, retiredCounties = RETIRED_COUNTIES } = input;
  if (!ISO_INSTANT.test(generatedAt) || Number.isNaN(Date.parse(generatedAt))) {
    throw new RangeError(`generatedAt must be an ISO 8601 instant with Z or an offset, got ${generatedAt}`);
  }
  if (period.days.length === 0) throw new RangeError(`period ${period.id} has no days`);
  const days = new Set(period.days);
  const first = period.days[0]!;
  const last = period.days[period.days.length - 1]!;

  staticTree ??= buildStaticTree();
  const base = staticTree;
  const nationalKey = reportMapKey('national', NATIONAL.code);
  const unknownKey = reportMapKey(UNKNOWN_DIVISION.level, UNKNOWN_DIVISION.code);

  // Nodes of this period on top of the static tree: retired counties, the unknown bucket and its codes.
  const extra = new Map<string, Node>();
  const extraChildren = new Map<string, string[]>();
  const node = (key: string): Node => extra.get(key) ?? base.nodes.get(key)!;
  const addNode = (n: Node): string => {
    if (!extra.has(n.key) && !base.nodes.has(n.key)) {
      extra.set(n.key, n);
      const siblings = extraChildren.get(n.parent!);
      if (siblings) siblings.push(n.key);
      else extraChildren.set(n.parent!, [n.key]);
    }
    return n.key;
  };
  const ancestors = function* (key: string): Generator<string> {
    for (let k: string | undefined = key; k !== undefined; k = node(k).parent) yield k;
  };

  // County-level units that existed in the period: the data set, minus codes retired before it,
  // plus retired codes valid during it (and, below, any county with activity).
  const inDivision = new Map(base.countiesUnder);
  const existed = new Set<string>();
  const gone = new Set<string>();
  const count = (key: string, delta: number): void => {
    for (const k of ancestors(key)) inDivision.set(k, (inDivision.get(k) ?? 0) + delta);
  };
  const addRetired = (code: string, county: RetiredCounty, parent: Division): string =>
    addNode(nodeOf({ code, name: county.name, level: 'county' }, reportMapKey(parent.level, parent.code)));
  for (const code of Object.keys(retiredCounties).sort()) {
    const county = retiredCounties[code]!;
    const validInPeriod = county.validTo >= first && (county.validFrom === undefined || county.validFrom <= last);
    const resolved = resolveCountyCode(code, retiredCounties);
    if (resolved.kind === 'current') {
      const key = reportMapKey('county', resolved.chain.county.code);
      if (!validInPeriod && !gone.has(key)) {
        gone.add(key);
        count(key, -1);
      }
    } else if (resolved.kind === 'retired' && validInPeriod) {
      const key = addRetired(code, county, resolved.parent);
      existed.add(key);
      count(key, 1);
    }
  }

  // Sum the rows per county-level node.
  const sums = new Map<string, Record<string, number>>();
  for (const row of rows) {
    if (!isCalendarDay(row.day) || !days.has(row.day)) {
      throw new RangeError(`counter row for ${row.countyCode} on ${row.day} is outside period ${period.id}`);
    }
    const resolved = resolveCountyCode(row.countyCode, retiredCounties);
    let key: string;
    if (resolved.kind === 'current') key = reportMapKey('county', resolved.chain.county.code);
    else if (resolved.kind === 'retired') key = addRetired(resolved.code, resolved.county, resolved.parent);
    else {
      addNode(nodeOf(UNKNOWN_DIVISION, nationalKey));
      const name = `未知代码 ${resolved.code}`;
      key = addNode(nodeOf({ code: resolved.code, name, level: 'county' }, unknownKey, `unknown:${resolved.code}`));
    }
    let sum = sums.get(key);
    if (!sum) sums.set(key, (sum = {}));
    for (const [name, value] of Object.entries(row.counters)) addTo(sum, name, value);
  }

  // Sum up the tree; count coverage.
  const totals = new Map<string, Record<string, number>>();
  const active = new Map<string, number>();
  for (const [key, sum] of sums) {
    const isActive = hasActivity(sum);
    // A county-level unit with activity existed in the period, whatever the tables say.
    const isCurrent = base.nodes.has(key) && !gone.has(key);
    if (isActive && !isCurrent && !existed.has(key)) {
      existed.add(key);
      count(key, 1);
    }
    for (const k of ancestors(key)) {
      let target = totals.get(k);
      if (!target) totals.set(k, (target = {}));
      for (const [name, value] of Object.entries(sum)) target[name] = (target[name] ?? 0) + value;
      if (isActive) active.set(k, (active.get(k) ?? 0) + 1);
    }
  }

  const totalsOf = (key: string): Totals =>
    totalsFromCounters(totals.get(key) ?? {}, { countiesWithActivity: active.get(key) ?? 0, countiesInDivision: inDivision.get(key) ?? 0 });
  const listed = (key: string): boolean => (inDivision.get(key) ?? 0) > 0 || hasActivity(totals.get(key));
  const childrenOf = (n: Node): Node[] => {
    const more = extraChildren.get(n.key);
    const children = n.children.map(node);
    return (more ? [...children, ...more.map(node)].sort(byCode) : children).filter((c) => listed(c.key));
  };

  const reportNodes = [...new Set([nationalKey, ...totals.keys()])]
    .filter((key) => key === nationalKey || (hasActivity(totals.get(key)) && !key.startsWith('unknown:')))
    .map(node)
    .sort((x, y) => LEVEL_RANK[x.division.level] - LEVEL_RANK[y.division.level] || byCode(x, y));

  const reports = new Map<string, Report>();
  for (const n of reportNodes) {
    reports.set(n.key, {
      period: period.id,
      division: reportDivision(n.division),
      generatedAt,
      edition: 'full',
      totals: totalsOf(n.key),
      children: childrenOf(n).map((child) => ({ division: reportDivision(child.division), totals: totalsOf(child.key) })),
      banks: banksFromCounters(totals.get(n.key) ?? {}, bankNames),
    });
  }
  return reports;
}

/**
 * The reports to write as files, one per division code (report-publication.ts `reportFileKey`): for the four codes shared by a
 * prefecture-level city and its single county-level unit, the prefecture report (its only child is
 * that county, with the same totals); every other report as is.
 */
export function publishableReports(reports: ReadonlyMap<string, Report>): Report[] {
  const byCodeKey = new Map<string, Report>();
  for (const report of reports.values()) {
    const seen = byCodeKey.get(report.division.code);
    if (!seen || LEVEL_RANK[report.division.level] < LEVEL_RANK[seen.division.level]) byCodeKey.set(report.division.code, report);
  }
  return [...reports.values()].filter((r) => byCodeKey.get(r.division.code) === r);
}
