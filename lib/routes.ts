// The API's route table and its Lambda functions, defined once. The CDK stack builds API Gateway and
// the functions from it; the local runtime serves the same routes with the same handler files.
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
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof FUNCTIONS;

export interface RouteDefinition {
  method: 'GET' | 'POST';
  /** API Gateway resource path, with {param} placeholders. */
  path: string;
  function: FunctionName;
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'POST', path: '/v1/needs', function: 'submit-need' },
  { method: 'GET', path: '/v1/needs/{needId}', function: 'need-status' },
  { method: 'GET', path: '/v1/health', function: 'health' },
  { method: 'GET', path: '/v1/openapi.json', function: 'openapi' },
];

/** Environment variable through which a function learns each table's name. */
export const TABLE_ENV: Record<TableName, string> = {
  needs: ENV.needsTable,
  counters: ENV.countersTable,
  idempotency: ENV.idempotencyTable,
};
