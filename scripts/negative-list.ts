// The negative-list CLI (`npx tsx scripts/negative-list.ts <command>`): load entries kept by task
// forces and regulators from CSV, and look up a credit code. Acts on the running `npm start` by
// default, on AWS with --aws (see resolveTarget in local/runtime-info.ts).
//
//   load --file list.csv [--dry-run] [--strict]   header creditCode,jurisdiction,reasonCode,source,validFrom,validTo
//   show --credit-code <code>                     the entries stored for one credit code
//
// Bad lines are printed (line number, zh/en) and skipped; the good ones are loaded, unless --strict
// (then nothing is loaded when any line is bad). The exit code is 1 when any line was bad.
// Loading the same entry again replaces it (key: credit code, jurisdiction, reason, validFrom), or
// writes nothing when it is the same. The file is read as the workspace's import reads it (UTF-8
// with or without BOM, or GB18030) and written through the same store (shared/adapters/
// negative-list-store.ts: screening's item and the jurisdiction's register), without an audit record.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { validateCreditCode } from '../shared/domain/credit-code';
import { decodeCsvBytes, NEGATIVE_LIST_CSV_COLUMNS, parseNegativeListCsv, type NegativeListEntry } from '../shared/domain/negative-list';
import { NEGATIVE_LIST_REASONS } from '../shared/domain/reasons';
import { NegativeListStore, type RecordOutcome } from '../shared/adapters/negative-list-store';
import { RoutingStore } from '../shared/adapters/routing-store';
import { CliError, formatTable, runCli, TARGET_OPTIONS, withTarget, type TargetFlags } from '../local/runtime-info';

const USAGE = `用法 / Usage: npx tsx scripts/negative-list.ts <command> [options]

  load --file <list.csv> [--dry-run] [--strict]   载入负面清单 / load entries from CSV (UTF-8 or GB18030)
      header: ${NEGATIVE_LIST_CSV_COLUMNS.join(',')}   (validTo may be empty: open-ended)
      reason codes: ${Object.keys(NEGATIVE_LIST_REASONS).join(', ')}
      --dry-run   check the file only       --strict   load nothing if any line is bad
  show --credit-code <code>                       查看某信用代码的条目 / the entries of one credit code

Target (default: the running npm start, found through SMEFIN_DATA_DIR or .local):
  --data-dir <dir> | --aws [--region <r>] [--needs-table <name>]`;

const entryKey = (e: NegativeListEntry) => `${e.creditCode}#${e.jurisdiction}#${e.reasonCode}#${e.validFrom}`;

/** One entry per stored key (the last line wins, as a second load would): a transaction may not touch an item twice. */
function distinct(entries: NegativeListEntry[]): { entries: NegativeListEntry[]; replaced: number } {
  const byKey = new Map<string, NegativeListEntry>();
  for (const entry of entries) byKey.set(entryKey(entry), entry);
  return { entries: [...byKey.values()], replaced: entries.length - byKey.size };
}

function entryRows(entries: readonly NegativeListEntry[]): string[][] {
  return entries.map((e) => [e.creditCode, e.jurisdiction, e.reasonCode, NEGATIVE_LIST_REASONS[e.reasonCode].zh, e.source, e.validFrom, e.validTo ?? '-']);
}
const ENTRY_HEADERS = ['creditCode', 'jurisdiction', 'reasonCode', '原因', 'source', 'validFrom', 'validTo'];

async function load(file: string, flags: { dryRun: boolean; strict: boolean; target: TargetFlags }): Promise<number> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new CliError(`无法读取 / Cannot read ${file}: ${(error as Error).message}`);
  }
  const decoded = decodeCsvBytes(bytes);
  if (!decoded.ok) throw new CliError(`${file}: ${decoded.message.zh}\n${decoded.message.en}`);
  const parsed = parseNegativeListCsv(decoded.text);
  for (const error of parsed.errors) {
    console.error(`${file}:${error.line}: ${error.message.zh}\n${' '.repeat(file.length + String(error.line).length + 3)}${error.message.en}`);
  }
  const { entries, replaced } = distinct(parsed.entries);
  const bad = parsed.errors.length;
  console.log(
    `${parsed.entries.length} 条有效，${bad} 行有误 / ${parsed.entries.length} valid entr${parsed.entries.length === 1 ? 'y' : 'ies'}, ${bad} bad line(s)` +
      (replaced > 0 ? `; ${replaced} repeated key(s): the last line wins` : ''),
  );
  if (flags.dryRun) {
    if (entries.length > 0) console.log(formatTable(ENTRY_HEADERS, entryRows(entries)));
    console.log('试运行，未写入 / Dry run: nothing written.');
    return bad > 0 ? 1 : 0;
  }
  if (flags.strict && bad > 0) {
    console.error('--strict：存在错误行，未写入任何条目 / --strict: nothing loaded because of the bad lines.');
    return 1;
  }
  if (entries.length === 0) {
    console.log('没有可写入的条目 / Nothing to load.');
    return bad > 0 ? 1 : 0;
  }
  await withTarget(flags.target, async (target) => {
    const store = new NegativeListStore(target.clients.documentClient, target.tables.needs);
    const context = { who: `cli:${userInfo().username}`, at: new Date() };
    const counts: Record<RecordOutcome['kind'], number> = { added: 0, updated: 0, unchanged: 0 };
    for (const entry of entries) counts[(await store.record({ entry }, context)).kind]++;
    console.log(
      `已写入 ${entries.length} 条 / Loaded ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} into ${target.description}` +
        ` (${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged).`,
    );
  });
  return bad > 0 ? 1 : 0;
}

async function show(code: string, flags: TargetFlags): Promise<number> {
  const checked = validateCreditCode(code);
  if (!checked.ok) throw new CliError(`统一社会信用代码无效 / Invalid unified social credit code (${checked.problem}): ${code}`);
  await withTarget(flags, async (target) => {
    const entries = await new RoutingStore(target.clients.documentClient, target.tables).negativeEntries(checked.value);
    if (entries.length === 0) {
      console.log(`${checked.value} 不在负面清单上 / ${checked.value} has no negative-list entries in ${target.description}.`);
    } else {
      console.log(formatTable(ENTRY_HEADERS, entryRows(entries)));
    }
  });
  return 0;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ...TARGET_OPTIONS,
      file: { type: 'string' },
      'credit-code': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  if (extra.length > 0) throw new CliError(`多余的参数 / Unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
  switch (command) {
    case 'load':
      if (!values.file) throw new CliError('load 需要 --file / load needs --file <list.csv>');
      return load(values.file, { dryRun: values['dry-run'], strict: values.strict, target: values });
    case 'show':
      if (!values['credit-code']) throw new CliError('show 需要 --credit-code / show needs --credit-code <code>');
      return show(values['credit-code'], values);
    default:
      throw new CliError(`未知命令 / Unknown command: ${command}\n\n${USAGE}`);
  }
}

await runCli(main);
