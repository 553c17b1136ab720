// GET /v1/openapi.json — the committed API contract (generated from the zod schemas).
import openApiDocument from '../../shared/openapi.json';
import { json, type HttpResult } from '../../shared/adapters/http';
import { withObservability } from '../../shared/adapters/observability';

async function openApiHandler(): Promise<HttpResult> {
  return json(200, openApiDocument, { 'Cache-Control': 'public, max-age=300' });
}

export const handler = withObservability(openApiHandler);
