// Roll-up benchmark (`npx tsx bench/rollup.bench.ts`), in memory on the pure functions:
//   (a) the scheduled roll-up (rollUp) over a year of daily counters for every county-level unit,
//       for one day and one month, against a baseline measured in the same run: summing the same
//       rows into one total without the division tree;
//   (b) the audit recompute (recomputeCounters) from synthetic raw records of 10k, 100k and 1M
//       needs with their referrals, generated lazily (a Scan streamed into the recompute), against
//       the baseline of only generating and counting the same items;
//   (c) the month roll-up on the counters each recompute produced: its items read are the
//       county-days with activity (at most counties × days), whatever the number of needs.
// DynamoDB is not involved: reads are counted as items (what the Query or Scan would return), not
// timed. Times are medians of repeated runs after a warm-up. Writes bench/rollup-last-run.md.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { chinaDay, type NeedStatus } from '../shared/domain/need-record';
import { recomputeCountersDetailed, type RecomputeNeed, type RecomputeReferral } from '../shared/domain/recompute';
import { parsePeriod, type Period } from '../shared/domain/report';
import { rollUp, type CounterRow } from '../shared/domain/rollup';
import { banksOf, COUNTIES, DECLINES, keysOf, pick, prng, SCREENING_CODES, syntheticRow } from './synthetic-counters';

const YEAR = 2026;
const MONTH = parsePeriod(`${YEAR}-11`);
const DAY = parsePeriod(`${YEAR}-11-16`);
const NEED_SETS = (process.env.BENCH_NEED_SETS ?? '10000,100000,1000000').split(',').map(Number);
const GENERATED_AT = `${YEAR}-12-01T01:00:00+08:00`;

// ---------------------------------------------------------------------------------------------
// Helpers

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median wall time in ms of `runs` calls (after one warm-up call unless `warmUp` is false); returns the last result too. */
function time<T>(runs: number, fn: () => T, warmUp = true): { ms: number; result: T } {
  let result = warmUp ? fn() : (undefined as T);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = fn();
    samples.push(performance.now() - start);
  }
  return { ms: median(samples), result };
}

/** The baseline: the same rows summed into one total, no division tree. */
function sumAll(rows: readonly CounterRow[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const row of rows) for (const name in row.counters) total[name] = (total[name] ?? 0) + row.counters[name]!;
  return total;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => (n >= 100 ? fmt(n) : fmt(n, n >= 10 ? 1 : 2));
const ratio = (a: number, b: number) => `${fmt(a / b, a / b >= 10 ? 0 : 1)}×`;
const mib = () => process.memoryUsage().heapUsed / 2 ** 20;

const YEAR_DAYS = Array.from({ length: 365 }, (_, d) => new Date(Date.UTC(YEAR, 0, 1 + d)).toISOString().slice(0, 10));

// ---------------------------------------------------------------------------------------------
// (a) A year of daily counters for every county-level unit

/** The counters table: rows by day (a Query per day reads one partition). */
function yearOfCounters(): { byDay: Map<string, CounterRow[]>; rows: number; attributes: number } {
  const rng = prng(20261101);
  const lambdas = COUNTIES.map(() => 0.2 + rng() * rng() * 4);
  const banks = COUNTIES.map((county) => banksOf(county).map(keysOf));
  const byDay = new Map<string, CounterRow[]>();
  let rows = 0;
  let attributes = 0;
  for (const day of YEAR_DAYS) {
    const items = COUNTIES.map((county, i) => syntheticRow(rng, county, day, lambdas[i]!, banks[i]!));
    for (const item of items) attributes += Object.keys(item.counters).length;
    rows += items.length;
    byDay.set(day, items);
  }
  return { byDay, rows, attributes };
}

function query(byDay: ReadonlyMap<string, readonly CounterRow[]>, period: Period): CounterRow[] {
  return period.days.flatMap((day) => byDay.get(day) ?? []);
}

// ---------------------------------------------------------------------------------------------
// (b) Raw records: needs with referrals in realistic proportions

const YEAR_START = Date.UTC(YEAR, 0, 1) - 8 * 3600_000; // CST midnight
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY_MS = 24 * HOUR;
const CST_MS = 8 * HOUR;

/** `Date.prototype.toISOString` for the generator, without a Date per call (checked against it below). */
const isoDays = new Map<number, string>();
const pad = (n: number, width: number) => String(n).padStart(width, '0');
function isoOf(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = isoDays.get(day);
  if (prefix === undefined) isoDays.set(day, (prefix = new Date(day * DAY_MS).toISOString().slice(0, 11)));
  const r = ms - day * DAY_MS;
  return `${prefix}${pad(Math.floor(r / HOUR), 2)}:${pad(Math.floor(r / MINUTE) % 60, 2)}:${pad(Math.floor(r / 1000) % 60, 2)}.${pad(r % 1000, 3)}Z`;
}
/** chinaDay for the generator (same memo idea). */
const cstOf = (ms: number) => isoOf(Math.floor((ms + CST_MS) / DAY_MS) * DAY_MS).slice(0, 10);
for (const probe of [0, 1, 999, YEAR_START, YEAR_START + 12_345_678, Date.UTC(YEAR, 10, 30, 15, 59, 59, 999), Date.UTC(YEAR, 10, 30, 16)]) {
  if (isoOf(probe) !== new Date(probe).toISOString() || cstOf(probe) !== chinaDay(new Date(probe))) throw new Error(`isoOf/cstOf wrong at ${probe}`);
}

interface Clock {
  rng: () => number;
  ms: number;
}

/** Moves the clock on by a minute to `maxMs` more; the new instant as ISO. */
function after(st: Clock, maxMs: number): string {
  st.ms += MINUTE + Math.floor(st.rng() * maxMs);
  return isoOf(st.ms);
}

/**
 * Need `i` and its referrals, deterministic in `i`: 15 % not recommended; otherwise up to three
 * banks in turn, each accepting and granting (50 %, four in five of them disbursed), declining
 * the offer (18 %), accepting then declining (10 %), missing the offer deadline (17 %, a third
 * of those answering late) or missing the decision deadline (5 %); no grant after three → unmatched;
 * 0.5 % with a routing failure. Submissions spread over the year, counties mildly skewed.
 */
function synthNeed(i: number): { need: RecomputeNeed; referrals: RecomputeReferral[] } {
  const rng = prng(Math.imul(i + 1, 2654435761));
  const countyCode = COUNTIES[Math.floor(rng() ** 1.3 * COUNTIES.length)]!;
  const banks = banksOf(countyCode);
  const st: Clock = { rng, ms: YEAR_START + Math.floor(rng() * 365 * DAY_MS) };
  const needId = `N${i.toString(36).padStart(8, '0')}`;
  const submittedAt = isoOf(st.ms);
  const timeline: { at: string; status: NeedStatus; note?: string }[] = [{ at: submittedAt, status: 'submitted' }];
  const need: RecomputeNeed = { needId, submittedAt, submittedDay: cstOf(st.ms), enterprise: { countyCode }, timeline };
  const referrals: RecomputeReferral[] = [];

  const screenedAt = after(st, 10 * MINUTE);
  const recommended = rng() >= 0.15;
  const reasons = recommended ? [] : [{ code: pick(rng, SCREENING_CODES) }];
  need.screening = { recommended, reasons, at: screenedAt };
  timeline.push({ at: screenedAt, status: 'screening' }, { at: screenedAt, status: recommended ? 'recommended' : 'not_recommended' });
  need.status = recommended ? 'recommended' : 'not_recommended';

  if (recommended) {
    let granted = false;
    for (let k = 0; k < 3 && !granted; k++) {
      const referral: RecomputeReferral = {
        referralId: `${needId}-${k}`,
        needId,
        bankId: banks[(i + k) % banks.length]!,
        countyCode,
        stage: 'offered',
        offeredAt: after(st, HOUR),
      };
      referrals.push(referral);
      timeline.push({ at: referral.offeredAt, status: 'offered' });
      const r = rng();
      if (r < 0.5) {
        referral.acceptedAt = after(st, 3 * DAY_MS);
        referral.decidedAt = referral.updatedAt = after(st, 10 * DAY_MS);
        const amountYuan = 10_000 * (5 + Math.floor(rng() * 200));
        referral.grant = { amountYuan, annualRateBp: 300 + Math.floor(rng() * 300), termMonths: 6 + Math.floor(rng() * 30), loanType: rng() < 0.4 ? 'credit' : 'collateral', firstLoan: rng() < 0.3 };
        referral.stage = 'granted';
        timeline.push({ at: referral.acceptedAt, status: 'accepted' }, { at: referral.decidedAt, status: 'granted' });
        if (rng() < 0.8) {
          referral.updatedAt = after(st, 5 * DAY_MS);
          referral.disbursement = { amountYuan, disbursedOn: cstOf(st.ms) };
          referral.stage = 'disbursed';
          timeline.push({ at: referral.updatedAt, status: 'disbursed' });
        }
        granted = true;
      } else if (r < 0.68) {
        referral.decidedAt = referral.updatedAt = after(st, 3 * DAY_MS);
        const reason = DECLINES[Math.floor(rng() * DECLINES.length)]!;
        referral.decline = { reasonCode: reason.code, repairable: reason.repairable };
        referral.stage = 'declined';
        timeline.push({ at: referral.decidedAt, status: 'recommended' });
      } else if (r < 0.78) {
        referral.acceptedAt = after(st, 3 * DAY_MS);
        referral.decidedAt = referral.updatedAt = after(st, 10 * DAY_MS);
        const reason = DECLINES[Math.floor(rng() * DECLINES.length)]!;
        referral.decline = { reasonCode: reason.code, repairable: reason.repairable };
        referral.stage = 'declined';
        timeline.push({ at: referral.acceptedAt, status: 'accepted' }, { at: referral.decidedAt, status: 'recommended' });
      } else if (r < 0.95) {
        st.ms += 3 * DAY_MS;
        referral.expiredAt = isoOf(st.ms);
        referral.stage = 'expired';
        timeline.push({ at: referral.expiredAt, status: 'recommended' });
        if (rng() < 0.33) referral.lateAnswers = [{ at: isoOf(st.ms + Math.floor(rng() * 2 * DAY_MS)) }];
      } else {
        referral.acceptedAt = referral.updatedAt = after(st, 3 * DAY_MS);
        st.ms += 7 * DAY_MS;
        referral.expiredAt = isoOf(st.ms);
        referral.stage = 'expired';
        timeline.push({ at: referral.acceptedAt, status: 'accepted' }, { at: referral.expiredAt, status: 'recommended' });
      }
    }
    if (!granted) {
      timeline.push({ at: after(st, MINUTE), status: 'unmatched' });
      need.status = 'unmatched';
    }
  }
  if (rng() < 0.005) {
    const at = after(st, HOUR);
    need.routingFailure = { error: 'States.TaskFailed', at };
    timeline.push({ at, status: need.status as NeedStatus, note: '处理出现故障，已通知县级工作专班 / Processing failed; the county task force has been told' });
  }
  return { need, referrals };
}

/** A Scan streamed: needs, then referrals, generated on the fly (nothing kept). */
function scan(n: number): { needs: Iterable<RecomputeNeed>; referrals: Iterable<RecomputeReferral> } {
  return {
    needs: (function* () {
      for (let i = 0; i < n; i++) yield synthNeed(i).need;
    })(),
    referrals: (function* () {
      for (let i = 0; i < n; i++) yield* synthNeed(i).referrals;
    })(),
  };
}

/** The baseline for (b): generate and count the same items, derive nothing. */
function scanOnly(n: number): number {
  const { needs, referrals } = scan(n);
  let items = 0;
  for (const _ of needs) items++;
  for (const _ of referrals) items++;
  return items;
}

// ---------------------------------------------------------------------------------------------

/** (a): the table rows of the report and what (c) compares with. */
function benchScheduledRollUp() {
  const generatedAt = performance.now();
  const table = yearOfCounters();
  const generationMs = performance.now() - generatedAt;
  const heapMiB = mib();
  const subjects = [
    { label: `day ${DAY.id}`, period: DAY, runs: 11 },
    { label: `month ${MONTH.id}`, period: MONTH, runs: 5 },
  ];
  const lines: string[] = [];
  let month = { items: 0, baseMs: 0, rollMs: 0 };
  let yearDeclared = 0;
  for (const rows of table.byDay.values()) for (const row of rows) yearDeclared += row.counters.declared ?? 0;
  for (const { label, period, runs } of subjects) {
    const rows = query(table.byDay, period);
    const base = time(runs, () => sumAll(rows));
    const roll = time(runs, () => rollUp({ period, rows, generatedAt: GENERATED_AT }));
    const national = roll.result.get('national:000000')!;
    if (national.totals.declared !== base.result.declared) throw new Error('roll-up and baseline disagree on declared');
    if (period === MONTH) month = { items: rows.length, baseMs: base.ms, rollMs: roll.ms };
    lines.push(`| ${label} | ${fmt(period.days.length)} | ${fmt(rows.length)} | ${ms(base.ms)} | ${ms(roll.ms)} | ${ratio(roll.ms, base.ms)} | ${fmt(roll.result.size)} | ${fmt(national.totals.declared)} |`);
  }
  return { lines, generationMs, heapMiB, tableRows: table.rows, attributes: table.attributes, month, yearDeclared };
}

function main() {
  const started = performance.now();
  const loadAtStart = loadavg()[0]!.toFixed(1);
  const lines: string[] = [];
  const out = (line = '') => {
    lines.push(line);
  };

  // (a), in its own function so that the year of counters can be collected before (b).
  const scheduled = benchScheduledRollUp();

  // (b) and (c)
  const recomputeRows: string[] = [];
  const independenceRows: string[] = [];
  let first: { items: number; ms: number } | undefined;
  const sets: { needs: number; items: number; monthItems: number }[] = [];
  for (const n of NEED_SETS) {
    // The smallest set warms the code up; one run of the largest (it is also the slowest to vary).
    const runs = n >= 1_000_000 ? 1 : n >= 100_000 ? 3 : 5;
    const warmUp = first === undefined;
    const baseline = time(runs, () => scanOnly(n), warmUp);
    const recompute = time(runs, () => recomputeCountersDetailed(scan(n)), warmUp);
    const { rows, gaps, itemsRead } = recompute.result;
    const items = itemsRead.needs + itemsRead.referrals;
    if (items !== baseline.result) throw new Error('recompute read a different number of items than the scan');
    if (gaps.length) throw new Error(`synthetic records have gaps: ${JSON.stringify(gaps.slice(0, 3))}`);
    const declared = rows.reduce((s, r) => s + (r.counters.declared ?? 0), 0);
    if (declared !== n) throw new Error(`recompute declared ${declared}, expected ${n}`);
    const net = Math.max(0, recompute.ms - baseline.ms);
    first ??= { items, ms: recompute.ms };
    recomputeRows.push(
      `| ${fmt(n)} | ${fmt(itemsRead.referrals)} | ${fmt(items)} | ${ms(baseline.ms)} | ${ms(recompute.ms)} | ${ratio(recompute.ms, baseline.ms)} | ${fmt((net * 1000) / items, 2)} | ${fmt(rows.length)} |`,
    );

    const monthDays = new Set(MONTH.days);
    const monthRows = rows.filter((r) => monthDays.has(r.day));
    const base = time(5, () => sumAll(monthRows));
    const roll = time(5, () => rollUp({ period: MONTH, rows: monthRows, generatedAt: GENERATED_AT }));
    if (roll.result.get('national:000000')!.totals.declared !== (base.result.declared ?? 0)) throw new Error('roll-up and baseline disagree');
    sets.push({ needs: n, items, monthItems: monthRows.length });
    independenceRows.push(
      `| ${fmt(n)} | ${fmt(items)} (${ratio(items, first.items)}) | ${ms(recompute.ms)} (${ratio(recompute.ms, first.ms)}) | ${fmt(monthRows.length)} | ${fmt((100 * monthRows.length) / (COUNTIES.length * MONTH.days.length), 1)} % | ${ms(base.ms)} | ${ms(roll.ms)} | ${ratio(roll.ms, base.ms)} | ${ratio(recompute.ms, roll.ms)} |`,
    );
  }

  const monthCeiling = COUNTIES.length * MONTH.days.length;
  out(`# Roll-up benchmark`);
  out();
  out(
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, load average at start ${loadAtStart}; in memory on the pure functions (\`rollUp\`, \`recomputeCounters\`). ` +
      `**DynamoDB reads are counted as items, not timed**: "items read" is what the Query per day (roll-up) or the Scan (recompute) would return; ` +
      `times are the CPU work on items already read (median of repeated runs after a warm-up; one run for 1M needs).`,
  );
  out();
  out(`## (a) Scheduled roll-up: ${fmt(COUNTIES.length)} county-level units × 365 days of counters`);
  out();
  out(
    `Counters table: ${fmt(scheduled.tableRows)} rows (every county active every day — the ceiling; ${fmt(scheduled.yearDeclared)} needs declared in the year), ` +
      `${fmt(scheduled.attributes / scheduled.tableRows, 1)} counter attributes per row on average, ` +
      `generated in ${fmt(scheduled.generationMs / 1000, 1)} s (${fmt(scheduled.heapMiB)} MiB heap). The roll-up reads only the period's days. ` +
      `Baseline: the same rows summed into one total, without the division tree.`,
  );
  out();
  out('| period | days | items read (rows of the period) | baseline: sum into one total (ms) | rollUp (ms) | rollUp / baseline | reports | declared (national) |');
  out('|---|---:|---:|---:|---:|---:|---:|---:|');
  scheduled.lines.forEach((r) => out(r));
  out();
  out(`## (b) Audit recompute from the raw records (Scan of the needs table)`);
  out();
  out(
    'Synthetic needs over the year with referrals in realistic proportions (15 % not recommended; up to three banks per need: 50 % granted, 4 in 5 of them disbursed, ' +
      '18 % declined at the offer, 10 % declined after acceptance, 17 % offer deadline missed — a third answering late — 5 % decision deadline missed; 0.5 % routing failures), ' +
      'generated lazily and streamed into the recompute. Baseline: generating and counting the same items (the stream alone); the recompute reads every need ever declared whatever the period.',
  );
  out();
  out('| needs | referrals | items read (needs + referrals) | baseline: stream only (ms) | recompute incl. stream (ms) | recompute / baseline | net µs per item | county-day rows produced |');
  out('|---:|---:|---:|---:|---:|---:|---:|---:|');
  recomputeRows.forEach((r) => out(r));
  out();
  out(`## (c) The roll-up does not grow with needs`);
  out();
  out(
    `The month ${MONTH.id} rolled up from the counters each recompute produced. The roll-up reads one item per county-day with activity, ` +
      `at most ${fmt(COUNTIES.length)} × ${MONTH.days.length} = ${fmt(monthCeiling)} (the ceiling measured in (a)) however many needs are behind them; ` +
      `the recompute reads every item. Ratios in brackets are against the smallest set.`,
  );
  out();
  out('| needs | recompute items read | recompute (ms) | roll-up items read (county-days with activity) | of the ceiling | baseline sum (ms) | rollUp (ms) | rollUp / baseline | recompute / rollUp |');
  out('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  independenceRows.forEach((r) => out(r));
  const m = scheduled.month;
  out(
    `| ${fmt(scheduled.yearDeclared)} (the year of (a)) | not generated | — | ${fmt(m.items)} | ${fmt((100 * m.items) / monthCeiling, 1)} % | ${ms(m.baseMs)} | ${ms(m.rollMs)} | ${ratio(m.rollMs, m.baseMs)} | — |`,
  );
  out();
  if (sets.length > 1) {
    const a = sets[0]!;
    const b = sets[sets.length - 1]!;
    out(
      `From ${fmt(a.needs)} to ${fmt(b.needs)} needs (${ratio(b.needs, a.needs)}), the recompute read ${ratio(b.items, a.items)} the items; ` +
        `the month roll-up read ${ratio(b.monthItems, a.monthItems)} — the county-days that had no activity at all in the small set fill up — ` +
        `and never more than the ${fmt(monthCeiling)} county-days of the month, reached by the year of (a).`,
    );
    out();
  }
  out(`Total bench time ${fmt((performance.now() - started) / 1000, 1)} s.`);

  const text = lines.join('\n') + '\n';
  console.log(`\n${text}`);
  writeFileSync(path.join(import.meta.dirname, 'rollup-last-run.md'), text);
}

main();
