// `npm run rollup -- --period 2026-11 [--period 2026-11-29 …]`: runs the roll-up now, exactly as the
// 01:00 schedule does — an execution of the roll-up workflow (Plan → workers → Publish), waited for —
// on the running `npm start` (found through SMEFIN_DATA_DIR / PORT), or on AWS with
// `--aws --state-machine <RollupStateMachineArn output>` (or ROLLUP_STATE_MACHINE_ARN).
// Without --period: the scheduled periods of today.
import { parseArgs } from 'node:util';
import { SFNClient } from '@aws-sdk/client-sfn';
import { isPeriodId } from '../shared/domain/report';
import { runRollup } from '../shared/adapters/rollup-runner';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/dynamodb-local';
import { defaultDataDir, readRuntimeInfo } from '../local/runtime-info';

const { values } = parseArgs({
  options: {
    period: { type: 'string', multiple: true },
    aws: { type: 'boolean', default: false },
    region: { type: 'string' },
    'state-machine': { type: 'string' },
  },
});
const periods = values.period ?? [];
const bad = periods.filter((p) => !isPeriodId(p));
if (bad.length > 0) {
  console.error(`not a period: ${bad.join(', ')} (use YYYY-MM, YYYY-MM-DD or YYYY-MM-mtd-DD)`);
  process.exit(2);
}

let sfn: SFNClient;
let stateMachineArn: string | undefined;
if (values.aws) {
  sfn = new SFNClient({ maxAttempts: 3, ...(values.region ? { region: values.region } : {}) });
  stateMachineArn = values['state-machine'] ?? process.env.ROLLUP_STATE_MACHINE_ARN;
  if (!stateMachineArn) {
    console.error('--aws needs --state-machine <arn> (the stack output RollupStateMachineArn) or ROLLUP_STATE_MACHINE_ARN');
    process.exit(2);
  }
} else {
  const info = readRuntimeInfo(defaultDataDir());
  stateMachineArn = info?.rollupStateMachineArn;
  if (!info || !stateMachineArn) {
    console.error('cannot find the running system: start it with `npm start` (same SMEFIN_DATA_DIR), or use --aws');
    process.exit(1);
  }
  sfn = new SFNClient({ endpoint: info.awsEmulatorEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

try {
  const run = await runRollup(sfn, stateMachineArn, periods.length > 0 ? { periods } : { source: 'manual', time: new Date().toISOString() }, { pollMs: values.aws ? 5_000 : 250 });
  if (run.status !== 'SUCCEEDED') {
    console.error(`${run.executionArn}: ${run.status} ${run.error ?? ''} ${run.cause ?? ''}`.trim());
    process.exit(1);
  }
  for (const r of run.results ?? []) {
    console.log(`${r.period}: ${r.outcome} version ${r.version}, ${r.reports} reports, ${r.files} files (${(r.bytes / 2 ** 20).toFixed(1)} MiB), ${r.itemsRead} counter items read`);
  }
} finally {
  sfn.destroy();
}
