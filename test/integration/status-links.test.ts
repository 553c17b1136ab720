// Finding a need again on the real local parts: the status-links function behind the API Gateway
// emulator, DynamoDB Local, the asynchronous hand-off to send-sms, and the emulated SMS provider whose
// outbox is at /local/sms.
import { randomInt } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/aws-emulator';
import { freshCreditCode, validSubmission } from '../support/needs';

const baseUrl = inject('baseUrl');

const freshMobile = () => `15${randomInt(100_000_000, 999_999_999)}`;

async function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as Record<string, any> };
}

async function submit(mobile: string) {
  const submission = validSubmission();
  submission.contact.mobile = mobile;
  const created = await postJson('/v1/needs', submission);
  expect(created.status).toBe(201);
  return { creditCode: submission.enterprise.creditCode, needId: created.body.needId as string, token: created.body.trackingToken as string };
}

/** A one-time code's message (the need's SMS notices go to the same mobile: docs/sms.md). */
const isCode = (m: { text: string }) => m.text.includes('验证码');

async function outbox(): Promise<{ to: string; text: string; at: string }[]> {
  const response = await fetch(`${baseUrl}/local/sms`, { headers: { Accept: 'application/json' } });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as { to: string; text: string; at: string }[];
}

/** The newest code sent to `mobile`, once `count` messages have reached it. */
async function codeFor(mobile: string, count = 1): Promise<string> {
  const messages = await eventually(async () => {
    const mine = (await outbox()).filter((m) => m.to === mobile && isCode(m));
    return mine.length >= count ? mine : undefined;
  }, 15_000);
  return /\b(\d{6})\b/.exec(messages[0]!.text)![1]!;
}

const status = (needId: string, token: string) => fetch(`${baseUrl}/v1/needs/${needId}`, { headers: { Authorization: `Bearer ${token}` } });

describe('POST /v1/status-links and /verify', () => {
  it('send a code to the need’s mobile that opens the status page with a fresh token; the old token stops working', async () => {
    const mobile = freshMobile();
    const need = await submit(mobile);
    const asked = await postJson('/v1/status-links', { creditCode: need.creditCode, mobile });
    expect(asked.status).toBe(202);
    const code = await codeFor(mobile);
    const message = (await outbox()).find((m) => m.to === mobile && isCode(m))!;
    // A template with the code and nothing else about the need or the person.
    expect(message.text).toMatch(/^【.+】您查看融资需求进度的验证码为 \d{6}，10 分钟内有效/);
    expect(message.text).not.toContain(need.needId);
    expect(Date.parse(message.at)).not.toBeNaN();

    const verified = await postJson('/v1/status-links/verify', { creditCode: need.creditCode, mobile, code });
    expect(verified.status).toBe(200);
    expect(verified.body.needId).toBe(need.needId);
    const link = new URL(verified.body.statusUrl as string);
    expect(link.pathname).toBe('/status.html');
    const fresh = new URLSearchParams(link.hash.slice(1));
    expect(fresh.get('needId')).toBe(need.needId);
    expect((await status(need.needId, fresh.get('token')!)).status).toBe(200);
    expect((await status(need.needId, need.token)).status).toBe(404);
    // The code was used: a second verification is refused.
    const again = await postJson('/v1/status-links/verify', { creditCode: need.creditCode, mobile, code });
    expect(again.status).toBe(400);
    expect(again.body.errors[0]).toMatchObject({ pointer: '/code', code: 'status_link.refused' });
  });

  it('answer a request that matches nothing with the same status and body, and send nothing', async () => {
    const mobile = freshMobile();
    const need = await submit(mobile);
    const matched = await postJson('/v1/status-links', { creditCode: need.creditCode, mobile });
    const otherMobile = freshMobile();
    const unknownCode = await postJson('/v1/status-links', { creditCode: freshCreditCode(), mobile: otherMobile });
    const wrongMobile = await postJson('/v1/status-links', { creditCode: need.creditCode, mobile: otherMobile });
    for (const answer of [unknownCode, wrongMobile]) {
      expect(answer.status).toBe(matched.status);
      expect(answer.text).toBe(matched.text);
      expect(answer.headers.get('content-type')).toBe(matched.headers.get('content-type'));
    }
    // Once the matched code has arrived (handed off after the others), nothing went to the other mobile.
    await codeFor(mobile);
    const needToOther = await submit(otherMobile);
    await postJson('/v1/status-links', { creditCode: needToOther.creditCode, mobile: otherMobile });
    await codeFor(otherMobile);
    expect((await outbox()).filter((m) => m.to === otherMobile && isCode(m))).toHaveLength(1);
  });

  it('end a code after 5 wrong tries, and limit requests per mobile with 429 and Retry-After', async () => {
    const mobile = freshMobile();
    const need = await submit(mobile);
    expect((await postJson('/v1/status-links', { creditCode: need.creditCode, mobile })).status).toBe(202);
    const code = await codeFor(mobile);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++) expect((await postJson('/v1/status-links/verify', { creditCode: need.creditCode, mobile, code: wrong })).status).toBe(400);
    const late = await postJson('/v1/status-links/verify', { creditCode: need.creditCode, mobile, code });
    expect(late.status).toBe(400);

    // Two more requests fill the 10-minute window of 3; the fourth is refused, whatever it names.
    expect((await postJson('/v1/status-links', { creditCode: need.creditCode, mobile })).status).toBe(202);
    expect((await postJson('/v1/status-links', { creditCode: need.creditCode, mobile })).status).toBe(202);
    const refused = await postJson('/v1/status-links', { creditCode: freshCreditCode(), mobile });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(refused.body).toMatchObject({ status: 429, type: '/problems/too-many-requests' });
  });

  it('refuse bad input field by field, in Chinese and English, never with a 5xx', async () => {
    const bad = await postJson('/v1/status-links', { creditCode: '91330106MA2XXXXXX', mobile: '12345' }, { 'Accept-Language': 'en' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/creditCode', '/mobile']);
    for (const error of bad.body.errors as { message: { zh: string; en: string } }[]) {
      expect(error.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(error.message.en).toMatch(/[a-z]/);
    }
    const noCode = await postJson('/v1/status-links/verify', { creditCode: freshCreditCode(), mobile: freshMobile(), code: '12 34' });
    expect(noCode.status).toBe(400);
    expect(noCode.body.errors).toEqual([expect.objectContaining({ pointer: '/code', code: 'status_link.code' })]);
    const notJson = await fetch(`${baseUrl}/v1/status-links`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
    expect(notJson.status).toBe(415);
    const malformed = await fetch(`${baseUrl}/v1/status-links`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
    expect(malformed.status).toBe(400);
  });
});
