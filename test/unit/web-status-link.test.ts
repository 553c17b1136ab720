import { describe, expect, it } from 'vitest';
import { statusPageUrl } from '../../shared/domain/need-record';
import { parseStatusHash, safeStatusUrl, statusHash, withLanguage } from '../../web/src/status-link';

const ID = '01JCZ3Q5V8W9X0Y1Z2A3B4C5D6';

describe('parseStatusHash', () => {
  it('reads the need id and token from the fragment', () => {
    expect(parseStatusHash(`#needId=${ID}&token=abc_DEF-123`)).toEqual({ needId: ID, token: 'abc_DEF-123' });
    expect(parseStatusHash(`token=t&needId=${ID}`)).toEqual({ needId: ID, token: 't' });
  });

  it('decodes what the server encoded', () => {
    const url = new URL(statusPageUrl('https://web.example', ID, 'a+b/c=='));
    expect(parseStatusHash(url.hash)).toEqual({ needId: ID, token: 'a+b/c==' });
  });

  it('gives undefined for an incomplete link', () => {
    expect(parseStatusHash('')).toBeUndefined();
    expect(parseStatusHash('#')).toBeUndefined();
    expect(parseStatusHash(`#needId=${ID}`)).toBeUndefined();
    expect(parseStatusHash('#token=abc')).toBeUndefined();
    expect(parseStatusHash(`#needId=${ID}&token=`)).toBeUndefined();
  });

  it('round-trips with statusHash', () => {
    const link = { needId: ID, token: 'x&y=z' };
    expect(parseStatusHash(statusHash(link))).toEqual(link);
  });
});

describe('safeStatusUrl', () => {
  const link = { needId: ID, token: 'tok' };
  const page = 'https://web.example/index.html';

  it("keeps the server's link when it is an http(s) link to this need", () => {
    const url = statusPageUrl('https://web.example', ID, 'tok');
    expect(safeStatusUrl(url, link, page)).toBe(url);
  });

  it('builds the link itself from anything else', () => {
    const built = `https://web.example/status.html#needId=${ID}&token=tok`;
    expect(safeStatusUrl('javascript:alert(1)//#needId=x', link, page)).toBe(built);
    expect(safeStatusUrl(undefined, link, page)).toBe(built);
    expect(safeStatusUrl('not a url', link, page)).toBe(built);
    expect(safeStatusUrl(statusPageUrl('https://web.example', 'OTHER', 'tok'), link, page)).toBe(built);
    // a token in the query string would reach server logs
    expect(safeStatusUrl(`https://web.example/status.html?token=tok#needId=${ID}&token=tok`, link, page)).toBe(built);
  });
});

describe('withLanguage', () => {
  it('adds the language to the fragment, keeping the need and token, replacing an earlier one', () => {
    const href = 'http://127.0.0.1:3000/status.html#needId=01ABC&token=t0k';
    const english = withLanguage(href, 'en');
    expect(parseStatusHash(new URL(english).hash)).toEqual({ needId: '01ABC', token: 't0k' });
    expect(new URLSearchParams(new URL(english).hash.slice(1)).get('lang')).toBe('en');
    expect(new URLSearchParams(new URL(withLanguage(english, 'zh')).hash.slice(1)).getAll('lang')).toEqual(['zh']);
  });

  it('leaves what is not an absolute URL as it is', () => {
    expect(withLanguage('status.html#needId=1&token=2', 'en')).toBe('status.html#needId=1&token=2');
  });
});
