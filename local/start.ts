// `npm start`: the whole system locally. PORT (default 3000) and SMEFIN_DATA_DIR (default .local/)
// override the defaults. Ctrl-C or SIGTERM stops everything, DynamoDB Local included.
import * as path from 'node:path';
import { startLocalRuntime } from './runtime';

const port = Number(process.env.PORT ?? 3000);
const dataDir = path.resolve(process.env.SMEFIN_DATA_DIR ?? '.local');

console.log(`smefin: starting (data in ${dataDir}) ...`);
const runtime = await startLocalRuntime({ port, dataDir, host: process.env.HOST ?? '127.0.0.1' });
console.log(`
smefin is running
  web form        ${runtime.url}/
  status page     ${runtime.url}/status.html
  API             ${runtime.url}/v1/
  OpenAPI         ${runtime.url}/v1/openapi.json
  health          ${runtime.url}/v1/health
  DynamoDB Local  ${runtime.dynamoDbEndpoint} (tables: ${runtime.tables.join(', ')})
Press Ctrl-C to stop.`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\nsmefin: ${signal}, stopping ...`);
  await runtime.stop();
  console.log('smefin: stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
