// Calling the API of a local runtime as a client does: JSON in and out, an official's (or a tracking)
// token as Bearer, the reader's language. What the integration tests of the officials' routes share.
export interface Answer {
  status: number;
  /** The Content-Type of the answer (problem+json for problems). */
  type: string;
  body: Record<string, any>;
}

export type ApiCall = (method: 'GET' | 'POST', pathAndQuery: string, token: string | undefined, body?: unknown, language?: string) => Promise<Answer>;

/** A `call` on the API at `baseUrl()` (read when called: the runtime starts after the test file loads). */
export function apiCall(baseUrl: () => string): ApiCall {
  return async (method, pathAndQuery, token, body, language = 'zh-CN') => {
    const response = await fetch(`${baseUrl()}${pathAndQuery}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        'Accept-Language': language,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json()) as Record<string, any> };
  };
}
