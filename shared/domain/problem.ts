// Errors to clients: application/problem+json (RFC 9457) with a field list whose entries carry a
// JSON pointer (RFC 6901) and a message in Chinese and English.

export interface LocalizedText {
  zh: string;
  en: string;
}

export interface FieldError {
  /** JSON pointer into the request body, e.g. `/enterprise/creditCode`; `` (empty) for the whole body. */
  pointer: string;
  /** Stable machine-readable code, e.g. `credit_code.check`. */
  code: string;
  message: LocalizedText;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  /** Extension members (RFC 9457 §3.2), e.g. `needId` on a conflict. */
  [extension: string]: unknown;
}

export type Language = 'zh' | 'en';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem types the API returns. Their documentation lives in the README ("Errors"). */
export const PROBLEM_TYPES = {
  validation: { status: 400, title: { zh: '请求内容有误', en: 'The request has invalid fields' } },
  malformedJson: { status: 400, title: { zh: '请求体不是有效的 JSON', en: 'The request body is not valid JSON' } },
  invalidEncoding: { status: 400, title: { zh: '请求体不是有效的 UTF-8 文本', en: 'The request body is not valid UTF-8' } },
  unauthorized: { status: 401, title: { zh: '身份校验未通过', en: 'Unauthorized' } },
  forbidden: { status: 403, title: { zh: '无权访问', en: 'Forbidden' } },
  notFound: { status: 404, title: { zh: '未找到', en: 'Not found' } },
  methodNotAllowed: { status: 405, title: { zh: '不支持该请求方法', en: 'Method not allowed' } },
  openNeedExists: {
    status: 409,
    title: { zh: '该企业已有一笔办理中的融资需求', en: 'This enterprise already has an open financing need' },
  },
  idempotencyInProgress: {
    status: 409,
    title: { zh: '相同幂等键的请求正在处理', en: 'A request with this Idempotency-Key is still in progress' },
  },
  referralConflict: { status: 409, title: { zh: '推荐状态不允许该操作', en: 'The referral is not in a state for this event' } },
  escalationConflict: { status: 409, title: { zh: '该事项当前状态不允许该操作', en: 'The escalation is not in a state for this action' } },
  needChangeRefused: { status: 409, title: { zh: '需求当前状态不允许该操作', en: 'The need is not in a state for this change' } },
  visitHasNeed: { status: 409, title: { zh: '该走访已登记需求', en: 'This visit has a need already' } },
  referralNotReady: { status: 409, title: { zh: '推荐尚未就绪', en: 'The referral is not ready for this event yet' } },
  negativeListConflict: { status: 409, title: { zh: '负面清单条目当前状态不允许该操作', en: 'The negative-list entry is not in a state for this change' } },
  payloadTooLarge: { status: 413, title: { zh: '请求体过大', en: 'Request body too large' } },
  unsupportedMediaType: {
    status: 415,
    title: { zh: '请求内容类型不受支持', en: 'Unsupported media type' },
  },
  idempotencyKeyReused: {
    status: 422,
    title: {
      zh: '幂等键已用于另一份不同的请求',
      en: 'The Idempotency-Key was already used with a different request body',
    },
  },
  unavailable: { status: 503, title: { zh: '服务暂时不可用', en: 'Service temporarily unavailable' } },
  outcomeUnknown: {
    status: 503,
    title: { zh: '无法确认请求是否已保存', en: 'We could not confirm whether the request was saved' },
  },
  internal: { status: 500, title: { zh: '服务内部错误', en: 'Internal error' } },
  // Answered by API Gateway itself (and the local gateway): see gateway-problems.ts.
  badRequest: { status: 400, title: { zh: '请求无效', en: 'Bad request' } },
  tooManyRequests: { status: 429, title: { zh: '请求过于频繁', en: 'Too many requests' } },
  badGateway: { status: 502, title: { zh: '服务未能处理请求', en: 'Bad gateway' } },
  gatewayTimeout: { status: 504, title: { zh: '服务响应超时', en: 'Gateway timeout' } },
} as const satisfies Record<string, { status: number; title: LocalizedText }>;

export type ProblemKind = keyof typeof PROBLEM_TYPES;

export function problemTypeUri(kind: ProblemKind): string {
  return `/problems/${kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function makeProblem(
  kind: ProblemKind,
  detail: LocalizedText,
  language: Language,
  extra: { errors?: FieldError[]; instance?: string; [extension: string]: unknown } = {},
): Problem {
  const spec = PROBLEM_TYPES[kind];
  // Extensions first: they may add members, never replace the standard ones.
  return {
    ...extra,
    type: problemTypeUri(kind),
    title: spec.title[language],
    status: spec.status,
    detail: detail[language],
  };
}

/** Pick the response language from an Accept-Language header: Chinese unless English is preferred. */
export function negotiateLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'zh';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh';
}

/** RFC 6901 pointer from a path of keys and indexes. */
export function toJsonPointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
