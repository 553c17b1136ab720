// The Lambda functions and the API's route table, defined once. The CDK stack builds the functions,
// API Gateway and the referral workflow from them; the local runtime serves the same routes and runs
// the same workflow with the same handler files.
import { ENV } from '../shared/domain/environment';
import type { ReportArea } from '../shared/domain/report-publication';

export type TableName = 'needs' | 'counters' | 'idempotency' | 'audit';
/**
 * `read`: get and query; `readWrite`: and put, update, delete; `append`: PutItem only, with no
 * return values (the audit log: a writer adds records and can read none back).
 */
export type Access = 'read' | 'readWrite' | 'append';

export interface FunctionDefinition {
  /** Entry file, relative to the project root; esbuild bundles it, the local runtime imports it. */
  entry: string;
  description: string;
  tables: Partial<Record<TableName, Access>>;
  /**
   * Least privilege within a table: the only partition keys the function may touch (IAM
   * `dynamodb:LeadingKeys`; a trailing `*` matches any rest). On a secondary index they are values
   * of the index's partition key. A table without an entry is granted whole.
   */
  leadingKeys?: Partial<Record<TableName, readonly string[]>>;
  /**
   * Partition keys the function may only read (get and query), beside its grant on the table: what
   * it reads of a table it writes elsewhere in (submit-need reads the bank registry).
   */
  readOnlyKeys?: Partial<Record<TableName, readonly string[]>>;
  /** Secondary indexes the function queries, on a table narrowed by `leadingKeys` (none otherwise). */
  indexes?: Partial<Record<TableName, readonly string[]>>;
  memorySize?: number;
  timeoutSeconds?: number;
  /** Reads banks' webhook signing secrets (Secrets Manager). */
  bankSecrets?: boolean;
  /** Starts routing executions ('start') or answers their waiting tasks ('respond'). */
  workflow?: 'start' | 'respond';
  /**
   * Access to the reports bucket, by area (shared/domain/report-publication.ts REPORT_AREAS): objects
   * it may get and put; `list` for s3:ListBucket, without which S3 answers a missing key with 403
   * instead of 404 (the readers ask for manifests of periods not published yet).
   */
  reports?: { get?: readonly ReportArea[]; put?: readonly ReportArea[]; list?: boolean };
  /** Gets the stage's personal-data retention setting. */
  dataRetention?: boolean;
  /**
   * Text messages: `send` is the function that talks to the stage's SMS provider (invoked
   * asynchronously, with retries and a dead-letter queue); `hand-off` may invoke it.
   */
  sms?: 'send' | 'hand-off';
}

export const FUNCTIONS = {
  'submit-need': {
    entry: 'functions/submit-need/index.ts',
    description: 'POST /v1/needs: validate and record a financing need',
    tables: { needs: 'readWrite', counters: 'readWrite', idempotency: 'readWrite' },
    // The need, its open-need claim and the record of the Idempotency-Key that created it.
    leadingKeys: { needs: ['NEED#*', 'CREDITCODE#*', 'SUBMISSION#*'] },
    // The banks serving the county, which the consent names (read only).
    readOnlyKeys: { needs: ['BANKS'] },
  },
  'need-status': {
    entry: 'functions/need-status/index.ts',
    description: "GET /v1/needs/{needId}: a need's status for the holder of its tracking token",
    tables: { needs: 'read' },
    // The need, its latest referral (the bank that has it: name, deadlines, terms), its county's task-force contact.
    leadingKeys: { needs: ['NEED#*', 'REFERRAL#*', 'TASKFORCE'] },
  },
  'change-need': {
    entry: 'functions/change-need/index.ts',
    description: 'POST /v1/needs/{needId}/amendments and /withdrawal: the owner amends the need (routed again) or withdraws it and the consent',
    tables: { needs: 'readWrite', audit: 'append' },
    // The need, its referrals, its open-need claim, the bank's load; the withdrawal's audit record.
    leadingKeys: { needs: ['NEED#*', 'REFERRAL#*', 'CREDITCODE#*', 'BANKS'], audit: ['NEED#*'] },
    // Starts a new routing round after an amendment, and ends a wait the change overtakes.
    workflow: 'respond',
  },
  'county-banks': {
    entry: 'functions/county-banks/index.ts',
    description: 'GET /v1/counties/{countyCode}/banks: the banks serving a county, names only (the consent names them)',
    tables: { needs: 'read' },
    // The bank registry and nothing else.
    leadingKeys: { needs: ['BANKS'] },
  },
  health: {
    entry: 'functions/health/index.ts',
    description: 'GET /v1/health: reachability of the parts',
    tables: { needs: 'read' },
    // The ping reads one key that holds nothing: the function can read no need.
    leadingKeys: { needs: ['NEED#health-check'] },
  },
  openapi: {
    entry: 'functions/openapi/index.ts',
    description: 'GET /v1/openapi.json: the API contract',
    tables: {},
  },
  'bank-webhook': {
    entry: 'functions/bank-webhook/index.ts',
    description: "POST /v1/banks/{bankId}/events: a bank's signed answer to a referral",
    tables: { needs: 'readWrite', counters: 'readWrite', idempotency: 'readWrite', audit: 'append' },
    // Disclosures of contact details to a bank that accepted: appended to the need's audit partition.
    leadingKeys: { audit: ['NEED#*'] },
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
  // The roll-up workflow (lib/rollup-workflow.ts), scheduled at 01:00 CST and started on demand.
  // 1,769 MB is one full vCPU; timeouts are three times the national month's projection or more
  // (bench/national-rollup.bench.ts), so no invocation gets near its limit.
  'rollup-plan': {
    entry: 'functions/rollup-plan/index.ts',
    description: 'Roll-up workflow, Plan: read the counters once, roll up, decide the public edition, stage the batches',
    tables: { counters: 'read', needs: 'read' },
    // Bank names for the reports: the bank registry, no need; the holiday arrangements (calendar coverage metric).
    leadingKeys: { needs: ['BANKS', 'CALENDAR'] },
    reports: { put: ['staging'] },
    memorySize: 1769,
    timeoutSeconds: 600,
  },
  'rollup-worker': {
    entry: 'functions/rollup-worker/index.ts',
    description: 'Roll-up workflow, Map: render one staged batch of reports and write its files under the version',
    tables: {},
    reports: { get: ['staging'], put: ['reports', 'publicReports'] },
    memorySize: 1769,
    timeoutSeconds: 300,
  },
  'rollup-publish': {
    entry: 'functions/rollup-publish/index.ts',
    description: "Roll-up workflow, Publish: make each period's new version current (its manifest, written last)",
    tables: {},
    reports: { get: ['staging', 'manifests'], put: ['manifests'], list: true },
    timeoutSeconds: 60,
  },
  'routing-sweeper': {
    entry: 'functions/routing-sweeper/index.ts',
    description: 'Scheduled (every 10 minutes): starts the routing workflow of needs whose workflow never started',
    tables: { needs: 'read' },
    // Queries the byRouting index (partition key itemType) for needs, and reads nothing else.
    leadingKeys: { needs: ['need'] },
    indexes: { needs: ['byRouting'] },
    workflow: 'start',
    timeoutSeconds: 60,
  },
  'report-list': {
    entry: 'functions/report-list/index.ts',
    description: "GET /v1/reports: the reports of a period within the caller's jurisdiction",
    tables: {},
    reports: { get: ['manifests'], list: true },
  },
  'report-download': {
    entry: 'functions/report-download/index.ts',
    description: "GET /v1/reports/{period}/{divisionCode}: a presigned link to a report in the caller's jurisdiction",
    // Appends a download record; reads no table.
    tables: { audit: 'append' },
    leadingKeys: { audit: ['REPORT_DOWNLOADS#*'] },
    // The manifest, and the files its presigned links point to.
    reports: { get: ['manifests', 'reports', 'publicReports'], list: true },
  },
  'status-links': {
    entry: 'functions/status-links/index.ts',
    description: 'POST /v1/status-links and /verify: a one-time code by SMS that opens the status page again with a fresh token',
    tables: { needs: 'readWrite' },
    // The need found under a credit code (LATEST_NEED, OPEN_NEED), its tracking-token hash, its code, the rate windows.
    leadingKeys: { needs: ['CREDITCODE#*', 'NEED#*', 'STATUSCODE#*', 'RATELIMIT#*'] },
    sms: 'hand-off',
  },
  'notify-enterprise': {
    entry: 'functions/notify-enterprise/index.ts',
    description: "Pipe target: an SMS with a status link when a need is recommended or not, accepted, declined, granted or unmatched",
    // Powertools idempotency records (once per notice); the need's notice-token hashes.
    tables: { needs: 'readWrite', idempotency: 'readWrite' },
    leadingKeys: { needs: ['NEED#*'] },
    sms: 'hand-off',
    timeoutSeconds: 30,
  },
  'send-sms': {
    entry: 'functions/send-sms/index.ts',
    description: "Invoked asynchronously: sends one templated text message through the stage's SMS provider",
    tables: {},
    sms: 'send',
  },
  authorizer: {
    entry: 'functions/authorizer/index.ts',
    description: "API Gateway Lambda authorizer: verifies an official's OpenID Connect token and passes sub, role and jurisdiction",
    // Reads no table; needs only the issuer's discovery document and JWKS over HTTPS.
    tables: {},
    // Its settings (OIDC_ISSUER, OIDC_AUDIENCE, claim names) come from the stage's identity (lib/api.ts).
    timeoutSeconds: 10,
  },
  visits: {
    entry: 'functions/visits/index.ts',
    description: "POST and GET /v1/counties/{countyCode}/visits: the county task force records its visits (one per enterprise and day); the county's visits of a month",
    tables: { needs: 'readWrite', counters: 'readWrite' },
    // The county-month partitions of visits and visited-enterprise markers.
    leadingKeys: { needs: ['VISITS#*'] },
    // The banks serving the county, whose staff came along (read only).
    readOnlyKeys: { needs: ['BANKS'] },
  },
  'visit-needs': {
    entry: 'functions/visit-needs/index.ts',
    description: 'POST /v1/counties/{countyCode}/visits/{visitedOn}/{visitId}/needs: the county task force enters a need from a visit (paper consent, or awaiting the enterprise’s)',
    tables: { needs: 'readWrite', counters: 'readWrite' },
    // The need, its open-need claim and latest-need pointer; the visit (its month partition) it links.
    leadingKeys: { needs: ['NEED#*', 'CREDITCODE#*', 'VISITS#*'] },
    // The banks serving the county, which a paper consent names (read only).
    readOnlyKeys: { needs: ['BANKS'] },
  },
  imports: {
    entry: 'functions/imports/index.ts',
    description: 'POST /v1/imports, GET /v1/imports/{importId} and the templates: the county task force imports visits or a visit plan from CSV or XLSX',
    // The import items and the open-imports list (the bucket's grants: lib/imports.ts).
    tables: { needs: 'readWrite' },
    leadingKeys: { needs: ['IMPORT#*', 'IMPORTS_OPEN'] },
  },
  'import-worker': {
    entry: 'functions/import-worker/index.ts',
    description: 'S3 upload of an import → parse, then one chunk of rows per invocation (invoking itself for the next); every 5 minutes the sweep of open imports',
    // Imports, visits and their month markers, plan entries; the county-day counters.
    tables: { needs: 'readWrite', counters: 'readWrite' },
    leadingKeys: { needs: ['IMPORT#*', 'IMPORTS_OPEN', 'VISITS#*', 'PLANS#*'] },
    // A 20 MB XLSX read whole (after the zip-bomb guard), and a chunk of 1,000 rows well within the timeout.
    memorySize: 2048,
    timeoutSeconds: 300,
  },
  lists: {
    entry: 'functions/lists/index.ts',
    description: "GET /v1/lists/{countyCode}: a county's declaration or recommendation list (JSON, CSV, XLSX) for its task force and the coordinators above it",
    // Reads the county's needs (byCountyStatus, partitions COUNTY#<code>; the need items, NEED#<needId>);
    // appends a list-export record in the county's audit partition when contacts are shown.
    tables: { needs: 'read', audit: 'append' },
    leadingKeys: { needs: ['COUNTY#*', 'NEED#*'], audit: ['COUNTY#*'] },
    indexes: { needs: ['byCountyStatus'] },
    timeoutSeconds: 30,
  },
  progress: {
    entry: 'functions/progress/index.ts',
    description: "GET /v1/progress/{divisionCode}: a division's progress this month (the live roll-up of its counters) for the workspace's task forces and coordinators",
    // The county-day counters, read by day and county prefix; nothing else.
    tables: { counters: 'read' },
    timeoutSeconds: 30,
  },
  'negative-list': {
    entry: 'functions/negative-list/index.ts',
    description: "GET and POST /v1/counties/{countyCode}/negative-list (+ /{entryId}/expiry, /imports): the county task force views, adds, expires and imports its negative-list entries; every change audited",
    // Screening's items (NEGATIVE#<creditCode>) and the register (NEGLIST#<jurisdiction>); each change's
    // audit record in the county's audit partition, in the same transaction.
    tables: { needs: 'readWrite', audit: 'append' },
    leadingKeys: { needs: ['NEGATIVE#*', 'NEGLIST#*'], audit: ['COUNTY#*'] },
    // An import of 5,000 rows, 8 at a time, within the API's 29 seconds.
    timeoutSeconds: 29,
  },
  escalations: {
    entry: 'functions/escalations/index.ts',
    description: "GET /v1/counties/{countyCode}/escalations and POST …/{needId}/actions: the county task force's escalation inbox and its actions (amend and route again, hand to a bank, resolved offline, close)",
    tables: { needs: 'readWrite', counters: 'readWrite', audit: 'append' },
    // The county's escalations (COUNTY#<code>); the need, its referrals, its open-need claim and the
    // bank registry (the banks serving the county; a withdrawn offer's load), as an amendment touches
    // them; each action's audit record in the county's audit partition.
    leadingKeys: { needs: ['COUNTY#*', 'NEED#*', 'REFERRAL#*', 'CREDITCODE#*', 'BANKS'], audit: ['COUNTY#*'] },
    // Starts a new routing round, and ends the wait of an offer it withdraws.
    workflow: 'respond',
    timeoutSeconds: 29,
  },
  reviews: {
    entry: 'functions/reviews/index.ts',
    description: "POST and GET /v1/counties/{countyCode}/reviews: the county task force's review decisions (bulk), and the needs waiting for its review",
    tables: { needs: 'readWrite', counters: 'readWrite', audit: 'append' },
    // The county's needs (byCountyStatus, COUNTY#<code>; the need items NEED#<needId>); the open-need
    // claim a decision that closes the need releases; the review-decision audit record in the need's partition.
    leadingKeys: { needs: ['COUNTY#*', 'NEED#*', 'CREDITCODE#*'], audit: ['NEED#*'] },
    indexes: { needs: ['byCountyStatus'] },
    // The holiday arrangements (working days to the decision), read only.
    readOnlyKeys: { needs: ['CALENDAR'] },
    // Resumes the workflow waiting for the review.
    workflow: 'respond',
    timeoutSeconds: 60,
  },
  'erase-personal-data': {
    entry: 'functions/erase-personal-data/index.ts',
    description: 'Scheduled (02:00 CST): erases the personal data of needs closed longer than the retention setting',
    tables: { needs: 'readWrite', audit: 'append' },
    // Needs (base table) and the byPersonalData index (partitions PD#<shard>); erasure records.
    leadingKeys: { needs: ['NEED#*', 'PD#*'], audit: ['NEED#*'] },
    indexes: { needs: ['byPersonalData'] },
    dataRetention: true,
    timeoutSeconds: 900,
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof FUNCTIONS;

export interface RouteDefinition {
  method: 'GET' | 'POST';
  /** API Gateway resource path, with {param} placeholders. */
  path: string;
  function: FunctionName;
  /**
   * Requires an official's token: the API's Lambda authorizer (`authorizer` above) verifies it and
   * passes sub, role and jurisdiction; the function decides what the caller may do
   * (shared/domain/authorization.ts).
   */
  auth?: 'official';
}

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'POST', path: '/v1/needs', function: 'submit-need' },
  { method: 'GET', path: '/v1/needs/{needId}', function: 'need-status' },
  { method: 'POST', path: '/v1/needs/{needId}/amendments', function: 'change-need' },
  { method: 'POST', path: '/v1/needs/{needId}/withdrawal', function: 'change-need' },
  { method: 'GET', path: '/v1/counties/{countyCode}/banks', function: 'county-banks' },
  { method: 'GET', path: '/v1/health', function: 'health' },
  { method: 'GET', path: '/v1/openapi.json', function: 'openapi' },
  { method: 'POST', path: '/v1/banks/{bankId}/events', function: 'bank-webhook' },
  { method: 'POST', path: '/v1/status-links', function: 'status-links' },
  { method: 'POST', path: '/v1/status-links/verify', function: 'status-links' },
  { method: 'GET', path: '/v1/reports', function: 'report-list', auth: 'official' },
  { method: 'GET', path: '/v1/reports/{period}/{divisionCode}', function: 'report-download', auth: 'official' },
  { method: 'POST', path: '/v1/counties/{countyCode}/visits', function: 'visits', auth: 'official' },
  { method: 'GET', path: '/v1/counties/{countyCode}/visits', function: 'visits', auth: 'official' },
  { method: 'POST', path: '/v1/counties/{countyCode}/visits/{visitedOn}/{visitId}/needs', function: 'visit-needs', auth: 'official' },
  { method: 'GET', path: '/v1/lists/{countyCode}', function: 'lists', auth: 'official' },
  { method: 'POST', path: '/v1/counties/{countyCode}/reviews', function: 'reviews', auth: 'official' },
  { method: 'GET', path: '/v1/counties/{countyCode}/reviews', function: 'reviews', auth: 'official' },
  { method: 'GET', path: '/v1/counties/{countyCode}/escalations', function: 'escalations', auth: 'official' },
  { method: 'POST', path: '/v1/counties/{countyCode}/escalations/{needId}/actions', function: 'escalations', auth: 'official' },
  { method: 'GET', path: '/v1/counties/{countyCode}/negative-list', function: 'negative-list', auth: 'official' },
  { method: 'POST', path: '/v1/counties/{countyCode}/negative-list', function: 'negative-list', auth: 'official' },
  { method: 'POST', path: '/v1/counties/{countyCode}/negative-list/{entryId}/expiry', function: 'negative-list', auth: 'official' },
  { method: 'POST', path: '/v1/counties/{countyCode}/negative-list/imports', function: 'negative-list', auth: 'official' },
  { method: 'POST', path: '/v1/imports', function: 'imports', auth: 'official' },
  { method: 'GET', path: '/v1/imports/{importId}', function: 'imports', auth: 'official' },
  { method: 'GET', path: '/v1/imports/templates/{template}', function: 'imports', auth: 'official' },
  { method: 'GET', path: '/v1/progress/{divisionCode}', function: 'progress', auth: 'official' },
];

/**
 * Media types API Gateway passes as bytes (base64, isBase64Encoded) both ways: the county lists'
 * XLSX answers, and CSV uploads (the negative-list import), whose GB18030 bytes would not survive a
 * text body. The local gateway reads the same list.
 */
export const BINARY_MEDIA_TYPES = ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'] as const;

/** Environment variable through which a function learns each table's name. */
export const TABLE_ENV: Record<TableName, string> = {
  needs: ENV.needsTable,
  counters: ENV.countersTable,
  idempotency: ENV.idempotencyTable,
  audit: ENV.auditTable,
};
