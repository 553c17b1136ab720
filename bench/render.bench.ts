// Report rendering benchmark (`npx tsx bench/render.bench.ts`): CPU per report (user + system,
// process.cpuUsage, median of repeated runs after a warm-up) for a realistic county, prefecture,
// province and national report (bench/render-reports.ts), both editions, by format, and bytes per
// file. Compared in the same run with a baseline: the renderers as they were before the XLSX writer
// changed (exceljs, and a validation per format call), loaded from git at BASELINE_COMMIT. Writes
// bench/render-last-run.md. The machine is shared: compare ratios, not absolute times.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as current from '../shared/adapters/report-render';
import { publicReportSchema, reportSchema } from '../shared/domain/report';
import { RENDER_LEVELS, realisticReports, type RenderLevel } from './render-reports';

/** The last commit with the exceljs renderer (the golden files were written by it). */
const BASELINE_COMMIT = '5af994e';
const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS: Readonly<Record<RenderLevel, number>> = { county: 41, prefecture: 31, province: 31, national: 15 };
const FORMATS = current.REPORT_FORMATS;
type Renderers = Pick<typeof current, 'renderJson' | 'renderCsv' | 'renderXlsx' | 'renderHtml'>;

/** The renderer module at `commit`, its relative imports made absolute, in a temporary folder. */
async function baselineRenderers(commit: string): Promise<{ renderers: Renderers; cleanup: () => void } | undefined> {
  let source: string;
  try {
    source = execFileSync('git', ['show', `${commit}:shared/adapters/report-render.ts`], { cwd: ROOT, encoding: 'utf8' });
  } catch {
    return undefined;
  }
  const exceljs = createRequire(import.meta.url).resolve('exceljs');
  const adapters = path.join(ROOT, 'shared', 'adapters');
  const rewritten = source
    .replace(/from '(\.\.?\/[^']+)'/g, (_, rel: string) => `from '${pathToFileURL(path.resolve(adapters, rel)).href}'`)
    .replace(/from 'exceljs'/, `from '${pathToFileURL(exceljs).href}'`);
  const dir = mkdtempSync(path.join(tmpdir(), 'smefin-render-baseline-'));
  const file = path.join(dir, 'report-render.ts');
  writeFileSync(file, rewritten);
  const renderers = (await import(pathToFileURL(file).href)) as Renderers;
  return { renderers, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median CPU µs (user + system) of `runs` calls after two warm-up calls. */
async function cpu(runs: number, fn: () => unknown): Promise<number> {
  await fn();
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(start);
    samples.push(used.user + used.system);
  }
  return median(samples);
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const msOf = (us: number) => (us >= 100_000 ? fmt(us / 1000) : fmt(us / 1000, us >= 10_000 ? 1 : 2));
const kib = (bytes: number) => fmt(bytes / 1024, 1);

const fixtures = realisticReports();
const baseline = await baselineRenderers(BASELINE_COMMIT);

interface Row {
  level: RenderLevel;
  /** µs per report (both editions) by format, each call validating as the per-format renderers do. */
  before?: Record<(typeof FORMATS)[number], number>;
  after: Record<(typeof FORMATS)[number], number>;
  validate: number;
  /** µs per report (both editions) of renderReport: one validation and four formats per edition. */
  renderReport: number;
  beforeTotal?: number;
  bytes: Record<(typeof FORMATS)[number], number>;
  beforeXlsxBytes?: number;
}

async function perFormat(renderers: Renderers, level: RenderLevel): Promise<Record<(typeof FORMATS)[number], number>> {
  const { full, public: pub } = fixtures.find((f) => f.level === level)!;
  const runs = RUNS[level];
  const of = async (render: (r: current.RenderableReport) => unknown): Promise<number> => (await cpu(runs, () => render(full))) + (await cpu(runs, () => render(pub)));
  return {
    json: await of(renderers.renderJson),
    csv: await of(renderers.renderCsv),
    xlsx: await of(renderers.renderXlsx),
    html: await of(renderers.renderHtml),
  };
}

const rows: Row[] = [];
for (const level of RENDER_LEVELS) {
  const { full, public: pub } = fixtures.find((f) => f.level === level)!;
  const runs = RUNS[level];
  const before = baseline ? await perFormat(baseline.renderers, level) : undefined;
  const after = await perFormat(current, level);
  const validate = (await cpu(runs, () => reportSchema.safeParse(full))) + (await cpu(runs, () => publicReportSchema.safeParse(pub)));
  const renderReport = (await cpu(runs, () => current.renderReport(full))) + (await cpu(runs, () => current.renderReport(pub)));
  const files = await current.renderReport(full);
  const bytes = Object.fromEntries(files.map((f) => [f.format, f.body.length])) as Row['bytes'];
  const beforeXlsxBytes = baseline ? (await baseline.renderers.renderXlsx(full)).length : undefined;
  rows.push({ level, before, after, validate, renderReport, bytes, beforeXlsxBytes, beforeTotal: before && FORMATS.reduce((s, f) => s + before[f], 0) });
}
baseline?.cleanup();

const lines: string[] = [
  `Render benchmark, ${new Date().toISOString().slice(0, 10)}: ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ` +
    `CPU ms per report (full + public edition), median of ${RUNS.county}/${RUNS.prefecture}/${RUNS.province}/${RUNS.national} runs (county/prefecture/province/national).`,
  baseline ? `Before: the renderers at ${BASELINE_COMMIT} (exceljs; every format call validates), measured in the same run.` : `Before: not measured (git history with ${BASELINE_COMMIT} not available).`,
  '',
  '| level | children | banks | before json | csv | xlsx | html | before total (8 calls) | after json | csv | xlsx | html | validate (×2) | after renderReport (×2) | after / before |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const r of rows) {
  const f = fixtures.find((x) => x.level === r.level)!.full;
  const b = r.before;
  lines.push(
    `| ${r.level} | ${f.children.length} | ${f.banks.length} | ${b ? FORMATS.map((x) => msOf(b[x])).join(' | ') : '– | – | – | –'} | ${r.beforeTotal ? msOf(r.beforeTotal) : '–'} | ` +
      `${FORMATS.map((x) => msOf(r.after[x])).join(' | ')} | ${msOf(r.validate)} | ${msOf(r.renderReport)} | ${r.beforeTotal ? `${fmt((100 * r.renderReport) / r.beforeTotal)}%` : '–'} |`,
  );
}
lines.push('', '| level | json KiB | csv KiB | xlsx KiB (before) | xlsx KiB (after) | html KiB |', '|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  lines.push(`| ${r.level} | ${kib(r.bytes.json)} | ${kib(r.bytes.csv)} | ${r.beforeXlsxBytes ? kib(r.beforeXlsxBytes) : '–'} | ${kib(r.bytes.xlsx)} | ${kib(r.bytes.html)} |`);
}
const table = lines.join('\n');
console.log(table);
writeFileSync(path.join(ROOT, 'bench', 'render-last-run.md'), `${table}\n`);
