// The Lambda functions and the API's route table, defined once. The CDK stack builds the functions,
// API Gateway and the referral workflow from them; the local runtime serves the same routes and runs
// the same workflow with the same handler files.
import { ENV } from '../shared/domain/environment';

export type TableName = 'needs' | 'counters' | 'idempotency';
export type Access = 'read' | 'readWrite';

export interface FunctionDefinition {
  /** Entry file, relative to the project root; esbuild bundles it, the local runtime imports it. */
  entry: string;
  description: string;
  tables: Partial<Record<TableName, Access>>;
  memorySize?: number;
  timeoutSeconds?: number;
  /** Reads banks' webhook signing secrets (Secrets Manager). */
  bankSecrets?: boolean;
  /** Starts routing executions ('start') or answers their waiting tasks ('respond'). */
  workflow?: 'start' | 'respond';
  /** Access to the reports bucket. */
  reports?: 'read' | 'write';
}

export const FUNCTIONS = {
  'submit-need': {
    entry: 'functions/submit-need/index.ts',
    description: 'POST /v1/needs: validate and record a financing need',
    tables: { needs: 'readWrite', counters: 'readWrite', idempotency: 'readWrite' },
  },
  'need-status': {
    entry: 'functions/need-status/index.ts',
    description: "GET /v1/needs/{needId}: a need's status for the holder of its tracking token",
    tables: { needs: 'read' },
  },
  health: {
    entry: 'functions/health/index.ts',
    description: 'GET /v1/health: reachability of the parts',
    tables: { needs: 'read' },
  },
  openapi: {
    entry: 'functions/openapi/index.ts',
    description: 'GET /v1/openapi.json: the API contract',
    tables: {},
  },
  'bank-webhook': {
    entry: 'functions/bank-webhook/index.ts',
    description: "POST /v1/banks/{bankId}/events: a bank's signed answer to a referral",
    tables: { needs: 'readWrite', counters: 'readWrite' },
    bankSecrets: true,
    workflow: 'respond',
  },
  'start-routing': {
    entry: 'functions/start-routing/index.ts',
    description: 'Pipe target: starts the routing workflow for each new need, named by the need id',
    tables: {},
    workflow: 'start',
  },
  'routing-steps': {
    entry: 'functions/routing-steps/index.ts',
    description: 'Workflow steps: screen, pick the next bank, record a missed deadline, escalate, record a failure',
    tables: { needs: 'readWrite', counters: 'readWrite' },
    timeoutSeconds: 30,
  },
  'referral-wait': {
    entry: 'functions/referral-wait/index.ts',
    description: "Workflow callback steps: keep the task token, send the signed offer to the bank's webhook",
    tables: { needs: 'readWrite', counters: 'readWrite' },
    bankSecrets: true,
    timeoutSeconds: 60,
  },
  'rollup-coverage': {
    entry: 'functions/rollup-coverage/index.ts',
    description: 'Scheduled (01:00 CST) and on demand: roll county-day counters up to reports in S3',
    tables: { counters: 'read', needs: 'read' },
    reports: 'write',
    memorySize: 1024,
    timeoutSeconds: 900,
  },
  'report-list': {
    entry: 'functions/report-list/index.ts',
    description: "GET /v1/reports: the reports of a period within the caller's jurisdiction",
    tables: {},
    reports: 'read',
  },
  'report-download': {
    entry: 'functions/report-download/index.ts',
    description: "GET /v1/reports/{period}/{divisionCode}: a presigned link to a report in the caller's jurisdiction",
    tables: { needs: 'readWrite' },
    reports: 'read',
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof FUNCTIONS;

export interface RouteDefinition {
  method: 'GET' | 'POST';
  /** API Gateway resource path, with {param} placeholders. */
  path: string;
  function: FunctionName;
  /** Requires a regulator's JWT (Cognito user pool authorizer in AWS, the local issuer locally). */
  auth?: 'regulator';
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'POST', path: '/v1/needs', function: 'submit-need' },
  { method: 'GET', path: '/v1/needs/{needId}', function: 'need-status' },
  { method: 'GET', path: '/v1/health', function: 'health' },
  { method: 'GET', path: '/v1/openapi.json', function: 'openapi' },
  { method: 'POST', path: '/v1/banks/{bankId}/events', function: 'bank-webhook' },
  { method: 'GET', path: '/v1/reports', function: 'report-list', auth: 'regulator' },
  { method: 'GET', path: '/v1/reports/{period}/{divisionCode}', function: 'report-download', auth: 'regulator' },
];

/** Environment variable through which a function learns each table's name. */
export const TABLE_ENV: Record<TableName, string> = {
  needs: ENV.needsTable,
  counters: ENV.countersTable,
  idempotency: ENV.idempotencyTable,
};
