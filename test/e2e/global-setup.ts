// The whole local system as `npm start` runs it, simulated banks included, with a short simulated day.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalSystem } from '../../local/system';

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-e2e-'));
  const system = await startLocalSystem({ port: 0, dataDir, logLevel: 'ERROR', daySeconds: 5 });
  project.provide('baseUrl', system.runtime.url);
  project.provide('dynamoDbEndpoint', system.runtime.dynamoDbEndpoint);
  project.provide('tables', system.runtime.tables);
  project.provide('rollup', { awsEndpoint: system.runtime.awsEndpoint, rollupStateMachineArn: system.runtime.rollupStateMachineArn });
  return async () => {
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
