// Names of the settings the stack gives each function (and the local runtime gives the same
// handlers). Names only: reading them happens at the edge, in shared/adapters/config.ts.

export const ENV = {
  needsTable: 'NEEDS_TABLE_NAME',
  countersTable: 'COUNTERS_TABLE_NAME',
  idempotencyTable: 'IDEMPOTENCY_TABLE_NAME',
  /** Where the web pages live (status links in receipts point there). */
  webOrigin: 'WEB_ORIGIN',
  /** CORS: the one browser origin allowed to call the API (the web distribution). */
  allowedOrigin: 'ALLOWED_ORIGIN',
} as const;
