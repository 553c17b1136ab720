// Correlation ids really reach the logs: the API's request id on every line of a request, and the
// need or referral on the workflow steps' lines (the logger once warned it had no search function
// and logged none).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CORRELATION_IDS, logger, withObservability } from '../../shared/adapters/observability';
import type { HttpEvent } from '../../shared/adapters/http';

const context = {
  functionName: 'test-fn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:cn-north-1:000000000000:function:test-fn',
  memoryLimitInMB: '512',
  awsRequestId: 'lambda-request-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** The JSON lines the logger writes while `run` runs. */
async function logLines(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' '))),
  );
  const streams = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }),
  );
  try {
    await run();
  } finally {
    for (const spy of [...spies, ...streams]) spy.mockRestore();
  }
  return written
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => logger.resetKeys());

describe('correlation ids', () => {
  it('carry the API Gateway request id on every line of a request', async () => {
    const handler = withObservability(async () => {
      logger.error('handling'); // the suite may run at level ERROR (the integration runtime sets it)
      return { statusCode: 204, headers: {}, body: '' };
    });
    const event = { httpMethod: 'GET', path: '/v1/health', headers: {}, requestContext: { requestId: 'api-request-42' } } as unknown as HttpEvent;
    const lines = await logLines(() => handler(event, context));
    const handling = lines.find((line) => line.message === 'handling');
    expect(handling?.correlation_id).toBe('api-request-42');
    expect(lines.some((line) => String(line.message).includes('no search function'))).toBe(false);
  });

  it('carry the need or the referral a workflow step acts on', async () => {
    const step = middy(async (_input: { needId?: string; referralId?: string }) => {
      logger.error('step');
      return {};
    }).use(injectLambdaContext(logger, { correlationIdPath: CORRELATION_IDS.workflow }));
    const byNeed = await logLines(() => step({ needId: '01NEED' }, context));
    expect(byNeed.find((line) => line.message === 'step')?.correlation_id).toBe('01NEED');
    const byReferral = await logLines(() => step({ referralId: '01REFERRAL' }, context));
    expect(byReferral.find((line) => line.message === 'step')?.correlation_id).toBe('01REFERRAL');
  });
});
