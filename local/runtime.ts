// The whole system on one machine: DynamoDB Local with the stack's tables, the API's handlers behind
// an API Gateway emulator, and the web pages, all from the same definitions as in AWS.
import type { Server } from 'node:http';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTIONS, ROUTES, type FunctionName } from '../lib/routes';
import { PROJECT_ROOT } from '../lib/lambda-defaults';
import { contentSecurityPolicy } from '../lib/web';
import { ENV } from '../shared/domain/environment';
import { buildWebSync } from '../web/build';
import { createApiServer, type LambdaHandler, type LocalRoute } from './api-gateway';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from './dynamodb-local';
import { createTables } from './tables';
import { functionEnvironment, LOCAL_CDK_OUT, synthesizeLocal } from './synth';

export interface LocalRuntimeOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /** Handler log level (Powertools); tests keep it at ERROR. */
  logLevel?: string;
  host?: string;
}

export interface LocalRuntime {
  url: string;
  port: number;
  dynamoDbEndpoint: string;
  tables: string[];
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = path.resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const synthesis = synthesizeLocal(LOCAL_CDK_OUT(dataDir));
  const dynamodb = await startDynamoDbLocal(dataDir);
  let server: Server | undefined;
  try {
    const tables = await createTables(dynamodb.client, synthesis.template);

    // The server must listen before the handlers load: their environment includes the web origin.
    const webDir = path.join(dataDir, 'web');
    buildWebSync(webDir);
    const api = createApiServer({
      webDir,
      webFiles: { 'config.json': { contentType: 'application/json', body: JSON.stringify({ apiBaseUrl: '' }) } },
      webHeaders: {
        'Content-Security-Policy': contentSecurityPolicy(),
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        'Referrer-Policy': 'no-referrer',
      },
    });
    server = api.server;
    const port = await new Promise<number>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.port, host, () => resolve((server!.address() as { port: number }).port));
    });
    const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;

    // The same settings a function gets in AWS, with local endpoints: one process, so the union of
    // all functions' variables (they agree where they overlap) goes into process.env.
    const overrides = { [ENV.webOrigin]: url, [ENV.allowedOrigin]: url };
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    });
    const merged: Record<string, string> = {};
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const environment = functionEnvironment(synthesis.template, synthesis.functionIds[name], overrides);
      for (const [key, value] of Object.entries(environment)) {
        if (merged[key] !== undefined && merged[key] !== value) {
          throw new Error(`functions disagree on ${key}; the local runtime runs them in one process`);
        }
        merged[key] = value;
      }
    }
    delete merged.NODE_OPTIONS;
    Object.assign(process.env, merged);
    // Local-only observability settings: no X-Ray daemon, metrics not flushed to stdout.
    process.env.POWERTOOLS_TRACE_ENABLED = 'false';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    if (options.logLevel) process.env.POWERTOOLS_LOG_LEVEL = options.logLevel;

    const handlers = new Map<FunctionName, LambdaHandler>();
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const module = (await import(pathToFileURL(path.join(PROJECT_ROOT, FUNCTIONS[name].entry)).href)) as {
        handler: LambdaHandler;
      };
      handlers.set(name, module.handler);
    }
    const routes: LocalRoute[] = [];
    for (const definition of ROUTES) {
      const logicalId = synthesis.functionIds[definition.function];
      routes.push({
        definition,
        functionName: definition.function,
        handler: handlers.get(definition.function)!,
        timeoutSeconds: Number(synthesis.template.Resources[logicalId]?.Properties?.Timeout ?? 3),
      });
    }

    api.setRoutes(routes);
    const runningServer = server;
    return {
      url,
      port,
      dynamoDbEndpoint: dynamodb.endpoint,
      tables,
      stop: async () => {
        await new Promise<void>((resolve) => {
          runningServer.close(() => resolve());
          runningServer.closeAllConnections();
        });
        await dynamodb.stop();
      },
    };
  } catch (error) {
    server?.close();
    await dynamodb.stop();
    throw error;
  }
}
