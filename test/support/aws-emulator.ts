// Helpers for tests that talk to the local AWS emulator (local/aws-emulator.ts).

/**
 * DescribeExecution as raw JSON: the SDK's SFNClient keeps only the members AWS defines, so the
 * local extras (`stateTransitions`, `lambdaInvocations`: the cost of a path) are read this way.
 */
export async function describeExecutionRaw(
  endpoint: string,
  executionArn: string,
): Promise<{ status: string; stateTransitions: number; retries: number; lambdaInvocations: number; [field: string]: unknown }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AWSStepFunctions.DescribeExecution' },
    body: JSON.stringify({ executionArn }),
  });
  const body = (await response.json()) as { status: string; stateTransitions: number; retries: number; lambdaInvocations: number };
  if (!response.ok) throw new Error(`DescribeExecution ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Polls `probe` until it returns something other than undefined (or fails after `timeoutMs`). */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
