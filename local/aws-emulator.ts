// One small AWS-compatible endpoint for the services the local runtime emulates in-process (Step
// Functions, Secrets Manager, SQS, and Lambda's Invoke). The handlers and the CLIs keep their
// unchanged AWS SDK v3 clients and reach it through AWS_ENDPOINT_URL_SFN /
// AWS_ENDPOINT_URL_SECRETS_MANAGER (or an explicit endpoint). The JSON services speak the AWS JSON
// protocol: `POST /`, the operation in `X-Amz-Target: <prefix>.<Operation>`, a JSON body, and errors
// as status 400 with `{ "__type": "<ErrorName>", "message": "..." }`, which the SDK turns into its
// typed exceptions (TaskTimedOut, InvalidToken, ResourceNotFoundException, ...). Lambda's Invoke is
// REST: `POST /2015-03-31/functions/<name>/invocations`, the payload as the body, a function error
// as `X-Amz-Function-Error: Unhandled` with `{ errorType, errorMessage }`.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { LocalSecretsManager } from './secrets-manager';
import type { LocalStepFunctions } from './step-functions';

/** An error the service returns to the client, by its AWS name (`__type`). */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** A service served by the emulator: one AWS JSON protocol target prefix. */
export interface AwsJsonService {
  /** The part of `X-Amz-Target` before the dot, e.g. `AWSStepFunctions`. */
  readonly targetPrefix: string;
  /** `application/x-amz-json-1.0` or `-1.1`, as the service's SDK client sends it. */
  readonly contentType: string;
  /** Runs one operation; throws AwsServiceError for errors the client should see. */
  handle(operation: string, input: Record<string, unknown>): Promise<unknown>;
}

/** The functions of the local runtime, by name, logical id or ARN. */
export interface LocalLambda {
  /** RequestResponse: the function's result; a throw is the function's error (AwsServiceError ResourceNotFoundException: no such function). */
  invoke(functionName: string, payload: unknown): Promise<unknown>;
  /** Event: queued, retried and dead-lettered as the function's asynchronous settings say. */
  invokeAsync(functionName: string, payload: unknown): void;
}

export interface AwsEmulatorOptions {
  stepFunctions: LocalStepFunctions;
  secrets: LocalSecretsManager;
  /** More AWS JSON services on the same endpoint (the local SQS). */
  services?: AwsJsonService[];
  /** Lambda's Invoke for the functions of the local runtime (the redrive command re-invokes with it). */
  lambda?: LocalLambda;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Called with one line per failed request (4xx and 5xx); the emulator logs nothing otherwise. */
  log?: (line: string) => void;
}

export interface RunningAwsEmulator {
  /** `http://127.0.0.1:<port>`: the value for AWS_ENDPOINT_URL_SFN and AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  endpoint: string;
  /** Closes the server. The services are the caller's: stop them separately (LocalStepFunctions.stop()). */
  stop(): Promise<void>;
}

/** Larger than any request either service accepts (256 KiB inputs, 64 KiB secrets). */
const MAX_BODY_BYTES = 1024 * 1024;

export async function startAwsEmulator(options: AwsEmulatorOptions): Promise<RunningAwsEmulator> {
  const services = new Map<string, AwsJsonService>(
    [options.stepFunctions, options.secrets, ...(options.services ?? [])].map((service) => [service.targetPrefix, service]),
  );
  const server = http.createServer((req, res) => {
    const invocation = /^\/2015-03-31\/functions\/([^/]+)\/invocations(\?.*)?$/.exec(req.url ?? '');
    if (invocation && options.lambda) void invokeFunction(options.lambda, decodeURIComponent(invocation[1]!), req, res, options.log);
    else void serve(services, req, res, options.log);
  });
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve((server.address() as { port: number }).port));
  });
  return {
    endpoint: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(
  services: Map<string, AwsJsonService>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  log: ((line: string) => void) | undefined,
): Promise<void> {
  const requestId = randomUUID();
  const target = String(req.headers['x-amz-target'] ?? '');
  const dot = target.indexOf('.');
  const service = dot > 0 ? services.get(target.slice(0, dot)) : undefined;
  const operation = target.slice(dot + 1);
  const contentType = service?.contentType ?? 'application/x-amz-json-1.0';
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body ?? {});
    res.writeHead(status, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': requestId,
    });
    res.end(text);
  };
  try {
    const body = await readBody(req);
    if (req.method !== 'POST') throw new AwsServiceError('UnknownOperationException', `${req.method} is not supported`);
    if (!service || !operation) {
      throw new AwsServiceError('UnknownOperationException', `Unknown X-Amz-Target: ${target || '(none)'}`);
    }
    let input: unknown = {};
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        throw new AwsServiceError('SerializationException', 'The request body is not valid JSON');
      }
    }
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      throw new AwsServiceError('SerializationException', 'The request body must be a JSON object');
    }
    send(200, await service.handle(operation, input as Record<string, unknown>));
  } catch (error) {
    const known = error instanceof AwsServiceError;
    const status = known ? error.statusCode : 500;
    const type = known ? error.type : 'InternalFailure';
    const message = error instanceof Error ? error.message : String(error);
    log?.(`aws-emulator: ${target || '(no target)'} → ${status} ${type}: ${message}`);
    if (!res.headersSent) send(status, { __type: type, message });
  }
}

/** Lambda Invoke (RequestResponse, or Event: run without waiting); the payload comes back as the body. */
async function invokeFunction(
  lambda: LocalLambda,
  functionName: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  log: ((line: string) => void) | undefined,
): Promise<void> {
  const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID(), ...headers });
    res.end(text);
  };
  let payload: unknown;
  try {
    const body = await readBody(req);
    payload = body.length > 0 ? (JSON.parse(body.toString('utf8')) as unknown) : {};
  } catch {
    send(400, { Type: 'User', message: 'Could not parse request body into json' }, { 'x-amzn-ErrorType': 'InvalidRequestContentException' });
    return;
  }
  try {
    if (req.headers['x-amz-invocation-type'] === 'Event') {
      lambda.invokeAsync(functionName, payload);
      send(202, undefined);
      return;
    }
    send(200, (await lambda.invoke(functionName, payload)) ?? null, { 'X-Amz-Executed-Version': '$LATEST' });
  } catch (error) {
    const unknownFunction = error instanceof AwsServiceError && error.type === 'ResourceNotFoundException';
    if (unknownFunction) {
      send(404, { Type: 'User', Message: error.message }, { 'x-amzn-ErrorType': 'ResourceNotFoundException' });
      return;
    }
    log?.(`aws-emulator: ${functionName} failed: ${String(error)}`);
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    send(200, { errorType: name, errorMessage: message }, { 'X-Amz-Function-Error': 'Unhandled', 'X-Amz-Executed-Version': '$LATEST' });
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(new AwsServiceError('SerializationException', `Request body larger than ${MAX_BODY_BYTES} bytes`, 413));
      } else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}
