import { describe, expect, it } from 'vitest';
import { apiBaseUrlFrom, needsUrl, needUrl, parseProblem } from '../../web/src/api';

describe('apiBaseUrlFrom', () => {
  it('accepts same origin and absolute http(s) URLs, without a trailing slash', () => {
    expect(apiBaseUrlFrom({ apiBaseUrl: '' })).toBe('');
    expect(apiBaseUrlFrom({ apiBaseUrl: 'https://abc.execute-api.cn-north-1.amazonaws.com.cn/prod/' })).toBe(
      'https://abc.execute-api.cn-north-1.amazonaws.com.cn/prod',
    );
    expect(apiBaseUrlFrom({ apiBaseUrl: 'http://127.0.0.1:3000' })).toBe('http://127.0.0.1:3000');
  });

  it('falls back to the same origin for anything else', () => {
    for (const config of [null, 'x', {}, { apiBaseUrl: 3 }, { apiBaseUrl: 'javascript:alert(1)' }, { apiBaseUrl: '/api' }]) {
      expect(apiBaseUrlFrom(config)).toBe('');
    }
    expect(apiBaseUrlFrom({ apiBaseUrl: 'https://api.example/?x=1' })).toBe('');
  });

  it('builds the request URLs', () => {
    expect(needsUrl('')).toBe('/v1/needs');
    expect(needsUrl('https://api.example/prod')).toBe('https://api.example/prod/v1/needs');
    expect(needUrl('', '01J/..')).toBe('/v1/needs/01J%2F..');
  });
});

describe('parseProblem', () => {
  it('reads a problem document with field errors', () => {
    const problem = parseProblem(
      JSON.stringify({
        type: '/problems/validation',
        title: '请求内容有误',
        status: 400,
        detail: '请根据提示修改标出的字段',
        errors: [
          { pointer: '/enterprise/creditCode', code: 'credit_code.check', message: { zh: '校验位不正确', en: 'Wrong check' } },
          { pointer: '/x', message: 'not localised' },
          'junk',
        ],
      }),
      400,
    );
    expect(problem).toMatchObject({ title: '请求内容有误', status: 400, detail: '请根据提示修改标出的字段' });
    expect(problem?.errors).toEqual([
      { pointer: '/enterprise/creditCode', code: 'credit_code.check', message: { zh: '校验位不正确', en: 'Wrong check' } },
    ]);
  });

  it('keeps extension members and fills in missing ones', () => {
    const problem = parseProblem(JSON.stringify({ title: 'Conflict', needId: 'N1' }), 409);
    expect(problem).toMatchObject({ type: 'about:blank', title: 'Conflict', status: 409, detail: '', needId: 'N1' });
    expect(problem?.errors).toBeUndefined();
  });

  it('gives undefined for bodies that are not problem documents', () => {
    expect(parseProblem('<h1>Bad gateway</h1>', 502)).toBeUndefined();
    expect(parseProblem('{"message":"Internal server error"}', 502)).toBeUndefined();
    expect(parseProblem('[]', 500)).toBeUndefined();
    expect(parseProblem('', 500)).toBeUndefined();
  });
});
