import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPES,
  makeProblem,
  negotiateLanguage,
  problemTypeUri,
  toJsonPointer,
  type ProblemKind,
} from '../../shared/domain/problem';

describe('negotiateLanguage', () => {
  it.each([
    [undefined, 'zh'],
    ['', 'zh'],
    ['en-US,en;q=0.9', 'en'],
    ['en', 'en'],
    ['EN-gb', 'en'],
    ['zh-CN', 'zh'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    ['zh-Hant-TW', 'zh'],
    ['fr, en;q=0.5', 'en'],
    ['fr-FR, de;q=0.9', 'zh'],
    ['en;q=0, zh;q=0.1', 'zh'],
    ['en;q=0', 'zh'],
    ['zh;q=0.5, en;q=0.8', 'en'],
    ['en ; q=0.5 , zh ; q=0.4', 'en'],
    ['*', 'zh'],
    ['garbage', 'zh'],
    [';;;,,,', 'zh'],
    ['q=1;en', 'zh'],
    ['\u0000\uffff', 'zh'],
  ] as const)('%j → %s', (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });

  it('answers zh or en for any header and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (header) => {
        expect(['zh', 'en']).toContain(negotiateLanguage(header));
      }),
    );
  });

  it('prefers whichever of zh and en has the higher weight', () => {
    const weight = fc.integer({ min: 1, max: 999 }).map((n) => n / 1000);
    fc.assert(
      fc.property(weight, weight, fc.boolean(), (zh, en, zhFirst) => {
        fc.pre(zh !== en);
        const parts = [`zh-CN;q=${zh}`, `en-US;q=${en}`];
        const header = (zhFirst ? parts : parts.reverse()).join(', ');
        expect(negotiateLanguage(header)).toBe(en > zh ? 'en' : 'zh');
      }),
    );
  });
});

describe('toJsonPointer (RFC 6901)', () => {
  it.each([
    [[], ''],
    [['enterprise'], '/enterprise'],
    [['enterprise', 'creditCode'], '/enterprise/creditCode'],
    [['items', 0], '/items/0'],
    [['a/b'], '/a~1b'],
    [['m~n'], '/m~0n'],
    [['~1'], '/~01'],
    [['/~'], '/~1~0'],
    [[''], '/'],
    [['', ''], '//'],
    [['中文 key'], '/中文 key'],
  ] as [PropertyKey[], string][])('%j → %j', (path, pointer) => {
    expect(toJsonPointer(path)).toBe(pointer);
  });

  it('round-trips through RFC 6901 decoding for any keys', () => {
    const decode = (pointer: string): string[] =>
      pointer === ''
        ? []
        : pointer
            .slice(1)
            .split('/')
            .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    const segment = fc.oneof(fc.string({ unit: fc.constantFrom('~', '/', '0', '1', 'a') }), fc.string());
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), (path) => {
        const pointer = toJsonPointer(path);
        expect(pointer).toMatch(/^(\/([^~/]|~[01])*)*$/u);
        expect(decode(pointer)).toEqual(path);
      }),
    );
  });
});

describe('problemTypeUri', () => {
  it('turns the camel-case kind into a kebab-case path', () => {
    expect(problemTypeUri('openNeedExists')).toBe('/problems/open-need-exists');
    expect(problemTypeUri('validation')).toBe('/problems/validation');
    expect(problemTypeUri('malformedJson')).toBe('/problems/malformed-json');
    expect(problemTypeUri('idempotencyKeyReused')).toBe('/problems/idempotency-key-reused');
  });

  it('gives every kind a distinct, lower-case URI', () => {
    const uris = (Object.keys(PROBLEM_TYPES) as ProblemKind[]).map(problemTypeUri);
    expect(new Set(uris).size).toBe(uris.length);
    for (const uri of uris) expect(uri).toMatch(/^\/problems\/[a-z]+(-[a-z]+)*$/);
  });
});

describe('makeProblem', () => {
  const detail = { zh: '企业已有办理中的需求', en: 'The enterprise already has an open need' };

  it('answers in Chinese', () => {
    expect(makeProblem('openNeedExists', detail, 'zh')).toEqual({
      type: '/problems/open-need-exists',
      title: '该企业已有一笔办理中的融资需求',
      status: 409,
      detail: '企业已有办理中的需求',
    });
  });

  it('answers in English', () => {
    expect(makeProblem('openNeedExists', detail, 'en')).toEqual({
      type: '/problems/open-need-exists',
      title: 'This enterprise already has an open financing need',
      status: 409,
      detail: 'The enterprise already has an open need',
    });
  });

  it('keeps the field errors, the instance and extension members', () => {
    const errors = [{ pointer: '/contact/mobile', code: 'mobile.invalid', message: { zh: '手机号无效', en: 'Invalid mobile' } }];
    const problem = makeProblem('validation', detail, 'en', { errors, instance: '/v1/needs', needId: '01J' });
    expect(problem).toEqual({
      type: '/problems/validation',
      title: 'The request has invalid fields',
      status: 400,
      detail: detail.en,
      errors,
      instance: '/v1/needs',
      needId: '01J',
    });
  });

  it('has no members beyond the standard ones when given no extras', () => {
    expect(Object.keys(makeProblem('notFound', detail, 'zh')).sort()).toEqual(['detail', 'status', 'title', 'type']);
  });

  it.each(Object.entries(PROBLEM_TYPES))('%s: status and bilingual title', (kind, spec) => {
    const zh = makeProblem(kind as ProblemKind, detail, 'zh');
    const en = makeProblem(kind as ProblemKind, detail, 'en');
    expect(zh.status).toBe(spec.status);
    expect(en.status).toBe(spec.status);
    expect(zh.status >= 400 && zh.status <= 599).toBe(true);
    expect(zh.title).toBe(spec.title.zh);
    expect(en.title).toBe(spec.title.en);
    expect(zh.title).toMatch(/[\u4e00-\u9fff]/u);
    expect(en.title).toMatch(/^[\x20-\x7e]+$/);
    expect(zh.type).toBe(en.type);
  });

  it('uses the RFC 9457 media type', () => {
    expect(PROBLEM_CONTENT_TYPE).toBe('application/problem+json');
  });
});

describe('negotiateLanguage parameter names', () => {
  it('reads the q parameter case-insensitively (RFC 9110)', () => {
    expect(negotiateLanguage('en;Q=0, zh;q=0.5')).toBe('zh');
  });
});
