// Talking to the smefin API from the pages: where it is (`/config.json`, which also names the officials' OpenID issuer), the two calls the
// enterprise makes, and reading problem+json answers (RFC 9457) defensively.
import type { FieldError, Language, LocalizedText, Problem } from '../../shared/domain/problem';
import type { NeedStatusResponse, SubmitNeedResponse } from '../../shared/domain/need-record';
import type { StatusLinkVerified } from '../../shared/domain/status-link';
import type { StatusLink } from './status-link';

export type ApiOutcome<T> =
  | { kind: 'ok'; status: number; body: T }
  /**
   * An error answer; `problem` is undefined when the body was not a usable problem document;
   * `retryAfterSeconds` from a Retry-After header in seconds.
   */
  | { kind: 'problem'; status: number; problem: Problem | undefined; retryAfterSeconds?: number }
  | { kind: 'network' };

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The API base URL from the deployed `config.json`: "" (same origin, local runtime) or an absolute
 * http(s) URL, without a trailing slash. Anything else falls back to the same origin.
 */
export function apiBaseUrlFrom(config: unknown): string {
  if (typeof config !== 'object' || config === null) return '';
  const raw = (config as { apiBaseUrl?: unknown }).apiBaseUrl;
  if (typeof raw !== 'string' || raw.trim() === '') return '';
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return '';
    if (url.search !== '' || url.hash !== '') return '';
    return url.href.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

let configPromise: Promise<unknown> | undefined;

/** The deployed `/config.json`, fetched once per page; undefined when it is missing or broken. */
export function apiConfig(): Promise<unknown> {
  configPromise ??= fetch('/config.json', { cache: 'no-store', headers: { Accept: 'application/json' } })
    .then(async (response) => (response.ok ? ((await response.json()) as unknown) : undefined))
    .catch(() => undefined);
  return configPromise;
}

/** The API's base URL from `/config.json`; a missing or broken file means "same origin". */
export async function apiBaseUrl(): Promise<string> {
  return apiBaseUrlFrom(await apiConfig());
}

export function needsUrl(base: string): string {
  return `${base}/v1/needs`;
}

export function needUrl(base: string, needId: string): string {
  return `${needsUrl(base)}/${encodeURIComponent(needId)}`;
}

const isText = (value: unknown): value is string => typeof value === 'string';

function localized(value: unknown): LocalizedText | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { zh, en } = value as { zh?: unknown; en?: unknown };
  return isText(zh) && isText(en) ? { zh, en } : undefined;
}

/** A problem+json body, checked member by member; undefined when it is not one. */
export function parseProblem(text: string, status: number): Problem | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const raw = body as Record<string, unknown>;
  if (!isText(raw.title) && !isText(raw.detail)) return undefined;
  const errors: FieldError[] = [];
  if (Array.isArray(raw.errors)) {
    for (const entry of raw.errors as unknown[]) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { pointer, code, message } = entry as { pointer?: unknown; code?: unknown; message?: unknown };
      const text = localized(message);
      if (isText(pointer) && text) errors.push({ pointer, code: isText(code) ? code : 'invalid', message: text });
    }
  }
  return {
    ...raw,
    type: isText(raw.type) ? raw.type : 'about:blank',
    title: isText(raw.title) ? raw.title : '',
    status: typeof raw.status === 'number' ? raw.status : status,
    detail: isText(raw.detail) ? raw.detail : '',
    ...(errors.length > 0 ? { errors } : { errors: undefined }),
  };
}

function isSubmitNeedResponse(body: unknown): body is SubmitNeedResponse {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return isText(b.needId) && isText(b.sizeClass) && isText(b.trackingToken) && isText(b.statusUrl);
}

function isNeedStatusResponse(body: unknown): body is NeedStatusResponse {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return (
    isText(b.needId) &&
    isText(b.status) &&
    typeof b.need === 'object' &&
    b.need !== null &&
    typeof b.enterprise === 'object' &&
    b.enterprise !== null &&
    Array.isArray(b.timeline)
  );
}

async function call<T>(
  url: string,
  init: RequestInit,
  accept: (body: unknown) => body is T,
  okStatus: number,
): Promise<ApiOutcome<T>> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, cache: 'no-store', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    text = await response.text();
  } catch {
    return { kind: 'network' };
  }
  if (response.status === okStatus) {
    try {
      const body: unknown = JSON.parse(text);
      if (accept(body)) return { kind: 'ok', status: response.status, body };
    } catch {
      // an unreadable success is reported as a problem below
    }
    return { kind: 'problem', status: response.status, problem: undefined };
  }
  const retryAfterSeconds = retryAfterFrom(response.headers.get('retry-after'));
  return {
    kind: 'problem',
    status: response.status,
    problem: parseProblem(text, response.status),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}

/** Retry-After as delta-seconds (RFC 9110 §10.2.3); an HTTP date or anything else is ignored. */
export function retryAfterFrom(value: string | null): number | undefined {
  if (value === null || !/^\s*\d{1,6}\s*$/.test(value)) return undefined;
  return Number(value);
}

/** POST /v1/needs. The same idempotency key must be sent again when retrying the same body. */
export async function submitNeedRequest(
  body: string,
  options: { idempotencyKey: string; language: Language },
): Promise<ApiOutcome<SubmitNeedResponse>> {
  const base = await apiBaseUrl();
  return call(
    needsUrl(base),
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, application/problem+json',
        'Accept-Language': options.language,
        'Idempotency-Key': options.idempotencyKey,
      },
      body,
    },
    isSubmitNeedResponse,
    201,
  );
}

/** GET /v1/needs/{needId} with the tracking token as a bearer token. */
export async function needStatusRequest(link: StatusLink, language: Language): Promise<ApiOutcome<NeedStatusResponse>> {
  const base = await apiBaseUrl();
  return call(
    needUrl(base, link.needId),
    {
      method: 'GET',
      headers: {
        Accept: 'application/json, application/problem+json',
        'Accept-Language': language,
        Authorization: `Bearer ${link.token}`,
      },
    },
    isNeedStatusResponse,
    200,
  );
}


const isAnyObject = (body: unknown): body is Record<string, unknown> => typeof body === 'object' && body !== null;
const isStatusLinkVerified = (body: unknown): body is StatusLinkVerified =>
  isAnyObject(body) && isText(body.needId) && isText(body.statusUrl);

function postJson<T>(path: string, body: unknown, language: Language, accept: (body: unknown) => body is T, okStatus: number): Promise<ApiOutcome<T>> {
  return apiBaseUrl().then((base) =>
    call(
      `${base}${path}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json', 'Accept-Language': language },
        body: JSON.stringify(body),
      },
      accept,
      okStatus,
    ),
  );
}

/** POST /v1/needs/{needId}/amendments (only the fields to change) or /withdrawal, with the tracking token: the need as it is now. */
export async function needChangeRequest(link: StatusLink, kind: 'amendments' | 'withdrawal', body: unknown, language: Language): Promise<ApiOutcome<NeedStatusResponse>> {
  const base = await apiBaseUrl();
  return call(
    `${needUrl(base, link.needId)}/${kind}`,
    {
      method: 'POST',
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        Accept: 'application/json, application/problem+json',
        'Accept-Language': language,
        Authorization: `Bearer ${link.token}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
    isNeedStatusResponse,
    200,
  );
}

/** POST /v1/status-links: 202 whether or not a need matched (a code goes by SMS when one did). */
export function statusLinkRequest(input: { creditCode: string; mobile: string }, language: Language): Promise<ApiOutcome<Record<string, unknown>>> {
  return postJson('/v1/status-links', input, language, isAnyObject, 202);
}

/** POST /v1/status-links/verify: the code from the SMS gives the need's status page again. */
export function statusLinkVerify(input: { creditCode: string; mobile: string; code: string }, language: Language): Promise<ApiOutcome<StatusLinkVerified>> {
  return postJson('/v1/status-links/verify', input, language, isStatusLinkVerified, 200);
}
