// The environment a handler is imported with in a unit test of its failure paths: its own settings,
// and offline AWS credentials with Powertools quiet (no logs, traces or metrics).
export function setHandlerEnvironment(settings: Record<string, string>): void {
  Object.assign(process.env, {
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...settings,
  });
}
