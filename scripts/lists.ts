// The county task force's two lists (两张清单) on the command line, beside `GET /v1/lists/{countyCode}`:
// `npx tsx scripts/lists.ts --county 330106 --list declared|recommended [--status …]`.
// Acts on the running `npm start` by default, on AWS with --aws (see resolveTarget in local/runtime-info.ts).
//
// The lists as shared/domain/lists.ts defines them (declared: the screened needs; recommended: those
// in recommended, offered, accepted, granted, disbursed or unmatched); `--status` narrows either list
// to one status. Reads byCountyStatus a page at a time and the listed fields of each need
// (shared/adapters/county-lists.ts): no contact details.
import { parseArgs } from 'node:util';
import { countyChain, normalizeCountyCode } from '../shared/domain/divisions';
import { LIST_STATUSES, LIST_TITLES, LISTS, sortRows, type ListName } from '../shared/domain/lists';
import { NEED_STATUSES, type NeedStatus } from '../shared/domain/need-record';
import { CountyListReader } from '../shared/adapters/county-lists';
import { CliError, formatTable, resolveTarget, runCli, TARGET_OPTIONS } from '../local/runtime-info';

const USAGE = `用法 / Usage: npx tsx scripts/lists.ts --county <code> --list declared|recommended [--status <status>] [--json]

  --county <code>     区县代码 / county-level division code, e.g. 330106
  --list declared     申报清单 / the screened needs: ${LIST_STATUSES.declared.join(', ')}
  --list recommended  推荐清单 / statuses ${LIST_STATUSES.recommended.join(', ')}
  --status <status>   只看某一状态 / one status only: ${NEED_STATUSES.join(', ')}
  --json              JSON instead of a table

Target (default: the running npm start, found through SMEFIN_DATA_DIR or .local):
  --data-dir <dir> | --aws [--region <r>] [--needs-table <name>]`;

interface ListRow {
  needId: string;
  submittedAt: string;
  status: NeedStatus;
  enterpriseName: string;
  amountYuan: number;
  sizeClass: string;
}

/** The statuses to query for a list (and an optional single status); throws when the status is not on the list. */
function statusesFor(list: ListName, status: string | undefined): readonly NeedStatus[] {
  if (status === undefined) return LIST_STATUSES[list];
  if (!(NEED_STATUSES as readonly string[]).includes(status)) {
    throw new CliError(`未知状态 / Unknown status ${status}; one of: ${NEED_STATUSES.join(', ')}`);
  }
  if (!LIST_STATUSES[list].includes(status as NeedStatus)) {
    throw new CliError(`状态 ${status} 不在${LIST_TITLES[list].zh}上 / ${status} is not on the ${list} list (${LIST_STATUSES[list].join(', ')})`);
  }
  return [status as NeedStatus];
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ...TARGET_OPTIONS,
      county: { type: 'string' },
      list: { type: 'string' },
      status: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new CliError(`多余的参数 / Unexpected arguments: ${positionals.join(' ')}\n\n${USAGE}`);
  if (!values.county || !values.list) throw new CliError(`需要 --county 和 --list / --county and --list are required\n\n${USAGE}`);
  const county = normalizeCountyCode(values.county);
  if (!county) throw new CliError(`不是区县级行政区划代码 / Not a county-level division code: ${values.county}`);
  if (!(LISTS as readonly string[]).includes(values.list)) {
    throw new CliError(`--list 应为 declared 或 recommended / --list must be declared or recommended, not ${values.list}`);
  }
  const list = values.list as ListName;
  const statuses = statusesFor(list, values.status);

  const target = resolveTarget(values);
  let rows: ListRow[];
  try {
    const needs = await new CountyListReader(target.clients.documentClient, target.tables.needs).list(county, statuses, { withContact: false });
    rows = sortRows(
      needs.map((n) => ({ needId: n.needId, submittedAt: n.submittedAt, status: n.status, enterpriseName: n.enterprise.name, amountYuan: n.need.amountYuan, sizeClass: n.sizeClass })),
    );
  } finally {
    target.clients.destroy();
  }

  if (values.json) {
    console.log(JSON.stringify({ countyCode: county, list, status: values.status ?? null, needs: rows }, null, 2));
    return 0;
  }
  const chain = countyChain(county);
  const place = chain ? [chain.province.name, chain.prefecture?.name, chain.county.name].filter(Boolean).join(' ') : county;
  const title = `${LIST_TITLES[list].zh} / ${LIST_TITLES[list].en}`;
  console.log(`${county} ${place} — ${title}${values.status ? ` (status ${values.status})` : ''} — ${target.description}\n`);
  if (rows.length === 0) {
    console.log('（无 / none）');
    return 0;
  }
  console.log(
    formatTable(
      ['needId', 'submittedAt', 'status', '企业 enterprise', 'amount (yuan)', 'size'],
      rows.map((r) => [r.needId, r.submittedAt, r.status, r.enterpriseName, r.amountYuan.toLocaleString('en-US'), r.sizeClass]),
      ['l', 'l', 'l', 'l', 'r', 'l'],
    ),
  );
  const total = rows.reduce((sum, r) => sum + r.amountYuan, 0);
  console.log(`\n${rows.length} need(s), ${total.toLocaleString('en-US')} yuan in total`);
  return 0;
}

await runCli(main);
