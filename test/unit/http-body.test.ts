// Request bodies at the HTTP edge: bytes that are not UTF-8 are refused with problem+json, never
// decoded into U+FFFD; valid bodies come through byte for byte.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8Body, readJsonBody } from '../../shared/adapters/http';

function event(body: string | null, overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/v1/needs',
    resource: '/v1/needs',
    headers: { 'Content-Type': 'application/json', 'Accept-Language': 'en' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1' } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

/** A body as API Gateway passes it for a binary media type: the exact bytes, base64-encoded. */
const bytesEvent = (bytes: Uint8Array) => event(Buffer.from(bytes).toString('base64'), { isBase64Encoded: true });

function expectInvalidEncoding(result: { ok: boolean; response?: { statusCode: number; headers?: Record<string, unknown>; body: string } }) {
  expect(result.ok).toBe(false);
  expect(result.response?.statusCode).toBe(400);
  expect(result.response?.headers?.['Content-Type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(result.response!.body);
  expect(problem).toMatchObject({ type: '/problems/invalid-encoding', status: 400, title: 'The request body is not valid UTF-8' });
  expect(problem.detail).toMatch(/UTF-8/);
}

const json = (text: string) => new TextEncoder().encode(text);
const withBytes = (before: string, bytes: number[], after: string) =>
  new Uint8Array([...json(before), ...bytes, ...json(after)]);

describe('readJsonBody', () => {
  it.each([
    ['a lone continuation byte', [0x80]],
    ['an invalid byte', [0xff]],
    ['a cut sequence', [0xe4, 0xb8]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses %s inside a string with 400 invalid-encoding, in the body it was sent', (_label, bytes) => {
    const result = readJsonBody(bytesEvent(withBytes('{"name":"杭州', bytes, '食品"}')));
    expectInvalidEncoding(result as never);
  });

  it('takes a valid base64-encoded body, Chinese included', () => {
    const result = readJsonBody(bytesEvent(json('{"name":"杭州西湖食品有限公司 😀"}')));
    expect(result).toEqual({ ok: true, value: { name: '杭州西湖食品有限公司 😀' } });
  });

  it('refuses a body string that was already broken upstream (an unpaired surrogate)', () => {
    expectInvalidEncoding(readJsonBody(event('{"name":"a\ud800b"}')) as never);
  });

  it('checks the size on the bytes, before decoding', () => {
    const big = bytesEvent(new Uint8Array(33 * 1024).fill(0xff));
    const result = readJsonBody(big);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.response.statusCode).toBe(413);
  });

  it('still answers malformed JSON with its own problem', () => {
    const result = readJsonBody(bytesEvent(json('{"name":')));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(JSON.parse(result.response.body).type).toBe('/problems/malformed-json');
  });
});

describe('decodeUtf8Body', () => {
  it('gives the text exactly, a byte-order mark included', () => {
    expect(decodeUtf8Body(bytesEvent(json('\ufeff{"a":1}')))).toEqual({ ok: true, text: '\ufeff{"a":1}' });
    expect(decodeUtf8Body(event('{"a":"王丽"}'))).toEqual({ ok: true, text: '{"a":"王丽"}' });
    expect(decodeUtf8Body(event(null))).toEqual({ ok: true, text: '' });
  });

  it('accepts exactly the byte strings that are UTF-8, for any bytes', () => {
    // The oracle: a byte string is UTF-8 when Node's lenient decoding and re-encoding gives it back.
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 24 }),
      fc.string({ unit: 'binary', maxLength: 12 }).map((text) => json(text)),
      fc
        .tuple(fc.string({ unit: 'binary', maxLength: 8 }), fc.uint8Array({ minLength: 1, maxLength: 3 }), fc.string({ maxLength: 4 }))
        .map(([before, inserted, after]) => withBytes(before, [...inserted], after)),
    );
    fc.assert(
      fc.property(bytes, (raw) => {
        const isUtf8 = Buffer.from(Buffer.from(raw).toString('utf8'), 'utf8').equals(Buffer.from(raw));
        const result = decodeUtf8Body(bytesEvent(raw));
        expect(result.ok).toBe(isUtf8);
        if (result.ok) expect(Buffer.from(result.text, 'utf8').equals(Buffer.from(raw))).toBe(true);
        else expect(JSON.parse(result.response.body).type).toBe('/problems/invalid-encoding');
      }),
      { numRuns: 1000 },
    );
  });
});
