// Names of the settings the stack gives each function (and the local runtime gives the same
// handlers). Names only: reading them happens at the edge, in shared/adapters/config.ts.

export const ENV = {
  needsTable: 'NEEDS_TABLE_NAME',
  countersTable: 'COUNTERS_TABLE_NAME',
  idempotencyTable: 'IDEMPOTENCY_TABLE_NAME',
  /** The append-only audit log (report downloads, disclosures, erasures). */
  auditTable: 'AUDIT_TABLE_NAME',
  /** Days after a need closes (its last change while closed) until its personal data is erased. */
  personalDataRetentionDays: 'PERSONAL_DATA_RETENTION_DAYS',
  /** Where the web pages live (status links in receipts point there). */
  webOrigin: 'WEB_ORIGIN',
  /** CORS: the one browser origin allowed to call the API (the web distribution). */
  allowedOrigin: 'ALLOWED_ORIGIN',
  /** The referral routing state machine. */
  stateMachineArn: 'ROUTING_STATE_MACHINE_ARN',
  /** Minutes after submission when the routing sweeper starts a need's workflow that never started (default 15). */
  sweepAfterMinutes: 'ROUTING_SWEEP_AFTER_MINUTES',
  /** Secrets Manager name prefix of the banks' webhook signing secrets: `<prefix><bankId>`. */
  bankSecretPrefix: 'BANK_SECRET_PREFIX',
  /** Speed-up factor of deadlines (1 in AWS; the local runtime makes a working day pass in seconds). */
  timeScale: 'TIME_SCALE',
  /** The task force's review (审核) for counties without their own setting: `manual` or `auto` (the stage's `review.default`). */
  reviewDefault: 'REVIEW_DEFAULT',
  /** Working days the task force has for a review (the stage's `review.workingDays`, default 5). */
  reviewWorkingDays: 'REVIEW_WORKING_DAYS',
  /** How many banks a need is offered to, one after another, before the task force is asked. */
  maxOffers: 'ROUTING_MAX_OFFERS',
  /** The S3 bucket of the regulators' reports. */
  reportsBucket: 'REPORTS_BUCKET_NAME',
  /** The S3 bucket of the bulk imports (uploads, staged chunks, rejected rows). */
  importsBucket: 'IMPORTS_BUCKET_NAME',
  /** Seconds a running import without a worker stays unchanged before the sweep resumes it (default 60). */
  importStalledSeconds: 'IMPORT_STALLED_SECONDS',
  /** Small-cell suppression threshold of the public edition. */
  suppressionThreshold: 'SUPPRESSION_THRESHOLD',
  /** Seconds the functions cache the operator-loaded holiday arrangements (default 300). */
  calendarCacheSeconds: 'CALENDAR_CACHE_SECONDS',
  /** Seconds a warm routing function keeps the bank registry's load figures (default 30; 0: read every time). */
  bankCacheSeconds: 'BANK_REGISTRY_CACHE_SECONDS',
  /** The officials' OpenID Connect issuer (`iss`); the Lambda authorizer fetches its JWKS through discovery. */
  oidcIssuer: 'OIDC_ISSUER',
  /** Accepted token audiences, comma-separated (the pages' client id). */
  oidcAudience: 'OIDC_AUDIENCE',
  /** The claim names of the role and the jurisdiction (defaults `custom:role`, `custom:jurisdiction`). */
  oidcRoleClaim: 'OIDC_ROLE_CLAIM',
  oidcJurisdictionClaim: 'OIDC_JURISDICTION_CLAIM',
  /** `false` where Lambda active tracing is not offered (aws-cn): Powertools Tracer off. */
  tracingEnabled: 'POWERTOOLS_TRACE_ENABLED',
  /** `true` where the S3 endpoint needs path-style addressing (the local S3 emulator). */
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
  /** Reports per roll-up batch (one worker invocation each); default in shared/adapters/report-publisher.ts. */
  rollupBatchReports: 'ROLLUP_BATCH_REPORTS',
  /** How text messages go out: `sns` (aws partition) or `http` (a licensed Chinese SMS provider; locally the emulated one). */
  smsProvider: 'SMS_PROVIDER',
  /** The http provider's send endpoint, registered signature (签名) and template codes (JSON: template id → provider code). */
  smsEndpoint: 'SMS_HTTP_ENDPOINT',
  smsSignName: 'SMS_SIGN_NAME',
  smsTemplateCodes: 'SMS_TEMPLATE_CODES',
  /** Secrets Manager name of the http provider's API key (optional). */
  smsApiKeySecret: 'SMS_API_KEY_SECRET',
  /** The function that sends text messages, invoked asynchronously (retries, then its dead-letter queue). */
  smsFunction: 'SMS_FUNCTION_NAME',
} as const;
