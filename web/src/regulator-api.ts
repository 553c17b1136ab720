// The regulator page's calls: the list of reports for a period and a short-lived link to one report. Answers are checked member by member, as in api.ts.
import { apiBaseUrl, parseProblem, type ApiOutcome } from './api';
import type { Language } from './i18n';
import type { ReportDivisionRef } from './regulator-tree';

export const REPORT_FORMATS = ['html', 'csv', 'xlsx'] as const;
export type DownloadFormat = (typeof REPORT_FORMATS)[number];
export type Edition = 'full' | 'public';

export interface ReportEntry {
  division: ReportDivisionRef;
  links: Record<string, string>;
}

export interface ReportList {
  period: string;
  jurisdiction: string;
  reports: ReportEntry[];
}

export interface ReportLink {
  url: string;
  expiresAt: string;
}

const REQUEST_TIMEOUT_MS = 30_000;
const isText = (value: unknown): value is string => typeof value === 'string';

function reportEntry(value: unknown): ReportEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { division, links } = value as { division?: unknown; links?: unknown };
  if (typeof division !== 'object' || division === null) return undefined;
  const { code, name, level, nameEn } = division as Record<string, unknown>;
  if (!isText(code) || !/^\d{6}$/.test(code) || !isText(name) || !isText(level)) return undefined;
  const cleanLinks: Record<string, string> = {};
  if (typeof links === 'object' && links !== null) {
    for (const [format, href] of Object.entries(links)) if (isText(href)) cleanLinks[format] = href;
  }
  return { division: { code, name, level, ...(isText(nameEn) ? { nameEn } : {}) }, links: cleanLinks };
}

/** A report list answer, with unusable entries left out; undefined when it is not one. */
export function parseReportList(body: unknown): ReportList | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { period, jurisdiction, reports } = body as Record<string, unknown>;
  if (!isText(period) || !isText(jurisdiction) || !Array.isArray(reports)) return undefined;
  const entries = (reports as unknown[]).map(reportEntry).filter((entry): entry is ReportEntry => entry !== undefined);
  return { period, jurisdiction, reports: entries };
}

function parseReportLink(body: unknown): ReportLink | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { url, expiresAt } = body as Record<string, unknown>;
  if (!isText(url) || !isText(expiresAt)) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? { url: parsed.href, expiresAt } : undefined;
  } catch {
    return undefined;
  }
}

export function reportListUrl(base: string, period: string): string {
  return `${base}/v1/reports?period=${encodeURIComponent(period)}`;
}

/**
 * The download address of one report: the list's link for the format when it is an API path,
 * else built from period and code; `format` and `edition` set in the query.
 */
export function reportDownloadUrl(
  base: string,
  period: string,
  entry: ReportEntry,
  format: DownloadFormat,
  edition: Edition,
  origin: string,
): string {
  const listed = entry.links[format];
  const path =
    listed !== undefined && /^\/v1\/reports\/[^?#]+(\?[^#]*)?$/.test(listed)
      ? listed
      : `/v1/reports/${encodeURIComponent(period)}/${encodeURIComponent(entry.division.code)}`;
  const url = new URL(`${base}${path}`, origin);
  url.searchParams.set('format', format);
  url.searchParams.set('edition', edition);
  return url.href;
}

async function getJson<T>(url: string, init: RequestInit, accept: (body: unknown) => T | undefined): Promise<ApiOutcome<T>> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, cache: 'no-store', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    text = await response.text();
  } catch {
    return { kind: 'network' };
  }
  if (response.status === 200) {
    try {
      const body = accept(JSON.parse(text));
      if (body !== undefined) return { kind: 'ok', status: 200, body };
    } catch {
      // an unreadable success is reported as a problem below
    }
    return { kind: 'problem', status: response.status, problem: undefined };
  }
  return { kind: 'problem', status: response.status, problem: parseProblem(text, response.status) };
}

function authorized(token: string, language: Language): HeadersInit {
  return {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': language,
    Authorization: `Bearer ${token}`,
  };
}

/** GET /v1/reports?period=… */
export async function fetchReportList(token: string, period: string, language: Language): Promise<ApiOutcome<ReportList>> {
  const base = await apiBaseUrl();
  return getJson(reportListUrl(base, period), { method: 'GET', headers: authorized(token, language) }, parseReportList);
}

/** GET /v1/reports/{period}/{code}?format=…&edition=… as JSON: a presigned link valid a few minutes. */
export async function fetchReportLink(
  token: string,
  period: string,
  entry: ReportEntry,
  format: DownloadFormat,
  edition: Edition,
  language: Language,
): Promise<ApiOutcome<ReportLink>> {
  const base = await apiBaseUrl();
  const url = reportDownloadUrl(base, period, entry, format, edition, location.origin);
  return getJson(url, { method: 'GET', headers: authorized(token, language) }, parseReportLink);
}
