// The cost of the task forces' figures in the roll-up (`npx tsx bench/report-figures.bench.ts`): a
// month of counters for every county-level unit (bench/synthetic-counters.ts), rolled up and given
// its public edition twice in the same run — the rows as they were, and the same rows with the
// visits, plans, reviews, escalations and funnel counters added (addTaskForceCounters) — so the
// ratio shows what the new figures cost. Both grow with divisions × days, not with needs. Writes
// bench/report-figures-last-run.md.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { parsePeriod } from '../shared/domain/report';
import { rollUp, type CounterRow } from '../shared/domain/rollup';
import { publicEdition } from '../shared/domain/suppression';
import { addTaskForceCounters, countersOfDays, prng } from './synthetic-counters';

const MONTH = parsePeriod('2026-11');
const GENERATED_AT = '2026-12-01T01:00:00+08:00';
const before: CounterRow[] = [...countersOfDays(MONTH.days, 20261116).values()].flat();
const rng = prng(20261208);
const after: CounterRow[] = before.map((row) => {
  const counters = { ...row.counters };
  addTaskForceCounters(rng, counters, counters.declared ?? 0);
  return { ...row, counters };
});

function time<T>(fn: () => T, runs = 3): { ms: number; result: T } {
  let result = fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    result = fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)]!, result };
}

const keys = (rows: readonly CounterRow[]) => rows.reduce((s, r) => s + Object.keys(r.counters).length, 0) / rows.length;
const lines: string[] = [];
const measure = (rows: CounterRow[]) => {
  const roll = time(() => rollUp({ period: MONTH, rows, generatedAt: GENERATED_AT }));
  const pub = time(() => publicEdition(roll.result), 1);
  return { roll: roll.ms, pub: pub.ms, reports: roll.result.size };
};
const b = measure(before);
const a = measure(after);
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
lines.push(
  '# The task forces’ figures in the roll-up',
  '',
  `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average at start ${loadavg()[0]!.toFixed(1)}. CPU ms (user + system) of the pure functions on one month of counters for every county-level unit (${fmt(before.length)} county-day rows); rollUp the median of 3 runs after a warm-up, publicEdition one run after a warm-up. Before: the rows without the new counters (${keys(before).toFixed(1)} attributes a row); after: the same rows with visits, plans, reviews, escalations and the funnel's counters (${keys(after).toFixed(1)}), in the same run.`,
  '',
  '| | reports | rollUp (ms) | publicEdition (ms) |',
  '|---|---:|---:|---:|',
  `| before | ${fmt(b.reports)} | ${fmt(b.roll)} | ${fmt(b.pub)} |`,
  `| after | ${fmt(a.reports)} | ${fmt(a.roll)} | ${fmt(a.pub)} |`,
  `| after / before | | ${(a.roll / b.roll).toFixed(2)}× | ${(a.pub / b.pub).toFixed(2)}× |`,
  '',
  'Items read are the same county-day rows either way (one per county and day): the new figures add attributes to rows, not rows, so the cost stays bounded by divisions × days whatever the number of needs.',
);
const out = lines.join('\n') + '\n';
writeFileSync(path.join(import.meta.dirname, 'report-figures-last-run.md'), out);
console.log(out);
