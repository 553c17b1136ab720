// Starts the real local system once for the integration suite: DynamoDB Local with the synthesized
// tables, the API Gateway emulator and the same handlers as in AWS, on a free port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalRuntime } from '../../local/runtime';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dynamoDbEndpoint: string;
    tables: string[];
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'smefin-it-'));
  const runtime = await startLocalRuntime({ port: 0, dataDir, logLevel: 'ERROR' });
  project.provide('baseUrl', runtime.url);
  project.provide('dynamoDbEndpoint', runtime.dynamoDbEndpoint);
  project.provide('tables', runtime.tables);
  return async () => {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
