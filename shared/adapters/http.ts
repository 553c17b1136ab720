// The HTTP edge of the Lambda handlers: API Gateway (REST, proxy integration) events in, responses out.
import type { Caller } from '../domain/authorization';
import { ENV } from '../domain/environment';
import { hasLoneSurrogate } from '../domain/text';
import { fieldErrorsFromZod } from '../domain/validation-messages';
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
  // Retry-After is not a CORS-safelisted response header: the form reads it to pace its retries.
  return origin ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'Retry-After', Vary: 'Origin' } : {};
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

/** CORS headers that let a page read one more response header. */
const exposing = (cors: Record<string, string>, name: string): Record<string, string> =>
  cors['Access-Control-Expose-Headers'] ? { ...cors, 'Access-Control-Expose-Headers': `${cors['Access-Control-Expose-Headers']}, ${name}` } : cors;

/**
 * A file to download. Text (CSV) goes as UTF-8; anything else base64 (isBase64Encoded), which API
 * Gateway serves as bytes when the type is one of the API's binaryMediaTypes (lib/api.ts) and the
 * request's first Accept type matches it.
 */
export function attachment(body: Buffer, contentType: string, fileName: string): HttpResult {
  const text = contentType.startsWith('text/');
  return {
    statusCode: 200,
    headers: { ...BASE_HEADERS, ...exposing(corsHeaders(), 'Content-Disposition'), 'Content-Type': contentType, 'Content-Disposition': `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"` },
    body: text ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !text,
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
  headers: Record<string, string> = {},
): HttpResult {
  return problem(makeProblem(kind, detail, languageOf(event), { instance: event.path, ...extra }), headers);
}

/** When to try again after a 503 or an in-progress 409 (RFC 9110 Retry-After, in seconds). */
export const RETRY_AFTER_SECONDS = 3;

export function retryAfter(seconds = RETRY_AFTER_SECONDS): Record<string, string> {
  return { 'Retry-After': String(seconds) };
}

/**
 * 400 problem+json for a malformed request parameter or header (not a body field): one error, the
 * whole request as its pointer, with the parameter's own code and bilingual message.
 */
export function invalidParameter(event: HttpEvent, detail: LocalizedText, code: string, message: LocalizedText): HttpResult {
  return problemFor(event, 'validation', detail, { errors: [{ pointer: '', code, message }] });
}

/** 400 problem+json for a body its schema refused: one error per field, at its pointer, in Chinese and English. */
export function invalidBody(event: HttpEvent, issues: Parameters<typeof fieldErrorsFromZod>[0], input: unknown): HttpResult {
  return invalidFields(event, fieldErrorsFromZod(issues, input));
}

/** 400 problem+json for fields a check beyond the schema refused (e.g. against the bank registry). */
export function invalidFields(event: HttpEvent, errors: FieldError[]): HttpResult {
  return problemFor(event, 'validation', { zh: '请根据提示修改标出的字段', en: 'Correct the fields listed in errors' }, { errors });
}

export type BodyResult = { ok: true; value: unknown } | { ok: false; response: HttpResult };
export type TextBodyResult = { ok: true; text: string } | { ok: false; response: HttpResult };

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body's size in bytes, before any decoding. */
function bodyBytes(event: HttpEvent): number {
  const raw = event.body ?? '';
  return event.isBase64Encoded ? Buffer.byteLength(raw, 'base64') : Buffer.byteLength(raw, 'utf8');
}

/**
 * The body as text, decoded strictly: bytes that are not UTF-8 are refused (400
 * `/problems/invalid-encoding`), never turned into U+FFFD. A body API Gateway passes base64-encoded
 * (a binary media type) is decoded here; one it passes as a string was decoded upstream, so only a
 * broken result (an unpaired surrogate) can still be seen. Nothing else is changed (a BOM stays).
 */
export function decodeUtf8Body(event: HttpEvent): TextBodyResult {
  const raw = event.body ?? '';
  let text: string | undefined = raw;
  if (event.isBase64Encoded) {
    try {
      text = STRICT_UTF8.decode(Buffer.from(raw, 'base64'));
    } catch {
      text = undefined;
    }
  } else if (hasLoneSurrogate(raw)) {
    text = undefined;
  }
  if (text !== undefined) return { ok: true, text };
  return {
    ok: false,
    response: problemFor(event, 'invalidEncoding', {
      zh: '请求体含有无效的 UTF-8 字节，请以 UTF-8 编码发送',
      en: 'The request body contains bytes that are not valid UTF-8; send it encoded as UTF-8',
    }),
  };
}

/** Content type, size, UTF-8 and JSON syntax checks, each with its own status (415, 413, 400, 400). */
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
  if (bodyBytes(event) > maxBytes) {
    return {
      ok: false,
      response: problemFor(event, 'payloadTooLarge', {
        zh: `请求体不得超过 ${maxBytes / 1024} KiB`,
        en: `The request body may not exceed ${maxBytes / 1024} KiB`,
      }),
    };
  }
  const text = decodeUtf8Body(event);
  if (!text.ok) return text;
  try {
    return { ok: true, value: JSON.parse(text.text) };
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

/**
 * The official behind the request, as the API's Lambda authorizer passed them in its context
 * (`sub`, `role`, `jurisdiction`): functions never read tokens. Undefined without that context.
 * What they may do is decided by shared/domain/authorization.ts.
 */
export function callerOf(event: HttpEvent): Caller | undefined {
  const context = (event.requestContext.authorizer ?? {}) as Record<string, unknown>;
  const { sub, role, jurisdiction } = context;
  if (typeof sub !== 'string' || sub === '' || typeof role !== 'string' || typeof jurisdiction !== 'string') return undefined;
  return { subject: sub, role, jurisdiction };
}
