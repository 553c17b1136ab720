// The workspace's calls to the API with the official's ID token: JSON in and out (problem+json read
// as in api.ts), and files (CSV, XLSX) fetched with the token and handed to the browser as a download.
import { apiBaseUrl, parseProblem, retryAfterFrom, type ApiOutcome } from './api';
import type { Language } from './i18n';

const REQUEST_TIMEOUT_MS = 30_000;

function headers(token: string, language: Language, accept: string): Record<string, string> {
  return { Accept: accept, 'Accept-Language': language, Authorization: `Bearer ${token}` };
}

/** A request body: JSON (the default), or bytes of a content type (a CSV file). */
export type RequestBody = { json: unknown } | { contentType: string; bytes: BodyInit };

/** One call: `path` from the API root (`/v1/...`), a body for POST. Any 2xx with a JSON body is `ok`. */
export async function officialRequest<T = Record<string, unknown>>(
  token: string,
  language: Language,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<ApiOutcome<T>> {
  return officialSend<T>(token, language, method, path, body === undefined ? undefined : { json: body });
}

export async function officialSend<T = Record<string, unknown>>(
  token: string,
  language: Language,
  method: 'GET' | 'POST',
  path: string,
  body?: RequestBody,
): Promise<ApiOutcome<T>> {
  const base = await apiBaseUrl();
  let response: Response;
  let text: string;
  const sent = body === undefined ? undefined : 'json' in body ? { type: 'application/json', bytes: JSON.stringify(body.json) } : { type: body.contentType, bytes: body.bytes };
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers(token, language, 'application/json, application/problem+json'), ...(sent ? { 'Content-Type': sent.type } : {}) },
      ...(sent ? { body: sent.bytes } : {}),
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await response.text();
  } catch {
    return { kind: 'network' };
  }
  if (response.status >= 200 && response.status < 300) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === 'object' && parsed !== null) return { kind: 'ok', status: response.status, body: parsed as T };
    } catch {
      // an unreadable success is reported as a problem below
    }
    return { kind: 'problem', status: response.status, problem: undefined };
  }
  const retryAfterSeconds = retryAfterFrom(response.headers.get('Retry-After'));
  return { kind: 'problem', status: response.status, problem: parseProblem(text, response.status), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
}

/** PUTs a file's bytes to a presigned upload address (no token: the address is the permission). */
export async function putFile(url: string, file: Blob): Promise<{ ok: boolean; status: number }> {
  try {
    const response = await fetch(url, { method: 'PUT', body: file });
    return { ok: response.ok, status: response.status };
  } catch {
    return { ok: false, status: 0 };
  }
}

/** The file name of a Content-Disposition header (RFC 6266 `filename*` first), else `fallback`. */
export function attachmentName(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim());
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]+)"/i.exec(disposition) ?? /filename\s*=\s*([^;]+)/i.exec(disposition);
  return plain ? plain[1]!.trim() : fallback;
}

/** GETs a file with the token and saves it through a temporary link (the answer is an attachment). */
export async function downloadFile(token: string, language: Language, path: string, accept: string, fallbackName: string): Promise<ApiOutcome<{ name: string }>> {
  const base = await apiBaseUrl();
  let response: Response;
  let blob: Blob;
  try {
    response = await fetch(`${base}${path}`, { headers: headers(token, language, `${accept}, application/problem+json`), cache: 'no-store', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    blob = await response.blob();
  } catch {
    return { kind: 'network' };
  }
  if (response.status !== 200) return { kind: 'problem', status: response.status, problem: parseProblem(await blob.text(), response.status) };
  const name = attachmentName(response.headers.get('Content-Disposition'), fallbackName);
  saveBlob(blob, name);
  return { kind: 'ok', status: 200, body: { name } };
}

/** Hands a blob to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
