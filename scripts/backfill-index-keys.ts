// One-off, idempotent: gives the need items written before issue 10 the index keys the code now
// writes (docs/data-model.md, "Deploying the index changes of issue 10"):
//   gsi1sk        <submittedAt>#<needId> (byCountyStatus: no status in the key);
//   routingPhase  waiting#… / routed#… while open, none once closed (byRouting);
//   pdShard       only on a closed need that still holds personal data (byPersonalData).
// `npx tsx scripts/backfill-index-keys.ts [--dry-run]` on the running `npm start` by default, on AWS
// with --aws. Reads the needs table once (Scan, need items only) and updates only the items whose keys
// differ, each conditional on the status it read (a need that moved meanwhile got its keys from the
// routing write itself).
import { parseArgs } from 'node:util';
import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isClosed } from '../shared/domain/data-retention';
import type { NeedStatus } from '../shared/domain/need-record';
import { countyStatusKey, needKey } from '../shared/adapters/need-repository';
import { personalDataIndexKey } from '../shared/adapters/personal-data-index';
import { NEED_ITEM_TYPE, ROUTING_PHASE_ATTRIBUTE, routingPhaseKey } from '../shared/adapters/routing-phase';
import { isConditionFailure } from '../shared/adapters/routing-store';
import { CliError, resolveTarget, runCli, TARGET_OPTIONS } from '../local/runtime-info';

const USAGE = `用法 / Usage: npx tsx scripts/backfill-index-keys.ts [--dry-run]
Target (default: the running npm start, found through SMEFIN_DATA_DIR or .local):
  --data-dir <dir> | --aws [--region <r>] [--needs-table <name>]`;

interface NeedKeys {
  needId: string;
  status: NeedStatus;
  submittedAt: string;
  enterprise: { countyCode: string };
  gsi1sk?: string;
  routingPhase?: string;
  pdShard?: string;
  personalDataErasedAt?: string;
}

/** The index keys a need should carry, as the code writes them now. */
export function wantedKeys(need: NeedKeys): { gsi1sk: string; routingPhase?: string; pdShard?: string } {
  const holdsPersonalData = isClosed(need.status) && need.personalDataErasedAt === undefined;
  return {
    gsi1sk: countyStatusKey(need).gsi1sk,
    ...routingPhaseKey(need),
    ...(holdsPersonalData ? personalDataIndexKey(need.needId) : {}),
  };
}

async function backfillOne(client: DynamoDBDocumentClient, table: string, need: NeedKeys, dryRun: boolean): Promise<'updated' | 'current' | 'moved'> {
  const wanted = wantedKeys(need);
  const same = (name: 'gsi1sk' | 'routingPhase' | 'pdShard') => need[name] === wanted[name];
  if (same('gsi1sk') && same('routingPhase') && same('pdShard')) return 'current';
  if (dryRun) return 'updated';
  const sets = ['gsi1sk = :gsi', ...(wanted.routingPhase ? [`${ROUTING_PHASE_ATTRIBUTE} = :phase`] : []), ...(wanted.pdShard ? ['pdShard = :pd'] : [])];
  const removes = [...(wanted.routingPhase ? [] : [ROUTING_PHASE_ATTRIBUTE]), ...(wanted.pdShard ? [] : ['pdShard'])];
  try {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: needKey(need.needId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: '#status = :seen',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':gsi': wanted.gsi1sk,
          ':seen': need.status,
          ...(wanted.routingPhase ? { ':phase': wanted.routingPhase } : {}),
          ...(wanted.pdShard ? { ':pd': wanted.pdShard } : {}),
        },
      }),
    );
    return 'updated';
  } catch (error) {
    if (isConditionFailure(error)) return 'moved';
    throw error;
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { ...TARGET_OPTIONS, 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new CliError(`多余的参数 / Unexpected arguments: ${positionals.join(' ')}\n\n${USAGE}`);
  const target = resolveTarget(values);
  const counts = { examined: 0, updated: 0, current: 0, moved: 0 };
  try {
    const client = target.clients.documentClient;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: target.tables.needs,
          FilterExpression: 'itemType = :need',
          ProjectionExpression: 'needId, #status, submittedAt, enterprise.countyCode, gsi1sk, routingPhase, pdShard, personalDataErasedAt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':need': NEED_ITEM_TYPE },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        counts.examined++;
        counts[await backfillOne(client, target.tables.needs, item as NeedKeys, values['dry-run'])]++;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } finally {
    target.clients.destroy();
  }
  const verb = values['dry-run'] ? 'would update' : 'updated';
  console.log(
    `${counts.examined} need(s) examined in ${target.description}: ${verb} ${counts.updated}, already current ${counts.current}` +
      (counts.moved ? `, ${counts.moved} changed meanwhile (their routing write gave them the keys)` : ''),
  );
  return 0;
}

await runCli(main);
