// `npm run bench` (pages): Lighthouse's mobile run (its default: a Moto G Power-sized screen, simulated
// slow 4G and 4× CPU slowdown) on the form (index.html) and the status page (status.html of a need
// submitted for the run), served by the local system as `npm start` serves them, in the machine's
// Chromium. Each page is run BENCH_LIGHTHOUSE_RUNS times (default 3, a fresh browser each time) and
// the median is reported, as the machine is shared and noisy. Also the pages' scripts as built:
// raw, gzip and brotli bytes (what a browser downloads behind CloudFront's compression).
// Checked against the budget of issue 9 (performance ≥ 0.95, accessibility 1.00, layout shift < 0.1,
// form script ≤ 60 KB brotli, status script ≤ 25 KB brotli). Writes bench/lighthouse-last-run.md.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { startLocalSystem } from '../local/system';
import { validSubmission } from '../test/support/needs';
import { median } from './stats';
import { pageScriptSizes, SCRIPT_BUDGET_BYTES } from '../web/budget';
import { buildWebSync } from '../web/build';

const RUNS = Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 3);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUDGET = { performance: 0.95, accessibility: 1, cls: 0.1 };

interface Run {
  performance: number;
  accessibility: number;
  cls: number;
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  transferBytes: number;
}

async function lighthouseRun(url: string): Promise<Run> {
  const chrome = await launch({ chromePath: CHROMIUM, chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] });
    if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
    const { categories, audits } = result.lhr;
    const failed = Object.values(audits).filter((a) => a.scoreDisplayMode === 'binary' && a.score === 0 && categories.accessibility?.auditRefs.some((r) => r.id === a.id));
    if (failed.length) console.log(`  accessibility audits failed: ${failed.map((a) => a.id).join(', ')}`);
    const shifts = (audits['layout-shifts']?.details as { items?: { score?: number; node?: { selector?: string } }[] } | undefined)?.items ?? [];
    for (const shift of shifts) console.log(`  layout shift ${shift.score?.toFixed(3)}: ${shift.node?.selector ?? '?'}`);
    if (result.lhr.runtimeError) throw new Error(`Lighthouse: ${result.lhr.runtimeError.message}`);
    return {
      performance: categories.performance?.score ?? Number.NaN,
      accessibility: categories.accessibility?.score ?? Number.NaN,
      cls: audits['cumulative-layout-shift']?.numericValue ?? Number.NaN,
      fcpMs: audits['first-contentful-paint']?.numericValue ?? Number.NaN,
      lcpMs: audits['largest-contentful-paint']?.numericValue ?? Number.NaN,
      tbtMs: audits['total-blocking-time']?.numericValue ?? Number.NaN,
      transferBytes: audits['total-byte-weight']?.numericValue ?? Number.NaN,
    };
  } finally {
    await chrome.kill();
  }
}

function medianRun(runs: Run[]): Run {
  const of = (key: keyof Run) => median(runs.map((r) => r[key]));
  return {
    performance: of('performance'),
    accessibility: of('accessibility'),
    cls: of('cls'),
    fcpMs: of('fcpMs'),
    lcpMs: of('lcpMs'),
    tbtMs: of('tbtMs'),
    transferBytes: of('transferBytes'),
  };
}

/** A need submitted through the API, for a status page with content. */
async function statusUrl(baseUrl: string): Promise<string> {
  const response = await fetch(new URL('/v1/needs', baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    body: JSON.stringify(validSubmission()),
  });
  if (response.status !== 201) throw new Error(`submitting a need: ${response.status} ${await response.text()}`);
  const { needId, trackingToken } = (await response.json()) as { needId: string; trackingToken: string };
  return new URL(`/status.html#${new URLSearchParams({ needId, token: trackingToken }).toString()}`, baseUrl).toString();
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const score = (value: number) => value.toFixed(2);
const ok = (pass: boolean) => (pass ? 'yes' : '**no**');

const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-lighthouse-'));
const system = await startLocalSystem({ port: 0, dataDir, logLevel: 'ERROR' });
const pages: { page: string; url: string; runs: Run[] }[] = [];
const builtDir = path.join(dataDir, 'sizes');
const sizes = pageScriptSizes(builtDir, buildWebSync(builtDir));
try {
  const base = system.runtime.url;
  for (const [page, url] of [
    ['form (index.html)', new URL('/index.html', base).toString()],
    ['status (status.html)', await statusUrl(base)],
  ] as const) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await lighthouseRun(url);
      console.log(`${page} run ${i + 1}: performance ${score(run.performance)}, accessibility ${score(run.accessibility)}, CLS ${run.cls.toFixed(3)}`);
      runs.push(run);
    }
    pages.push({ page, url, runs });
  }
} finally {
  await system.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const lines = [
  '# Pages (Lighthouse mobile) — last run',
  '',
  `\`npx tsx bench/lighthouse.bench.ts\` (part of \`npm run bench\`), ${new Date().toISOString().slice(0, 10)}: Lighthouse ${
    (await import('lighthouse/package.json', { with: { type: 'json' } })).default.version
  } mobile preset (simulated throttling), ${RUNS} runs per page in ${CHROMIUM}, median; pages served by the local system (local/api-gateway.ts).`,
  '',
  '| page | performance | accessibility | CLS | FCP | LCP | TBT | bytes transferred | within budget |',
  '|---|---|---|---|---|---|---|---|---|',
  ...pages.map(({ page, runs }) => {
    const m = medianRun(runs);
    const pass = m.performance >= BUDGET.performance && m.accessibility >= BUDGET.accessibility && m.cls < BUDGET.cls;
    return `| ${page} | ${score(m.performance)} | ${score(m.accessibility)} | ${m.cls.toFixed(3)} | ${(m.fcpMs / 1000).toFixed(1)} s | ${(m.lcpMs / 1000).toFixed(1)} s | ${Math.round(m.tbtMs)} ms | ${kb(m.transferBytes)} | ${ok(pass)} |`;
  }),
  '',
  `Runs (performance / accessibility / CLS): ${pages.map(({ page, runs }) => `${page}: ${runs.map((r) => `${score(r.performance)}/${score(r.accessibility)}/${r.cls.toFixed(3)}`).join(', ')}`).join('; ')}.`,
  '',
  '| script | raw | gzip | brotli | budget (brotli) | within budget |',
  '|---|---|---|---|---|---|',
  ...sizes.map((s) => {
    const budget = SCRIPT_BUDGET_BYTES[s.file];
    return `| ${s.files.join(' + ')} | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} | ${budget ? kb(budget) : '–'} | ${budget ? ok(s.brotli <= budget) : '–'} |`;
  }),
  '',
  `Budget: performance ≥ ${BUDGET.performance}, accessibility ${BUDGET.accessibility.toFixed(2)}, CLS < ${BUDGET.cls}; KB = 1024 bytes.`,
  '',
];
writeFileSync(path.join(import.meta.dirname, 'lighthouse-last-run.md'), lines.join('\n'));
console.log(lines.join('\n'));
