// GET /v1/health — 200 when the parts this API needs are reachable, 503 otherwise.
import { json, type HttpResult } from '../../shared/adapters/http';
import { needRepository } from '../../shared/adapters/need-repository';
import { logger, withObservability } from '../../shared/adapters/observability';

const needs = needRepository();

async function healthHandler(): Promise<HttpResult> {
  try {
    await needs.ping();
    return json(200, { status: 'ok', checks: { dynamodb: 'ok' } });
  } catch (error) {
    logger.warn('health check failed', { error: error instanceof Error ? error.message : String(error) });
    return json(503, { status: 'unavailable', checks: { dynamodb: 'unreachable' } });
  }
}

export const handler = withObservability(healthHandler);
