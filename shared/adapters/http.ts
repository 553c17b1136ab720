// The HTTP edge of the Lambda handlers: API Gateway (REST, proxy integration) events in, responses out.
import { ENV } from '../domain/environment';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  makeProblem,
  negotiateLanguage,
  PROBLEM_CONTENT_TYPE,
  type FieldError,
  type Language,
  type LocalizedText,
  type Problem,
  type ProblemKind,
} from '../domain/problem';

export type HttpEvent = APIGatewayProxyEvent;
export type HttpResult = APIGatewayProxyResult;

export const MAX_BODY_BYTES = 32 * 1024;

const BASE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

function corsHeaders(): Record<string, string> {
  const origin = process.env[ENV.allowedOrigin];
  return origin ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
}

export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

export function languageOf(event: HttpEvent): Language {
  return negotiateLanguage(header(event, 'accept-language'));
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode: status,
    headers: { ...BASE_HEADERS, ...corsHeaders(), 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function problem(problemBody: Problem, headers: Record<string, string> = {}): HttpResult {
  return json(problemBody.status, problemBody, { 'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`, ...headers });
}

export function problemFor(
  event: HttpEvent,
  kind: ProblemKind,
  detail: LocalizedText,
  extra: { errors?: FieldError[]; [extension: string]: unknown } = {},
): HttpResult {
  return problem(makeProblem(kind, detail, languageOf(event), { instance: event.path, ...extra }));
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; response: HttpResult };

/** Content type, size and JSON syntax checks, each with its own status (415, 413, 400). */
export function readJsonBody(event: HttpEvent, maxBytes = MAX_BODY_BYTES): BodyResult {
  const contentType = (header(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(contentType)) {
    return {
      ok: false,
      response: problemFor(event, 'unsupportedMediaType', {
        zh: '请以 application/json 提交请求体',
        en: 'Send the request body as application/json',
      }),
    };
  }
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.byteLength > maxBytes) {
    return {
      ok: false,
      response: problemFor(event, 'payloadTooLarge', {
        zh: `请求体不得超过 ${maxBytes / 1024} KiB`,
        en: `The request body may not exceed ${maxBytes / 1024} KiB`,
      }),
    };
  }
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return {
      ok: false,
      response: problemFor(event, 'malformedJson', {
        zh: '请求体无法解析为 JSON',
        en: 'The request body could not be parsed as JSON',
      }),
    };
  }
}
