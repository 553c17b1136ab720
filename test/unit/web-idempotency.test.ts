import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryAfterFrom, type ApiOutcome } from '../../web/src/api';
import { IdempotencyKeys, randomKey, retryDelayMs, settlementOf, submitWithRetries } from '../../web/src/idempotency';

describe('IdempotencyKeys', () => {
  it('reuses the key while the body stays the same and changes it with the body', () => {
    let n = 0;
    const keys = new IdempotencyKeys(() => `k${++n}`);
    expect(keys.keyFor('{"a":1}')).toBe('k1');
    expect(keys.keyFor('{"a":1}')).toBe('k1'); // a retry after a lost response
    expect(keys.keyFor('{"a":2}')).toBe('k2'); // the person changed the form
    expect(keys.keyFor('{"a":1}')).toBe('k3'); // and changed it back: still a new submission
    keys.reset();
    expect(keys.keyFor('{"a":1}')).toBe('k4');
  });

  it('makes random UUIDs the server accepts', () => {
    const a = randomKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomKey()).not.toBe(a);
  });
});

// ---------------------------------------------------------------------------------------------
// Retries: an unknown outcome is retried with the same key until the answer is definite, and an
// unresolved submission is settled before anything else is sent.

type Answer = ApiOutcome<{ needId: string }>;
const problem = (status: number, type: string, retryAfterSeconds?: number): Answer => ({
  kind: 'problem',
  status,
  problem: { type, title: 't', status, detail: 'd' },
  ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
});
const saved = (needId = 'N1'): Answer => ({ kind: 'ok', status: 201, body: { needId } });
const network: Answer = { kind: 'network' };
const outcomeUnknown = problem(503, '/problems/outcome-unknown', 3);
const inProgress = problem(409, '/problems/idempotency-in-progress', 3);
const openNeed = problem(409, '/problems/open-need-exists');
const unavailable = problem(503, '/problems/unavailable', 3);
const gatewayTimeout = problem(504, '/problems/gateway-timeout');
const validation = problem(400, '/problems/validation');
const keyReused = problem(422, '/problems/idempotency-key-reused');

/** A server that gives the scripted answers in turn and records what it was sent. */
function scripted(answers: Answer[]) {
  const sent: { body: string; key: string }[] = [];
  const waits: number[] = [];
  return {
    sent,
    waits,
    send: async (body: string, key: string) => {
      sent.push({ body, key });
      const answer = answers.shift();
      if (!answer) throw new Error('no more answers scripted');
      return answer;
    },
    options: { wait: async (ms: number) => void waits.push(ms) },
  };
}

describe('settlementOf', () => {
  it.each([
    ['201', saved(), 'saved'],
    ['400 validation', validation, 'refused'],
    ['409 open need', openNeed, 'refused'],
    ['422 key reused', keyReused, 'refused'],
    ['409 still in progress', inProgress, 'unknown'],
    ['503 outcome unknown', outcomeUnknown, 'unknown'],
    ['503 nothing saved', unavailable, 'not_saved'],
    ['429 throttled', problem(429, '/problems/too-many-requests'), 'not_saved'],
    ['502 from the gateway', problem(502, '/problems/bad-gateway'), 'unknown'],
    ['504 from the gateway', gatewayTimeout, 'unknown'],
    ['a 500 without a problem body', { kind: 'problem', status: 500, problem: undefined } as Answer, 'unknown'],
    ['an unreadable 201', { kind: 'problem', status: 201, problem: undefined } as Answer, 'unknown'],
    ['no answer at all', network, 'unknown'],
  ] as const)('%s → %s', (_label, answer, expected) => {
    expect(settlementOf(answer)).toBe(expected);
  });
});

describe('submitWithRetries', () => {
  it('retries an unknown outcome with the same key until the receipt, waiting as the server says', async () => {
    const server = scripted([network, outcomeUnknown, inProgress, saved()]);
    const keys = new IdempotencyKeys(() => 'k1');
    const result = await submitWithRetries(keys, '{"a":1}', server.send, server.options);
    expect(result).toEqual({ outcome: saved(), settlement: 'saved', earlier: false });
    expect(server.sent).toEqual(Array(4).fill({ body: '{"a":1}', key: 'k1' }));
    expect(server.waits).toEqual([1_000, 3_000, 3_000]); // backoff without Retry-After, then Retry-After
  });

  it('stops at a definite answer: a refusal is not retried', async () => {
    const server = scripted([gatewayTimeout, openNeed]);
    const result = await submitWithRetries(new IdempotencyKeys(() => 'k1'), 'b', server.send, server.options);
    expect(result.settlement).toBe('refused');
    expect(server.sent).toHaveLength(2);
  });

  it('gives up after a few attempts, and the next submit settles that submission first, whatever the form says now', async () => {
    let n = 0;
    const keys = new IdempotencyKeys(() => `k${++n}`);
    const first = scripted([outcomeUnknown, outcomeUnknown, network, outcomeUnknown]);
    expect((await submitWithRetries(keys, 'B1', first.send, first.options)).settlement).toBe('unknown');
    expect(first.sent.map((s) => s.key)).toEqual(['k1', 'k1', 'k1', 'k1']);
    expect(first.waits).toEqual([3_000, 3_000, 4_000]);

    // The person changed a field and submits again: the earlier request goes again, and it was saved.
    const second = scripted([saved('N-earlier')]);
    const result = await submitWithRetries(keys, 'B2', second.send, second.options);
    expect(second.sent).toEqual([{ body: 'B1', key: 'k1' }]);
    expect(result).toEqual({ outcome: saved('N-earlier'), settlement: 'saved', earlier: true });
  });

  it('sends the new body with a new key once the earlier submission turns out not saved', async () => {
    let n = 0;
    const keys = new IdempotencyKeys(() => `k${++n}`);
    const first = scripted(Array(4).fill(network));
    await submitWithRetries(keys, 'B1', first.send, first.options);
    const second = scripted([unavailable, unavailable, unavailable, unavailable, saved('N2')]);
    const result = await submitWithRetries(keys, 'B2', second.send, second.options);
    expect(second.sent.map((s) => `${s.body}/${s.key}`)).toEqual(['B1/k1', 'B1/k1', 'B1/k1', 'B1/k1', 'B2/k2']);
    expect(result).toEqual({ outcome: saved('N2'), settlement: 'saved', earlier: false });
  });

  it('never changes the key while a submission may have been saved (any sequence of answers and edits)', async () => {
    const answers = fc.constantFrom(saved(), validation, openNeed, keyReused, inProgress, outcomeUnknown, unavailable, gatewayTimeout, network);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('B1', 'B2', 'B3'), fc.array(answers, { minLength: 4, maxLength: 4 })), { maxLength: 6 }), async (steps) => {
        let n = 0;
        const keys = new IdempotencyKeys(() => `k${++n}`);
        const sent: { body: string; key: string; answer: Answer }[] = [];
        for (const [body, script] of steps) {
          const queue = [...script, ...script, ...script];
          const send = async (b: string, key: string) => {
            const answer = queue.shift()!;
            sent.push({ body: b, key, answer });
            return answer;
          };
          const result = await submitWithRetries(keys, body, send, { wait: async () => {} });
          if (result.settlement === 'saved') break; // the receipt is shown: the form is done
        }
        // Whenever a send may have saved the need, the next send repeats it exactly.
        for (let i = 0; i + 1 < sent.length; i++) {
          if (settlementOf(sent[i]!.answer) === 'unknown') {
            expect(sent[i + 1]!.key).toBe(sent[i]!.key);
            expect(sent[i + 1]!.body).toBe(sent[i]!.body);
          }
        }
        // A key is only ever sent with one body.
        const bodies = new Map<string, string>();
        for (const { key, body } of sent) {
          expect(bodies.get(key) ?? body).toBe(body);
          bodies.set(key, body);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('retryDelayMs', () => {
  it('backs off exponentially, follows Retry-After, and stays within bounds', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(network, attempt))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000]);
    expect(retryDelayMs(problem(503, '/problems/outcome-unknown', 0), 1)).toBe(1_000);
    expect(retryDelayMs(problem(503, '/problems/outcome-unknown', 120), 1)).toBe(10_000);
  });
});

describe('retryAfterFrom', () => {
  it.each([
    ['3', 3],
    [' 10 ', 10],
    [null, undefined],
    ['Wed, 21 Oct 2026 07:28:00 GMT', undefined],
    ['-1', undefined],
    ['1.5', undefined],
  ] as const)('%j → %s', (header, expected) => {
    expect(retryAfterFrom(header)).toBe(expected);
  });
});
