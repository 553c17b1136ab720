// The county task force's two lists (两张清单) on the command line, until the JWT-protected
// `GET /v1/lists/{countyCode}` lands: `npx tsx scripts/lists.ts --county 330106 --list declared|recommended [--status …]`.
// Acts on the running `npm start` by default, on AWS with --aws (see resolveTarget in local/runtime-info.ts).
//
// - declared (申报清单): every need of the county, whatever its status;
// - recommended (推荐清单): those in recommended, offered, accepted, granted, disbursed or unmatched.
// `--status` narrows either list to one status. Reads the GSI byCountyStatus (gsi1pk = COUNTY#<code>,
// gsi1sk = <submittedAt>#<needId>: a county's needs by time; it carries needId, submittedAt, status,
// sizeClass and updatedAt) with one query per list, filtered on the status column, then the
// enterprise's name and the amount of each row from the table (BatchGetItem, those two fields only):
// no contact details.
import { parseArgs } from 'node:util';
import { BatchGetCommand, QueryCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { countyChain, normalizeCountyCode } from '../shared/domain/divisions';
import { NEED_STATUSES, type NeedStatus } from '../shared/domain/need-record';
import { needKey } from '../shared/adapters/need-repository';
import { CliError, formatTable, resolveTarget, runCli, TARGET_OPTIONS } from '../local/runtime-info';

const LISTS = ['declared', 'recommended'] as const;
type ListName = (typeof LISTS)[number];

const RECOMMENDED_STATUSES: readonly NeedStatus[] = ['recommended', 'offered', 'accepted', 'granted', 'disbursed', 'unmatched'];
const COUNTY_INDEX = 'byCountyStatus';

const USAGE = `用法 / Usage: npx tsx scripts/lists.ts --county <code> --list declared|recommended [--status <status>] [--json]

  --county <code>     区县代码 / county-level division code, e.g. 330106
  --list declared     申报清单 / every need of the county
  --list recommended  推荐清单 / statuses ${RECOMMENDED_STATUSES.join(', ')}
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
function statusesFor(list: ListName, status: string | undefined): readonly NeedStatus[] | 'all' {
  if (status === undefined) return list === 'declared' ? 'all' : RECOMMENDED_STATUSES;
  if (!(NEED_STATUSES as readonly string[]).includes(status)) {
    throw new CliError(`未知状态 / Unknown status ${status}; one of: ${NEED_STATUSES.join(', ')}`);
  }
  if (list === 'recommended' && !RECOMMENDED_STATUSES.includes(status as NeedStatus)) {
    throw new CliError(`状态 ${status} 不在推荐清单上 / ${status} is not on the recommended list (${RECOMMENDED_STATUSES.join(', ')})`);
  }
  return [status as NeedStatus];
}

/** A county's needs in `statuses` (all when 'all'), oldest first: one query, the status filtered on the index's column. */
async function query(client: DynamoDBDocumentClient, table: string, county: string, statuses: readonly NeedStatus[] | 'all'): Promise<ListRow[]> {
  const rows: Omit<ListRow, 'enterpriseName' | 'amountYuan'>[] = [];
  const wanted = statuses === 'all' ? {} : Object.fromEntries(statuses.map((status, i) => [`:s${i}`, status]));
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: COUNTY_INDEX,
        KeyConditionExpression: '#pk = :pk',
        ...(statuses === 'all' ? {} : { FilterExpression: `#status IN (${Object.keys(wanted).join(', ')})` }),
        ExpressionAttributeNames: { '#pk': 'gsi1pk', '#needId': 'needId', '#submittedAt': 'submittedAt', '#status': 'status', '#size': 'sizeClass' },
        ExpressionAttributeValues: { ':pk': `COUNTY#${county}`, ...wanted },
        ProjectionExpression: '#needId, #submittedAt, #status, #size',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      rows.push({
        needId: String(item.needId),
        submittedAt: String(item.submittedAt),
        status: item.status as NeedStatus,
        sizeClass: String(item.sizeClass ?? ''),
      });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const details = await needDetails(client, table, rows.map((row) => row.needId));
  return rows.map((row) => ({ ...row, enterpriseName: details.get(row.needId)?.enterpriseName ?? '', amountYuan: details.get(row.needId)?.amountYuan ?? 0 }));
}

/** The enterprise's name and the amount of each need, 100 needs a request, unprocessed keys asked again. */
async function needDetails(client: DynamoDBDocumentClient, table: string, needIds: string[]) {
  const details = new Map<string, { enterpriseName: string; amountYuan: number }>();
  for (let i = 0; i < needIds.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = needIds.slice(i, i + 100).map(needKey);
    for (let round = 0; keys && keys.length > 0; round++) {
      if (round >= 10) throw new CliError('DynamoDB kept some reads unprocessed (throttled); try again shortly');
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** round)));
      const answer: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: keys,
              ProjectionExpression: '#needId, #enterprise.#name, #need.#amount',
              ExpressionAttributeNames: { '#needId': 'needId', '#enterprise': 'enterprise', '#name': 'name', '#need': 'need', '#amount': 'amountYuan' },
            },
          },
        }),
      );
      for (const item of answer.Responses?.[table] ?? []) {
        details.set(String(item.needId), {
          enterpriseName: String((item.enterprise as { name?: unknown } | undefined)?.name ?? ''),
          amountYuan: Number((item.need as { amountYuan?: unknown } | undefined)?.amountYuan ?? 0),
        });
      }
      keys = answer.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return details;
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
    const client = target.clients.documentClient;
    rows = await query(client, target.tables.needs, county, statuses);
  } finally {
    target.clients.destroy();
  }
  rows.sort((a, b) => (a.submittedAt < b.submittedAt ? -1 : a.submittedAt > b.submittedAt ? 1 : a.needId < b.needId ? -1 : 1));

  if (values.json) {
    console.log(JSON.stringify({ countyCode: county, list, status: values.status ?? null, needs: rows }, null, 2));
    return 0;
  }
  const chain = countyChain(county);
  const place = chain ? [chain.province.name, chain.prefecture?.name, chain.county.name].filter(Boolean).join(' ') : county;
  const title = list === 'declared' ? '申报清单 / declaration list' : '推荐清单 / recommendation list';
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
