// `npm start`: the whole system locally, with simulated banks. PORT (default 3000),
// SMEFIN_DATA_DIR (default .local/) and SMEFIN_DAY_SECONDS (default 10: one simulated day) override
// the defaults. Ctrl-C or SIGTERM stops everything, DynamoDB Local included.
import * as path from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { calendarWarning } from './calendar-check';
import { DEMO_ACCOUNTS } from './oidc-accounts';
import { DEFAULT_DAY_SECONDS } from './runtime';
import { formatTable } from './runtime-info';
import { startLocalSystem } from './system';

const port = Number(process.env.PORT ?? 3000);
const dataDir = path.resolve(process.env.SMEFIN_DATA_DIR ?? '.local');
const daySeconds = Number(process.env.SMEFIN_DAY_SECONDS ?? DEFAULT_DAY_SECONDS);

console.log(`smefin: starting (data in ${dataDir}) ...`);
const system = await startLocalSystem({
  port,
  dataDir,
  daySeconds,
  host: process.env.HOST ?? '127.0.0.1',
  log: (line) => console.log(`[bank] ${line}`),
  smsLog: (line) => console.log(`[sms] ${line}`),
});
const { runtime } = system;
console.log(`
smefin is running
  web form        ${runtime.url}/
  status page     ${runtime.url}/status.html
  lost link       ${runtime.url}/find.html (a code by SMS; see the outbox below)
  SMS outbox      ${runtime.url}/local/sms (what the emulated SMS provider received, newest first)
  regulator page  ${runtime.url}/regulator.html
  workspace       ${runtime.url}/workspace.html (county task forces and coordinators: sign in as xihu-tf, binjiang-tf or hangzhou-tf)
  OpenID Provider ${runtime.oidcIssuer} (officials sign in here; client smefin-web)
  API             ${runtime.url}/v1/
  OpenAPI         ${runtime.url}/v1/openapi.json
  health          ${runtime.url}/v1/health
  DynamoDB Local  ${runtime.dynamoDbEndpoint} (tables: ${runtime.tables.join(', ')})
  Step Functions and Secrets Manager (local)  ${runtime.awsEndpoint}
  simulated banks ${system.banks ? system.banks.url : 'off'} (one simulated day = ${daySeconds} s)

Demo officials / 演示账户 (local only; sessions are in memory: a restart signs everyone out)
${formatTable(
  ['user', 'password', 'role', 'jurisdiction', 'name'],
  DEMO_ACCOUNTS.map((account) => [account.username, account.password, account.role, account.jurisdiction, account.name]),
)
  .split('\n')
  .map((line) => `  ${line}`)
  .join('\n')}
Press Ctrl-C to stop.`);
const warning = await calendarWarning(DynamoDBDocumentClient.from(runtime.dynamodbClient), runtime.tableNames.needs);
if (warning) console.warn(`\nWarning / 警告 (holiday calendar):\n${warning}\n`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\nsmefin: ${signal}, stopping ...`);
  await system.stop();
  console.log('smefin: stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
