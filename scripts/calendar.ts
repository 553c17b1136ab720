// The holiday calendar CLI (`npm run calendar -- <command>`): which years have an official
// arrangement, load a newly published one without a deploy (open deadlines it touches are
// recomputed), print the statutory holidays of a year as a starting point. Acts on the running
// `npm start` by default, on AWS with --aws (see resolveTarget in local/runtime-info.ts).
//
//   show [--json]                        years, their status and source, days of official coverage left
//   load --file <file.json> [--dry-run]  validate, load, recompute provisional deadlines
//   statutory --year <yyyy>              the law's holidays of a year, in the file format (provisional)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  COVERAGE_WARNING_DAYS,
  holidayArrangementSchema,
  holidayArrangementsFileSchema,
  officialCoverageDaysLeft,
  statutoryArrangement,
  type HolidayArrangement,
} from '../shared/domain/holiday-calendar';
import { recomputeProvisionalDeadlines } from '../shared/domain/routing';
import { BUNDLED_ARRANGEMENTS, calendarOf, loadedArrangements, putArrangement } from '../shared/adapters/calendar';
import { lunarDates } from '../shared/adapters/lunar';
import { ProvisionalDeadlinesStore } from '../shared/adapters/provisional-deadlines-store';
import { CliError, formatTable, runCli, TARGET_OPTIONS, withTarget, type CliTarget } from '../local/runtime-info';

const USAGE = `用法 / Usage: npm run calendar -- <command> [options]

  show [--json]                 各年份放假安排状态 / each year: official or provisional, its source notice,
                                and the days of official coverage left
  load --file <file.json> [--dry-run]
                                载入国务院办公厅公布的放假安排 / load a published arrangement (one year, or the
                                file format of shared/data/holiday-arrangements.json); open deadlines computed
                                on a provisional year are recomputed. --dry-run only validates.
  statutory --year <yyyy>       按法定节假日推算的安排（临时）/ the statutory holidays of a year, in the file
                                format: a starting point to complete from the State Council's notice

Target (default: the running npm start, found through SMEFIN_DATA_DIR or .local):
  --data-dir <dir>   the data folder of npm start
  --aws              act on AWS (standard credential chain)   --region <region>   --needs-table <name>
  --time-scale <n>   with --aws: the stage's TIME_SCALE (default 1)`;

function readArrangements(file: string): HolidayArrangement[] {
  let value: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    value = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    throw new CliError(`无法读取或解析 / Cannot read or parse ${file}: ${(error as Error).message}`);
  }
  const asFile = holidayArrangementsFileSchema.safeParse(value);
  if (asFile.success) return asFile.data.arrangements;
  const single = holidayArrangementSchema.safeParse(value);
  if (single.success) return [single.data];
  const issues = (value && typeof value === 'object' && 'arrangements' in value ? asFile : single).error.issues;
  throw new CliError(
    `放假安排无效 / Invalid arrangement in ${file}:\n` + issues.map((i) => `  /${i.path.join('/')}: ${i.message}`).join('\n'),
  );
}

async function show(target: CliTarget, asJson: boolean): Promise<number> {
  const loaded = await loadedArrangements(target.clients.documentClient, target.tables.needs);
  const calendar = calendarOf(loaded.arrangements);
  const now = new Date();
  const loadedYears = new Set(loaded.arrangements.map((a) => a.year));
  const thisYear = Number(now.toISOString().slice(0, 4));
  const years = [...new Set([...BUNDLED_ARRANGEMENTS.map((a) => a.year), ...loadedYears, thisYear, thisYear + 1])].sort((a, b) => a - b);
  const rows = years.map((year) => {
    const arrangement = calendar.arrangement(year);
    return {
      year,
      status: arrangement.status,
      from: loadedYears.has(year) ? 'loaded' : arrangement.status === 'official' ? 'bundled' : 'law',
      daysOff: Object.keys(arrangement.holidays).length,
      makeUpWorkdays: Object.keys(arrangement.workdays).length,
      source: arrangement.source?.title ?? '全国年节及纪念日放假办法（法定节假日，临时）/ statutory holidays only (provisional)',
    };
  });
  const daysLeft = officialCoverageDaysLeft(calendar, now);
  if (asJson) {
    console.log(JSON.stringify({ lastOfficialYear: calendar.lastOfficialYear, coverageDaysLeft: daysLeft, years: rows, invalid: loaded.invalid }, null, 2));
  } else {
    console.log(`目标 / Target: ${target.description}`);
    console.log(
      formatTable(
        ['year', 'status', 'from', 'days off', 'make-up', 'source'],
        rows.map((r) => [String(r.year), r.status, r.from, String(r.daysOff), String(r.makeUpWorkdays), r.source]),
        ['r', 'l', 'l', 'r', 'r', 'l'],
      ),
    );
    console.log(`官方安排覆盖至 / Official arrangements up to ${calendar.lastOfficialYear ?? '—'}: ${daysLeft} days left.`);
    if (loaded.invalid.length > 0) console.log(`忽略无效条目 / Ignored invalid loaded items: ${loaded.invalid.join(', ')}`);
  }
  if (daysLeft < COVERAGE_WARNING_DAYS) {
    console.error(
      `警告：官方放假安排将在 ${daysLeft} 天后用尽；请载入下一年的安排。\n` +
        `Warning: the official arrangements end in ${daysLeft} days; load next year's (npm run calendar -- load --file …).`,
    );
  }
  return 0;
}

async function load(target: CliTarget, arrangements: HolidayArrangement[], timeScale: number): Promise<number> {
  const now = new Date();
  for (const arrangement of arrangements) await putArrangement(target.clients.documentClient, target.tables.needs, arrangement, now);
  console.log(`已载入 / Loaded into ${target.description}: ${arrangements.map((a) => `${a.year} (${a.source.title})`).join(', ')}`);
  const loaded = await loadedArrangements(target.clients.documentClient, target.tables.needs);
  const store = new ProvisionalDeadlinesStore(target.clients.documentClient, target.tables.needs);
  const result = await recomputeProvisionalDeadlines(store, calendarOf(loaded.arrangements), timeScale, now);
  for (const change of result.changed) {
    console.log(`  ${change.referralId}: ${change.from} → ${change.to}${change.provisional ? ' (still provisional)' : ''}`);
  }
  console.log(
    `重新计算期限 / Deadlines recomputed: ${result.changed.length} changed, ${result.unchanged} still provisional, ${result.closed} no longer open. ` +
      'The functions use the new arrangement within 5 minutes (CALENDAR_CACHE_SECONDS).',
  );
  return 0;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ...TARGET_OPTIONS,
      file: { type: 'string' },
      year: { type: 'string' },
      'time-scale': { type: 'string' },
      json: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  if (extra.length > 0) throw new CliError(`多余的参数 / Unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
  const run = (action: (target: CliTarget) => Promise<number>) => withTarget(values, action);
  switch (command) {
    case 'show':
      return run((target) => show(target, values.json));
    case 'load': {
      if (!values.file) throw new CliError('load 需要 --file / load needs --file <file.json>');
      const arrangements = readArrangements(values.file); // validated before any target is needed
      if (values['dry-run']) {
        console.log(`有效 / Valid: ${arrangements.map((a) => a.year).join(', ')}; dry run: nothing written.`);
        return 0;
      }
      return run((target) => {
        const timeScale = target.local ? (target.local.timeScale ?? 1) : Number(values['time-scale'] ?? 1);
        if (!Number.isFinite(timeScale) || timeScale <= 0) throw new CliError('--time-scale must be a positive number');
        return load(target, arrangements, timeScale);
      });
    }
    case 'statutory': {
      const year = Number(values.year);
      if (!Number.isInteger(year) || year < 2000 || year > 2199) throw new CliError('statutory 需要 --year <yyyy> / needs --year <yyyy>');
      const { holidays, workdays } = statutoryArrangement(year, lunarDates);
      const draft = {
        year,
        source: { title: `国务院办公厅关于${year}年部分节假日安排的通知`, document: '（待填写 / to fill in）' },
        holidays,
        workdays,
      };
      console.log(JSON.stringify(draft, null, 2));
      console.error('以上仅为法定节假日（含周末补假），不含调休；请按通知补全后载入。/ Statutory days only (with weekend substitutes), no make-up working days: complete from the notice, then load.');
      return 0;
    }
    default:
      throw new CliError(`未知命令 / Unknown command: ${command}\n\n${USAGE}`);
  }
}

await runCli(main);
