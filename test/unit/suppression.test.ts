import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parsePeriod, publicReportSchema, type PublicReport, type Report } from '../../shared/domain/report';
import { reportMapKey, rollUp, type CounterRow } from '../../shared/domain/rollup';
import { DEFAULT_SUPPRESSION_THRESHOLD, jsonPointer, publicEdition, publicReport } from '../../shared/domain/suppression';

const NOV = parsePeriod('2026-11');
const GENERATED_AT = '2026-12-01T01:00:00+08:00';
const roll = (rows: CounterRow[]) => rollUp({ period: NOV, rows, generatedAt: GENERATED_AT });
const get = <T>(map: Map<string, T>, key: string): T => {
  const value = map.get(key);
  if (value === undefined) throw new Error(`no ${key}`);
  return value;
};
const childOf = (r: PublicReport | Report, code: string) => r.children.find((c) => c.division.code === code)!;

// ---------------------------------------------------------------------------------------------
// Consistent counters, as routing writes them: one event at a time.

const BANKS = ['icbc-hz', 'abc', 'ccb'];
const DECLINE = ['tax_arrears', 'collateral_insufficient', 'fraud_suspected'];
const SCREEN = ['size_not_eligible', 'no_fixed_premises', 'negative_list.other'];
const key = (name: string, by: string) => `${name}By_${by.replace(/[^A-Za-z0-9_-]/g, '_')}`;

type Event = Record<string, number>;
const bankArb = fc.constantFrom(...BANKS);
const eventArb: fc.Arbitrary<Event> = fc.oneof(
  fc.constant({ declared: 1 }),
  fc.constant({ recommended: 1 }),
  fc.subarray(SCREEN, { minLength: 1 }).map((reasons) => ({ notRecommended: 1, ...Object.fromEntries(reasons.map((r) => [key('notRecommended', r), 1])) })),
  bankArb.map((b) => ({ offers: 1, [key('offers', b)]: 1 })),
  fc.tuple(bankArb, fc.nat(5)).map(([b, d]) => ({ accepted: 1, [key('accepted', b)]: 1, [`answerDaysBucketBy_${b}_${d}`]: 1 })),
  fc.tuple(bankArb, fc.constantFrom(...DECLINE), fc.nat(30)).map(([b, r, d]) => ({
    declined: 1,
    [key('declined', r)]: 1,
    [key('declinedAtBank', b)]: 1,
    [`decisionDaysBucket_${d}`]: 1,
  })),
  fc
    .tuple(bankArb, fc.integer({ min: 1, max: 5_000_000 }), fc.integer({ min: 250, max: 600 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.nat(30))
    .map(([b, amount, rate, credit, first, long, d]) => ({
      granted: 1,
      grantedAmountYuan: amount,
      [key('grantedAtBank', b)]: 1,
      [key('grantedAmountYuanAtBank', b)]: amount,
      grantedRateBpSum: rate,
      grantedRateBpAmountSum: rate * amount,
      ...(credit ? { creditLoans: 1, creditLoanAmountYuan: amount } : {}),
      ...(first ? { firstLoans: 1 } : {}),
      ...(long ? { mediumLongTermLoans: 1 } : {}),
      [`decisionDaysBucket_${d}`]: 1,
    })),
  fc.integer({ min: 1, max: 5_000_000 }).map((amount) => ({ disbursed: 1, disbursedAmountYuan: amount })),
  bankArb.map((b) => ({ deadlinesMissed: 1, [key('deadlinesMissed', b)]: 1 })),
  bankArb.map((b) => ({ lateAnswers: 1, [key('lateAnswers', b)]: 1 })),
  fc.constant({ unmatched: 1 }),
);

/** A small area, so that small cells abound: parts of Hangzhou and Ningbo, Dongguan, Beijing, Henan's 90 units. */
const COUNTIES = ['330102', '330105', '330106', '330108', '330203', '330205', '441900', '110101', '110102', '419001'];

const rowsArb: fc.Arbitrary<CounterRow[]> = fc
  .array(
    fc.record({
      countyCode: fc.constantFrom(...COUNTIES),
      day: fc.constantFrom('2026-11-02', '2026-11-20'),
      // Bursts of the same event make larger cells next to small ones.
      events: fc.array(fc.tuple(eventArb, fc.integer({ min: 1, max: 9 })), { maxLength: 12 }),
    }),
    { maxLength: 14 },
  )
  .map((items) =>
    items.map(({ countyCode, day, events }) => {
      const counters: Record<string, number> = {};
      for (const [event, times] of events) for (const [name, v] of Object.entries(event)) counters[name] = (counters[name] ?? 0) + v * times;
      return { countyCode, day, counters };
    }),
  );

// ---------------------------------------------------------------------------------------------
// An independent reading of the published files: cells and the relations a reader can use.

type Cell = number | null;
/** Count cells of a totals object, by path (amounts excluded; ratios and medians excluded). */
const COUNT_PATHS = [
  ['declared'],
  ['recommended'],
  ['notRecommended', 'total'],
  ['offered'],
  ['accepted'],
  ['declined', 'total'],
  ['deadlinesMissed'],
  ['lateAnswers'],
  ['unmatched'],
  ['granted', 'count'],
  ['creditLoans', 'count'],
  ['firstLoans'],
  ['mediumLongTermLoans'],
  ['disbursed', 'count'],
  ['decisionsTimed'],
];
const AMOUNT_PATHS = [
  ['granted', 'amountYuan'],
  ['creditLoans', 'amountYuan'],
  ['disbursed', 'amountYuan'],
];
const BANK_COUNTS = [['offers'], ['accepted'], ['declined'], ['deadlinesMissed'], ['lateAnswers'], ['granted', 'count'], ['answersTimed']];
const BANK_SUMS: [string[], string[]][] = [
  [['offered'], ['offers']],
  [['accepted'], ['accepted']],
  [['declined', 'total'], ['declined']],
  [['deadlinesMissed'], ['deadlinesMissed']],
  [['lateAnswers'], ['lateAnswers']],
  [['granted', 'count'], ['granted', 'count']],
  [['granted', 'amountYuan'], ['granted', 'amountYuan']],
];

/** The cell at `path`; undefined when absent (a missing reason or bank is a zero, a null is not). */
const at = (obj: unknown, path: readonly string[]): Cell | undefined => {
  let v: unknown = obj;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v as Cell | undefined;
};
const orZero = (c: Cell | undefined): Cell => (c === undefined ? 0 : c);
const reasonPaths = (t: unknown, kind: string): string[][] =>
  Object.keys((at(t, [kind]) as unknown as { byReason: object }).byReason).map((r) => [kind, 'byReason', r]);
const allPaths = (t: unknown): string[][] => [...COUNT_PATHS, ...AMOUNT_PATHS, ...reasonPaths(t, 'notRecommended'), ...reasonPaths(t, 'declined')];

interface Rel {
  label: string;
  total: Cell;
  parts: Cell[];
}

/** Every total = Σ parts relation visible in the published files (missing entries are zeros). */
function relations(reports: Map<string, PublicReport>): Rel[] {
  const rels: Rel[] = [];
  for (const [k, r] of reports) {
    if (r.children.length > 0) {
      for (const path of allPaths(r.totals)) {
        rels.push({ label: `${k} children ${path.join('/')}`, total: at(r.totals, path)!, parts: r.children.map((c) => orZero(at(c.totals, path))) });
      }
    }
    for (const [label, t] of [[k, r.totals] as const, ...r.children.map((c) => [`${k} child ${c.division.code}`, c.totals] as const)]) {
      rels.push({ label: `${label} declined reasons`, total: t.declined.total, parts: Object.values(t.declined.byReason) });
    }
    for (const [total, bankPath] of BANK_SUMS) {
      rels.push({ label: `${k} banks ${total.join('/')}`, total: at(r.totals, total)!, parts: r.banks.map((b) => at(b, bankPath)!) });
    }
    // A bank in this division = Σ the same bank in the children's own reports.
    const childReports = r.children
      .filter((c) => c.totals.coverage.countiesWithActivity > 0)
      .map((c) => reports.get(reportMapKey(c.division.level, c.division.code)));
    if (childReports.length === 0 || childReports.some((c) => c === undefined)) continue;
    for (const bank of r.banks) {
      for (const path of [...BANK_COUNTS, ['granted', 'amountYuan']]) {
        rels.push({
          label: `${k} bank ${bank.bankId} ${path.join('/')} by children`,
          total: at(bank, path)!,
          parts: childReports.map((c) => orZero(at(c!.banks.find((b) => b.bankId === bank.bankId), path))),
        });
      }
    }
  }
  return rels;
}

/**
 * The suppressed cells that all published relations together determine (an attacker solving the
 * linear system, not just one subtraction): exact fraction-free elimination over the integers.
 * Cells are identified across files by division and path.
 */
function determinedBySolving(pub: Map<string, PublicReport>): string[] {
  const equations: Map<string, bigint>[] = [];
  const add = (total: [string, Cell], parts: [string, Cell][]) => {
    const eq = new Map<string, bigint>();
    if (total[1] === null) eq.set(total[0], -1n);
    for (const [id, v] of parts) if (v === null) eq.set(id, (eq.get(id) ?? 0n) + 1n);
    if (eq.size > 0) equations.push(eq);
  };
  for (const [k, r] of pub) {
    const kids = r.children.map((c) => [reportMapKey(c.division.level, c.division.code), c.totals] as const);
    if (kids.length > 0) {
      for (const path of allPaths(r.totals)) {
        add([`${k}|${path.join('/')}`, at(r.totals, path)!], kids.map(([ck, t]) => [`${ck}|${path.join('/')}`, orZero(at(t, path))]));
      }
    }
    for (const [n, t] of [[k, r.totals] as const, ...kids]) {
      add([`${n}|declined/total`, t.declined.total], Object.entries(t.declined.byReason).map(([reason, v]) => [`${n}|declined/byReason/${reason}`, v]));
    }
    for (const [total, bankPath] of BANK_SUMS) {
      add([`${k}|${total.join('/')}`, at(r.totals, total)!], r.banks.map((b) => [`${k}|bank/${b.bankId}/${bankPath.join('/')}`, at(b, bankPath)!]));
    }
    const active = r.children.filter((c) => c.totals.coverage.countiesWithActivity > 0);
    if (active.length === 0 || !active.every((c) => pub.has(reportMapKey(c.division.level, c.division.code)))) continue;
    for (const bank of r.banks) {
      for (const path of [...BANK_COUNTS, ['granted', 'amountYuan']]) {
        add(
          [`${k}|bank/${bank.bankId}/${path.join('/')}`, at(bank, path)!],
          active.map((c) => {
            const ck = reportMapKey(c.division.level, c.division.code);
            return [`${ck}|bank/${bank.bankId}/${path.join('/')}`, orZero(at(pub.get(ck)!.banks.find((b) => b.bankId === bank.bankId), path))];
          }),
        );
      }
    }
  }
  const vars = [...new Set(equations.flatMap((e) => [...e.keys()]))];
  const rows = equations.map((e) => vars.map((v) => e.get(v) ?? 0n));
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? abs(a) : gcd(b, a % b));
  let rank = 0;
  for (let c = 0; c < vars.length && rank < rows.length; c++) {
    const p = rows.findIndex((row, i) => i >= rank && row[c] !== 0n);
    if (p < 0) continue;
    [rows[rank], rows[p]] = [rows[p]!, rows[rank]!];
    const pivot = rows[rank]!;
    for (let i = 0; i < rows.length; i++) {
      const f = rows[i]![c]!;
      if (i === rank || f === 0n) continue;
      const next = rows[i]!.map((x, j) => x * pivot[c]! - pivot[j]! * f);
      const g = next.reduce(gcd, 0n);
      rows[i] = g > 1n ? next.map((x) => x / g) : next;
    }
    rank++;
  }
  // In reduced row echelon form, a variable is determined iff some row has it as its only non-zero.
  return rows
    .slice(0, rank)
    .map((row) => row.flatMap((x, j) => (x === 0n ? [] : [vars[j]!])))
    .filter((nonZero) => nonZero.length === 1)
    .map(([v]) => v!);
}

/** All count cells of a published report with their pointers. */
function countCells(r: PublicReport): [string, Cell][] {
  const cells: [string, Cell][] = [];
  const ofTotals = (t: PublicReport['totals'], prefix: (string | number)[]) => {
    for (const path of [...COUNT_PATHS, ...reasonPaths(t, 'notRecommended'), ...reasonPaths(t, 'declined')]) {
      cells.push([jsonPointer([...prefix, ...path]), at(t, path)!]);
    }
  };
  ofTotals(r.totals, ['totals']);
  r.children.forEach((c, i) => ofTotals(c.totals, ['children', i, 'totals']));
  r.banks.forEach((b, i) => BANK_COUNTS.forEach((path) => cells.push([jsonPointer(['banks', i, ...path]), at(b, path)!])));
  return cells;
}

const pointerGet = (doc: unknown, pointer: string): unknown =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((v, s) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined), doc);

// ---------------------------------------------------------------------------------------------

describe('public edition: examples', () => {
  const rows: CounterRow[] = [
    { day: '2026-11-02', countyCode: '330102', counters: { declared: 3 } },
    { day: '2026-11-02', countyCode: '330105', counters: { declared: 20 } },
    { day: '2026-11-02', countyCode: '330106', counters: { declared: 9 } },
    { day: '2026-11-02', countyCode: '330203', counters: { declared: 40 } },
  ];

  it('suppresses a small count and the smallest sibling, in every report that shows them', () => {
    const full = roll(rows);
    const pub = publicEdition(full);
    expect([...pub.keys()]).toEqual([...full.keys()]);
    const hangzhou = get(pub, 'prefecture:330100');
    expect(childOf(hangzhou, '330102').totals.declared).toBeNull();
    expect(childOf(hangzhou, '330106').totals.declared).toBeNull(); // complementary: the smallest non-zero sibling
    expect(childOf(hangzhou, '330105').totals.declared).toBe(20);
    expect(hangzhou.totals.declared).toBe(32);
    const i102 = hangzhou.children.findIndex((c) => c.division.code === '330102');
    expect(hangzhou.suppressed).toContain(`/children/${i102}/totals/declared`);
    // The same cells in the counties' own reports.
    expect(get(pub, 'county:330102').totals.declared).toBeNull();
    expect(get(pub, 'county:330102').suppressed).toContain('/totals/declared');
    expect(get(pub, 'county:330106').totals.declared).toBeNull();
    expect(get(pub, 'county:330105').totals.declared).toBe(20);
    // Nothing to hide above.
    expect(childOf(get(pub, 'province:330000'), '330100').totals.declared).toBe(32);
    expect(get(pub, 'national:000000').totals.declared).toBe(72);
    expect(get(pub, 'national:000000').suppressed).toEqual([]);
    for (const r of pub.values()) {
      expect(publicReportSchema.parse(r)).toEqual(r);
      expect(r).toMatchObject({ edition: 'public', threshold: DEFAULT_SUPPRESSION_THRESHOLD });
    }
  });

  it('suppresses a total that equals a single small part, up the tree', () => {
    const pub = publicEdition(roll([{ day: '2026-11-02', countyCode: '441900', counters: { declared: 2 } }]));
    expect(get(pub, 'county:441900').totals.declared).toBeNull();
    expect(get(pub, 'prefecture:441900').totals.declared).toBeNull();
    expect(get(pub, 'province:440000').totals.declared).toBeNull();
    expect(get(pub, 'national:000000').totals.declared).toBeNull();
    const guangdong = get(pub, 'national:000000').children.findIndex((c) => c.division.code === '440000');
    // The funnel's first two steps (2 reached, 2 declared) go with it.
    expect(get(pub, 'national:000000').suppressed).toEqual([
      `/totals/declared`,
      `/totals/funnel/reached`,
      `/totals/funnel/declared`,
      `/children/${guangdong}/totals/declared`,
      `/children/${guangdong}/totals/funnel/reached`,
      `/children/${guangdong}/totals/funnel/declared`,
    ]);
  });

  it('does not leave two ones that must each be 1', () => {
    const pub = publicEdition(
      roll([
        { day: '2026-11-02', countyCode: '330102', counters: { declared: 1 } },
        { day: '2026-11-02', countyCode: '330105', counters: { declared: 1 } },
        { day: '2026-11-02', countyCode: '330106', counters: { declared: 30 } },
      ]),
    );
    const hangzhou = get(pub, 'prefecture:330100');
    expect(hangzhou.totals.declared).toBe(32);
    expect(hangzhou.children.filter((c) => c.totals.declared === null).map((c) => c.division.code)).toEqual(['330102', '330105', '330106']);
  });

  it('suppresses the amount with its count, the ratios built on them, and reason breakdowns against their total', () => {
    const counters = (granted: number, credit: number, tax: number, fraud: number) => ({
      granted,
      grantedAmountYuan: granted * 100_000,
      grantedRateBpAmountSum: granted * 100_000 * 400,
      grantedAtBankBy_abc: granted,
      grantedAmountYuanAtBankBy_abc: granted * 100_000,
      creditLoans: credit,
      creditLoanAmountYuan: credit * 100_000,
      declined: tax + fraud,
      declinedBy_tax_arrears: tax,
      declinedBy_fraud_suspected: fraud,
      declinedAtBankBy_abc: tax + fraud,
      offers: granted + tax + fraud,
      offersBy_abc: granted + tax + fraud,
      accepted: granted,
      acceptedBy_abc: granted,
    });
    const full = roll([
      { day: '2026-11-02', countyCode: '330102', counters: counters(3, 2, 2, 9) },
      { day: '2026-11-02', countyCode: '330105', counters: counters(10, 6, 7, 8) },
      { day: '2026-11-02', countyCode: '330106', counters: counters(12, 7, 6, 9) },
    ]);
    const pub = publicEdition(full);
    const county = get(pub, 'county:330102');
    expect(county.totals.granted).toEqual({ count: null, amountYuan: null });
    expect(county.totals.creditLoans).toEqual({ count: null, amountYuan: null });
    expect(county.totals.creditLoanShare).toBeNull();
    expect(county.totals.weightedAnnualRateBp).toBeNull();
    expect(get(full, 'county:330102').totals.weightedAnnualRateBp).toBe(400);
    // tax 2 suppressed → its only sibling fraud 9 too (else total 11 − 9 gives it away).
    expect(county.totals.declined).toEqual({ total: 11, byReason: { fraud_suspected: null, tax_arrears: null } });
    expect(county.banks[0]).toMatchObject({ bankId: 'abc', granted: { count: null, amountYuan: null }, acceptanceRate: null, offers: 14 });
    for (const pointer of [
      '/totals/granted/count',
      '/totals/granted/amountYuan',
      '/totals/creditLoanShare',
      '/totals/weightedAnnualRateBp',
      '/totals/declined/byReason/tax_arrears',
      '/banks/0/acceptanceRate',
    ]) {
      expect(county.suppressed).toContain(pointer);
      expect(pointerGet(county, pointer)).toBeNull();
    }
    // Not-applicable nulls are not listed as suppressed.
    expect(county.totals.medianDaysToDecision).toBeNull();
    expect(county.suppressed).not.toContain('/totals/medianDaysToDecision');
  });

  it('takes the threshold as an option', () => {
    const full = roll(rows);
    expect([...publicEdition(full, { threshold: 1 }).values()].every((r) => r.suppressed.length === 0)).toBe(true);
    const strict = publicEdition(full, { threshold: 10 });
    expect(childOf(get(strict, 'prefecture:330100'), '330106').totals.declared).toBeNull();
    expect(get(strict, 'county:330106').threshold).toBe(10);
    for (const threshold of [0, -1, 2.5, Number.NaN]) expect(() => publicEdition(full, { threshold })).toThrow(RangeError);
  });

  it('works on a single report on its own', () => {
    const single = publicReport(get(roll(rows), 'prefecture:330100'));
    expect(single.totals.declared).toBe(32);
    expect(childOf(single, '330102').totals.declared).toBeNull();
    expect(childOf(single, '330106').totals.declared).toBeNull();
  });

  it('refuses reports that disagree on a cell', () => {
    const full = roll(rows);
    const county = get(full, 'county:330105');
    full.set('county:330105', { ...county, totals: { ...county.totals, declared: 21 } });
    expect(() => publicEdition(full)).toThrow(/inconsistent/);
  });

  it('escapes JSON pointers', () => {
    expect(jsonPointer(['totals', 'declined', 'byReason', 'a/b~c'])).toBe('/totals/declined/byReason/a~1b~0c');
    expect(jsonPointer(['children', 0])).toBe('/children/0');
  });
});

describe('public edition: properties', () => {
  it('publishes no count in (0, t), and no suppressed cell is a published total minus published parts', () => {
    fc.assert(
      fc.property(rowsArb, fc.constantFrom(3, 5, 10), (rows, threshold) => {
        const full = roll(rows);
        const pub = publicEdition(full, { threshold });

        for (const [k, r] of pub) {
          expect(publicReportSchema.parse(r)).toEqual(r);
          const original = get(full, k);
          // (a) No small count is published.
          for (const [pointer, v] of countCells(r)) {
            if (v !== null) expect(v === 0 || v >= threshold, `${k} ${pointer} = ${v}`).toBe(true);
          }
          // Published cells are the full edition's; nulls are listed or were null already.
          for (const pointer of r.suppressed) {
            expect(pointerGet(r, pointer), `${k} ${pointer}`).toBeNull();
            expect(pointerGet(original, pointer), `${k} ${pointer} was null already`).not.toBeNull();
            // A null is never a hidden zero.
            const was = pointerGet(original, pointer);
            if (!/Rate|Share|median/.test(pointer)) expect(was).toBeGreaterThan(0);
          }
          const listed = new Set(r.suppressed);
          const walk = (pub: unknown, orig: unknown, pointer: string): void => {
            if (pub === null) {
              if (!listed.has(pointer)) expect(orig, `${k} ${pointer}`).toBeNull();
            } else if (typeof pub === 'object') {
              for (const [key, v] of Object.entries(pub as object)) walk(v, (orig as Record<string, unknown>)[key], `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
            } else expect(pub, `${k} ${pointer}`).toBe(orig);
          };
          const { suppressed: _s, threshold: _t, edition: _e, ...body } = r;
          const { edition: _fe, ...fullBody } = original;
          walk(body, fullBody, '');
          // A child's cells are the same (published or not) as in the child's own report.
          for (const child of r.children) {
            const own = pub.get(reportMapKey(child.division.level, child.division.code));
            if (own) expect(own.totals, `${k} child ${child.division.code}`).toEqual(child.totals);
          }
        }

        // (b) For every total/parts relation: never exactly one unknown, and never unknown parts
        // that can only be ones.
        for (const rel of relations(pub)) {
          const cells = [rel.total, ...rel.parts];
          const unknown = cells.filter((c) => c === null).length;
          expect(unknown, rel.label).not.toBe(1);
          if (rel.total !== null && unknown > 0) {
            const rest = rel.total - rel.parts.reduce<number>((s, p) => s + (p ?? 0), 0);
            expect(rest, `${rel.label}: ${unknown} unknown parts sum to ${rest}`).toBeGreaterThan(unknown);
          }
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('leaves no suppressed cell that the published relations determine together', () => {
    fc.assert(
      fc.property(rowsArb, fc.constantFrom(3, 5, 10), (rows, threshold) => {
        expect(determinedBySolving(publicEdition(roll(rows), { threshold }))).toEqual([]);
      }),
      { numRuns: 120 },
    );
  }, 120_000);

  it('is deterministic', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        expect(JSON.stringify([...publicEdition(roll(rows))])).toBe(JSON.stringify([...publicEdition(roll([...rows].reverse()))]));
      }),
      { numRuns: 30 },
    );
  }, 60_000);
});

describe('publishPeriod: the public files of a period', () => {
  it('hide a cell in every file that shows it, so no suppressed figure is worked back from a parent and a child file', async () => {
    const { mockClient } = await import('aws-sdk-client-mock');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { DynamoDBDocumentClient, QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const { PutObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
    const { publishPeriod } = await import('../../shared/adapters/report-publisher');
    const { ReportStore } = await import('../../shared/adapters/report-store');
    // Xihu 3 (below the threshold) and Shangcheng 10 make Hangzhou 13; Ningbo's Haishu 20 makes Zhejiang 33.
    // Suppressed report by report, Hangzhou's file hides Shangcheng (its complement), Shangcheng's own
    // file shows 10 and Zhejiang's shows Hangzhou 13: Xihu = 13 − 10.
    const rows = [
      { day: '2026-11-02', countyCode: '330106', declared: 3 },
      { day: '2026-11-02', countyCode: '330102', declared: 10 },
      { day: '2026-11-02', countyCode: '330203', declared: 20 },
    ];
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' }));
    mockClient(db).on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => ({
      Items: rows.filter((r) => r.day === input.ExpressionAttributeValues[':day']),
    }));
    const s3 = new S3Client({ region: 'cn-north-1' });
    const files = new Map<string, string>();
    mockClient(s3).on(PutObjectCommand).callsFake((input: { Key: string; Body: Buffer }) => void files.set(input.Key, input.Body.toString('utf8')));
    await publishPeriod({ db, countersTable: 'counters', store: new ReportStore(s3, 'reports'), period: NOV, threshold: 5, bankNames: {} });

    const published = [...files].filter(([key]) => key.startsWith('public-reports/') && key.endsWith('.json') && !key.endsWith('index.json')).map(([, body]) => JSON.parse(body) as PublicReport);
    expect(published.length).toBeGreaterThanOrEqual(6);
    // Every file's view of a division's `declared`: its own totals, or a row of its parent's children.
    const views = new Map<string, Set<string>>();
    const see = (code: string, value: number | null) => {
      const seen = views.get(code) ?? new Set<string>();
      seen.add(value === null ? 'hidden' : 'shown');
      views.set(code, seen);
    };
    for (const report of published) {
      see(report.division.code, report.totals.declared);
      for (const child of report.children) see(child.division.code, child.totals.declared);
    }
    const inconsistent = [...views].filter(([, seen]) => seen.size > 1).map(([code]) => code);
    expect(inconsistent).toEqual([]);
    expect(views.get('330106')).toEqual(new Set(['hidden']));
    // And solving every published relation together determines no suppressed cell.
    const byKey = new Map(published.map((r) => [reportMapKey(r.division.level, r.division.code), r] as const));
    expect(determinedBySolving(byKey)).toEqual([]);
  });
});
