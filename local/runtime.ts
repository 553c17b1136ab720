// The whole system on one machine, from the same definitions as in AWS: DynamoDB Local with the
// stack's tables; the API's handlers behind an API Gateway emulator; the synthesized routing state
// machine on a Step Functions-compatible endpoint (with Secrets Manager for the banks' signing
// secrets); the pipe from the needs stream; the web pages; and, for `npm start`, simulated banks.
// What the pipe and the scheduled (asynchronous) invocations give up on lands in the template's
// dead-letter queues on a local SQS (local/sqs.ts), as in AWS.
import type { Server } from 'node:http';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Context } from 'aws-lambda';
import { FUNCTIONS, ROUTES, type FunctionName } from '../lib/routes';
import { PROJECT_ROOT } from '../lib/lambda-defaults';
import { contentSecurityPolicy } from '../lib/web';
import { functionNameOf } from '../shared/domain/dead-letters';
import { ENV } from '../shared/domain/environment';
import { buildWebSync } from '../web/build';
import { createApiServer, lambdaContext, type LambdaHandler, type LocalRoute } from './api-gateway';
import { AwsServiceError, startAwsEmulator } from './aws-emulator';
import { asyncInvokeConfigs, invokeAsynchronously, referencedLogicalId, streamBatchDeadLetter } from './dead-letters';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from './dynamodb-local';
import { LocalSecretsManager } from './secrets-manager';
import { LocalStepFunctions } from './step-functions';
import { issuerFor, loadOrCreateKeys, mintToken, WEB_CLIENT_ID, type MintClaims } from './jwt-issuer';
import { authorizerSettings, gatewayAuthorizer, type AuthorizerHandler } from './gateway-authorizer';
import { createOidcProvider } from './oidc-provider';
import { localBucketName, startS3Local } from './s3-local';
import { LocalSmsOutbox } from './sms-outbox';
import { LocalSqs } from './sqs';
import { deliverToStateMachine, scheduledEvent, schedulesFromTemplate, startSchedules } from './schedules';
import { startStreamPollers, type StreamPoller } from './stream-poller';
import { createTables } from './tables';
import { functionEnvironment, LOCAL_CDK_OUT, synthesizeLocal } from './synth';

export const LOCAL_ACCOUNT = '000000000000';
/** One simulated day lasts this many seconds by default (SMEFIN_DAY_SECONDS overrides). */
export const DEFAULT_DAY_SECONDS = 10;

export interface LocalRuntimeOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /** Handler log level (Powertools); tests keep it at ERROR. */
  logLevel?: string;
  host?: string;
  /** Seconds a simulated day lasts: deadlines of working days pass this much faster. */
  daySeconds?: number;
  /** Pause before Step Functions retries (ms) instead of the definition's intervals. */
  retryIntervalMs?: number;
  /** Replaces a function's handler (tests of failure paths): called with the real handler. */
  wrapHandler?: (name: FunctionName, handler: AnyHandler) => AnyHandler;
  /** Where the emulated SMS provider prints what it is given (numbers masked); default: nowhere (npm start prints). */
  smsLog?: (line: string) => void;
  /** Fire the template's schedules on their cron (default true). */
  schedules?: boolean;
  /**
   * Once started, restart the routing of needs whose workflow this process does not know (lost
   * when the previous run stopped): the routing sweeper's `lost` sweep. Default true; the local
   * system (local/system.ts) runs it itself once the simulated banks listen.
   */
  resumeLostWorkflows?: boolean;
}

export type AnyHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalRuntime {
  url: string;
  port: number;
  dynamoDbEndpoint: string;
  dynamodbClient: DynamoDBClient;
  awsEndpoint: string;
  tables: string[];
  tableNames: { needs: string; counters: string; idempotency: string };
  bankSecretPrefix: string;
  bankSecretsFile: string;
  stepFunctions: LocalStepFunctions;
  secrets: LocalSecretsManager;
  streams: StreamPoller;
  /** The dead-letter queues (served on `awsEndpoint`). */
  sqs: LocalSqs;
  /** The routing state machine's ARN (what ROUTING_STATE_MACHINE_ARN holds). */
  stateMachineArn: string;
  /** The roll-up workflow's ARN (the stack's RollupStateMachineArn output). */
  rollupStateMachineArn: string;
  s3Endpoint: string;
  /** The local OpenID Provider's issuer, `<url>/oidc` (what OIDC_ISSUER holds). */
  oidcIssuer: string;
  /** What the emulated SMS provider was given (also at `<url>/local/sms`). */
  smsOutbox: LocalSmsOutbox;
  /** Test-only: an ID token as the local OpenID Provider issues it, without a sign-in (`npm run token`). */
  mintToken(claims: MintClaims): Promise<string>;
  /** Invokes a function the way AWS would (event, context). */
  invoke(name: FunctionName, event: unknown): Promise<unknown>;
  /**
   * Invokes a function asynchronously, as EventBridge schedules do: retried as its
   * EventInvokeConfig says, then the invocation record to its on-failure queue.
   */
  invokeAsync(name: FunctionName, event: unknown): Promise<'succeeded' | 'dead-lettered' | 'dropped'>;
  /** The routing sweeper's `lost` sweep: restarts routing for open needs without a known execution. */
  resumeLostWorkflows(): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = path.resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const synthesis = synthesizeLocal(LOCAL_CDK_OUT(dataDir));
  const { template } = synthesis;
  const dynamodb = await startDynamoDbLocal(dataDir);
  const stoppers: (() => Promise<void>)[] = [() => dynamodb.stop()];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  };
  try {
    const tables = await createTables(dynamodb.client, template);
    const s3 = await startS3Local(dataDir, template);
    stoppers.push(() => s3.stop());
    let keys = await loadOrCreateKeys(dataDir);
    // Set once the port (and so the issuer, `<url>/oidc`) is known.
    let issuer = '';
    const config = { contentType: 'application/json', body: JSON.stringify({ apiBaseUrl: '' }) };

    // The server must listen before the handlers load: their environment includes the web origin.
    const webDir = path.join(dataDir, 'web');
    buildWebSync(webDir);
    const api = createApiServer({
      webDir,
      webFiles: {
        'config.json': config,
      },
      // The template's Lambda authorizer, run by the real handler (loaded below) as API Gateway runs it.
      authorizer: gatewayAuthorizer({
        settings: authorizerSettings(template),
        handler: () => handlers.get('authorizer') as AuthorizerHandler,
        context: (requestId) =>
          lambdaContext('authorizer', requestId, Number(template.Resources[synthesis.functionIds.authorizer]?.Properties?.Timeout ?? 3)),
      }),
      control: async (method, controlPath, body) => {
        // Test-only: a regulator's ID token as the local OpenID Provider issues it (AWS has no /_local/).
        const demo = /^\/_local\/demo-token\/(\d{6})$/.exec(controlPath);
        if (method === 'POST' && demo) return { status: 200, body: { token: await mintToken(keys, issuer, { jurisdiction: demo[1]! }) } };
        const match = /^\/_local\/functions\/([\w-]+)\/invoke$/.exec(controlPath);
        if (method !== 'POST' || !match || !(match[1]! in FUNCTIONS)) return undefined;
        const payload = body.length > 0 ? (JSON.parse(body.toString('utf8')) as unknown) : {};
        return { status: 200, body: await invoke(match[1] as FunctionName, payload) };
      },
      webHeaders: {
        // The pages PUT import files to the S3 emulator's origin, as to the bucket's in AWS (lib/imports.ts).
        'Content-Security-Policy': contentSecurityPolicy(s3.endpoint),
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        'Referrer-Policy': 'no-referrer',
      },
    });
    const server: Server = api.server;
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => resolve((server.address() as { port: number }).port));
    });
    stoppers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;

    // The officials' OpenID Provider on the same port, under /oidc; the pages learn it from config.json.
    issuer = issuerFor(url);
    keys = await loadOrCreateKeys(dataDir, issuer);
    const webOrigins = [...new Set([url, `http://localhost:${port}`, `http://127.0.0.1:${port}`])];
    api.setOidc(createOidcProvider({ issuer, keys, webOrigins }).handle);
    // The emulated SMS provider the functions' http adapter sends to, and its outbox page.
    const smsOutbox = LocalSmsOutbox.inDataDir(dataDir, options.smsLog ?? (() => undefined));
    api.setLocalPages((req, res, pathname) => smsOutbox.handle(req, res, pathname));
    config.body = JSON.stringify({ apiBaseUrl: '', oidcIssuer: issuer, oidcClientId: WEB_CLIENT_ID });

    // Handlers by function name and by the logical id the template gives them.
    const handlers = new Map<FunctionName, AnyHandler>();
    const nameByLogicalId = new Map<string, FunctionName>(
      (Object.keys(FUNCTIONS) as FunctionName[]).map((name) => [synthesis.functionIds[name], name]),
    );
    const invoke = async (name: FunctionName, event: unknown) => {
      const handler = handlers.get(name);
      if (!handler) throw new Error(`function ${name} is not loaded`);
      return handler(event, lambdaContext(name, `local-${Date.now()}`, 60));
    };
    const functionArn = (name: FunctionName) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${synthesis.functionIds[name]}`;
    /** A function by its name in the route table, its logical id, or an ARN ending in either. */
    const functionNamed = (nameOrArn: string): FunctionName => {
      const name = functionNameOf(nameOrArn);
      const found = name in FUNCTIONS ? (name as FunctionName) : nameByLogicalId.get(name);
      if (!found) throw new AwsServiceError('ResourceNotFoundException', `Function not found: ${nameOrArn}`, 404);
      return found;
    };
    const asyncConfigs = asyncInvokeConfigs(template);
    const invokeAsync = (name: FunctionName, event: unknown) =>
      invokeAsynchronously({
        functionArn: functionArn(name),
        event,
        config: asyncConfigs.get(synthesis.functionIds[name]),
        run: () => invoke(name, event),
        deadLetter: (queue, body) => sqs.send(queue, body),
        retryIntervalMs: options.retryIntervalMs ?? 1000,
        onDropped: (error) => console.error(`asynchronous invocation of ${name} failed and has no dead-letter queue`, error),
      });

    const stepFunctions = new LocalStepFunctions({
      template,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
      invokeLambda: async (logicalId, payload) => {
        const name = nameByLogicalId.get(logicalId);
        if (!name) throw new Error(`no local handler for ${logicalId}`);
        return invoke(name, payload);
      },
    });
    stoppers.push(() => stepFunctions.stop());
    const bankSecretsFile = path.join(dataDir, 'bank-secrets.json');
    const secrets = new LocalSecretsManager({ file: bankSecretsFile, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT });
    const sqs = new LocalSqs({ template, file: path.join(dataDir, 'sqs.json'), region: LOCAL_REGION, accountId: LOCAL_ACCOUNT });
    const aws = await startAwsEmulator({
      stepFunctions,
      secrets,
      services: [sqs],
      lambda: {
        invoke: (name, payload) => invoke(functionNamed(name), payload),
        invokeAsync: (name, payload) => void invokeAsync(functionNamed(name), payload),
      },
    });
    sqs.endpoint = aws.endpoint;
    stoppers.push(() => aws.stop());

    // The same settings a function gets in AWS, with local endpoints: one process, so the union of
    // all functions' variables (they agree where they overlap) goes into process.env.
    const daySeconds = options.daySeconds ?? Number(process.env.SMEFIN_DAY_SECONDS ?? DEFAULT_DAY_SECONDS);
    const overrides = {
      [ENV.webOrigin]: url,
      [ENV.allowedOrigin]: url,
      [ENV.timeScale]: String(86_400 / daySeconds),
      [ENV.oidcIssuer]: issuer,
      [ENV.oidcAudience]: WEB_CLIENT_ID,
      // Text messages go to the emulated provider (/local/sms-provider), as to a Chinese provider in aws-cn.
      [ENV.smsProvider]: 'http',
    };
    const refValue = (logicalId: string, resource: { Type: string }) =>
      resource.Type === 'AWS::StepFunctions::StateMachine'
        ? stepFunctions.stateMachineArn(logicalId)
        : resource.Type === 'AWS::S3::Bucket'
          ? localBucketName(logicalId)
          : logicalId;
    const merged: Record<string, string> = {};
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const environment = functionEnvironment(template, synthesis.functionIds[name], overrides, refValue);
      for (const [key, value] of Object.entries(environment)) {
        if (merged[key] !== undefined && merged[key] !== value) {
          throw new Error(`functions disagree on ${key}; the local runtime runs them in one process`);
        }
        merged[key] = value;
      }
    }
    delete merged.NODE_OPTIONS;
    Object.assign(process.env, merged, {
      AWS_REGION: LOCAL_REGION,
      // The local OpenID Provider, whether or not a function of the template reads these.
      [ENV.oidcIssuer]: issuer,
      [ENV.oidcAudience]: WEB_CLIENT_ID,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SFN: aws.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: aws.endpoint,
      [ENV.smsEndpoint]: `${url}/local/sms-provider`,
      [ENV.smsSignName]: '小微融资（本地）',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      [ENV.s3ForcePathStyle]: 'true',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      // Local-only observability settings: no X-Ray daemon, metrics not flushed to stdout.
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...(options.logLevel ? { POWERTOOLS_LOG_LEVEL: options.logLevel } : {}),
    });

    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const module = (await import(pathToFileURL(path.join(PROJECT_ROOT, FUNCTIONS[name].entry)).href)) as {
        handler: AnyHandler;
      };
      handlers.set(name, options.wrapHandler ? options.wrapHandler(name, module.handler) : module.handler);
    }
    const routes: LocalRoute[] = ROUTES.map((definition) => ({
      definition,
      functionName: definition.function,
      handler: handlers.get(definition.function)! as unknown as LambdaHandler,
      timeoutSeconds: Number(template.Resources[synthesis.functionIds[definition.function]]?.Properties?.Timeout ?? 3),
    }));
    api.setRoutes(routes);
    // S3's event notifications of the template (Custom::S3BucketNotifications) to their functions,
    // invoked asynchronously as S3 invokes them; CORS rules naming the web origin allow the local pages'.
    s3.setNotifier((logicalId, event) => {
      const name = nameByLogicalId.get(logicalId);
      if (name) void invokeAsync(name, event);
      else console.error(`S3 notification target ${logicalId} has no local handler`);
    });
    s3.setWebOrigins(webOrigins);

    // EventBridge Pipes: the needs stream → start-routing.
    const streamsClient = new DynamoDBStreamsClient({
      endpoint: dynamodb.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const streams = startStreamPollers({
      template,
      dynamodb: dynamodb.client,
      streams: streamsClient,
      checkpointFile: path.join(dataDir, 'stream-checkpoints.json'),
      deliver: async (logicalId, records) => {
        const name = nameByLogicalId.get(logicalId);
        if (!name) throw new Error(`pipe target ${logicalId} has no local handler`);
        await invoke(name, records);
      },
      deadLetter: ({ pipe, streamArn, shardId, records }) => {
        if (!pipe.deadLetterQueue) return;
        const pipeArn = `arn:aws:pipes:${LOCAL_REGION}:${LOCAL_ACCOUNT}:pipe/${pipe.name}`;
        sqs.send(pipe.deadLetterQueue, streamBatchDeadLetter({ pipeArn, condition: 'RetryAttemptsExhausted', streamArn, shardId, records, now: new Date() }));
      },
      ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
      onError: (error) => console.error('local pipe error', error),
    });
    stoppers.push(async () => {
      await streams.stop();
      streamsClient.destroy();
    });

    if (options.schedules ?? true) {
      const schedules = startSchedules(schedulesFromTemplate(template), async (schedule, at) => {
        const event = scheduledEvent(at, LOCAL_REGION, LOCAL_ACCOUNT, `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${schedule.rule}`);
        if (schedule.target.kind === 'stateMachine') {
          const stateMachineArn = stepFunctions.stateMachineArn(schedule.target.logicalId);
          await deliverToStateMachine(schedule, event, {
            start: (input) => stepFunctions.handle('StartExecution', { stateMachineArn, input: JSON.stringify(input) }),
            deadLetter: (queue, body, attributes) => sqs.send(queue, body, attributes),
            targetArn: stateMachineArn,
            retryIntervalMs: options.retryIntervalMs ?? 1000,
          });
          return;
        }
        const name = nameByLogicalId.get(schedule.target.logicalId);
        // EventBridge invokes asynchronously: retries, then the function's dead-letter queue.
        if (name) await invokeAsync(name, schedule.input(event));
      });
      stoppers.push(async () => schedules.stop());
    }

    const resumeLostWorkflows = () => invoke('routing-sweeper', { mode: 'lost' });
    if (options.resumeLostWorkflows ?? true) await resumeLostWorkflows().catch((error: unknown) => console.error('resuming lost workflows failed', error));

    const needsTable = tables.find((t) => t.startsWith('DataNeeds'))!;
    return {
      url,
      port,
      dynamoDbEndpoint: dynamodb.endpoint,
      dynamodbClient: dynamodb.client,
      awsEndpoint: aws.endpoint,
      tables,
      tableNames: {
        needs: needsTable,
        counters: tables.find((t) => t.startsWith('DataCounters'))!,
        idempotency: tables.find((t) => t.startsWith('DataIdempotency'))!,
      },
      bankSecretPrefix: merged[ENV.bankSecretPrefix] ?? '',
      bankSecretsFile,
      stepFunctions,
      secrets,
      streams,
      sqs,
      stateMachineArn: merged[ENV.stateMachineArn]!,
      rollupStateMachineArn: stepFunctions.stateMachineArn(referencedLogicalId(template.Outputs?.RollupStateMachineArn?.Value)!),
      s3Endpoint: s3.endpoint,
      oidcIssuer: issuer,
      smsOutbox,
      mintToken: (claims) => mintToken(keys, issuer, claims),
      invoke,
      invokeAsync,
      resumeLostWorkflows,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
