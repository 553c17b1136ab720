import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { needSubmissionSchema, type NeedSubmission, type ValidNeed } from '../../shared/domain/need';
import {
  CONSENT_RECIPIENTS,
  OPEN_STATUSES,
  chinaDay,
  createNeedRecord,
  needStatusView,
  statusPageUrl,
  type NeedRecord,
} from '../../shared/domain/need-record';
import { submitNeed, type SubmitNeedDeps } from '../../shared/domain/submit-need';
import type { CreateNeedOutcome, NeedRepository } from '../../shared/domain/ports';
import { validSubmission } from '../../test/support/needs';

function validNeed(mutate: (body: NeedSubmission) => void = () => {}): ValidNeed {
  const body = validSubmission();
  mutate(body);
  return needSubmissionSchema.parse(body);
}

const NOW = new Date('2026-11-30T08:30:00.000Z');

function record(input: ValidNeed = validNeed(), now: Date = NOW): NeedRecord {
  return createNeedRecord({ input, needId: '01JDZ8Q8Y3M3B3X9N7W1V2C4D5', now, trackingTokenHash: 'hash-of-token' });
}

describe('chinaDay (UTC+8, no daylight saving)', () => {
  it.each([
    ['2026-11-30T15:59:59.999Z', '2026-11-30'],
    ['2026-11-30T16:00:00.000Z', '2026-12-01'],
    ['2026-11-29T16:00:00.000Z', '2026-11-30'],
    ['2026-12-31T16:00:00.000Z', '2027-01-01'],
    ['2028-02-28T16:00:00.000Z', '2028-02-29'],
    ['2026-07-01T00:00:00.000Z', '2026-07-01'],
  ])('%s → %s', (instant, day) => {
    expect(chinaDay(new Date(instant))).toBe(day);
  });

  it('is the UTC day of the instant eight hours later, for any instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        const shifted = new Date(d.getTime() + 8 * 3600 * 1000);
        const expected = `${shifted.getUTCFullYear()}-${String(shifted.getUTCMonth() + 1).padStart(2, '0')}-${String(shifted.getUTCDate()).padStart(2, '0')}`;
        expect(chinaDay(d)).toBe(expected);
      }),
    );
  });
});

describe('createNeedRecord', () => {
  it('starts as a submitted, self-declared need at the given time', () => {
    const r = record();
    expect(r.needId).toBe('01JDZ8Q8Y3M3B3X9N7W1V2C4D5');
    expect(r.status).toBe('submitted');
    expect(r.source).toBe('self_declared');
    expect(r.submittedAt).toBe('2026-11-30T08:30:00.000Z');
    expect(r.updatedAt).toBe(r.submittedAt);
    expect(r.submittedDay).toBe('2026-11-30');
    expect(r.trackingTokenHash).toBe('hash-of-token');
    expect(OPEN_STATUSES.has(r.status)).toBe(true);
  });

  it('takes the submission day in China Standard Time', () => {
    expect(record(validNeed(), new Date('2026-11-30T16:00:00.000Z')).submittedDay).toBe('2026-12-01');
    expect(record(validNeed(), new Date('2026-11-30T15:59:59.999Z')).submittedDay).toBe('2026-11-30');
  });

  it.each([
    ['C14, 25 staff, 4,000,000 yuan', 25, 4_000_000, 'small'],
    ['C14, 5 staff, 4,000,000 yuan', 5, 4_000_000, 'micro'],
    ['C14, 25 staff, 2,999,999 yuan', 25, 2_999_999, 'micro'],
    ['C14, 400 staff, 50,000,000 yuan', 400, 50_000_000, 'medium'],
    ['C14, 1,000 staff, 400,000,000 yuan', 1_000, 400_000_000, 'large'],
  ] as const)('classifies %s as %s via the industry size category', (_label, employees, annualRevenueYuan, size) => {
    const r = record(validNeed((b) => Object.assign(b.enterprise, { employees, annualRevenueYuan })));
    expect(r.sizeClass).toBe(size);
    expect(r.enterprise.sizeCategory).toBe('industry');
    expect(r.enterprise.industrySection).toBe('C');
  });

  it('uses the size table of the chosen industry, not a fixed one', () => {
    // 15 staff and 1,500,000 yuan: small in retail (≥10 & ≥1,000,000), micro in manufacturing (<20 staff).
    const figures = { employees: 15, annualRevenueYuan: 1_500_000 };
    const retail = record(validNeed((b) => Object.assign(b.enterprise, figures, { industryCode: 'F52' })));
    const manufacturing = record(validNeed((b) => Object.assign(b.enterprise, figures, { industryCode: 'C14' })));
    expect(retail.enterprise.sizeCategory).toBe('retail');
    expect(retail.sizeClass).toBe('small');
    expect(manufacturing.sizeClass).toBe('micro');
    // A property manager (K702) with 150 staff and 6,000,000 yuan is small.
    const property = record(
      validNeed((b) => Object.assign(b.enterprise, { industryCode: 'K702', employees: 150, annualRevenueYuan: 6_000_000 })),
    );
    expect(property.enterprise.sizeCategory).toBe('propertyManagement');
    expect(property.enterprise.industrySection).toBe('K');
    expect(property.sizeClass).toBe('small');
  });

  it('fills the province and prefecture of the county', () => {
    const r = record(validNeed((b) => (b.enterprise.countyCode = '330106')));
    expect(r.enterprise.countyCode).toBe('330106');
    expect(r.enterprise.prefectureCode).toBe('330100');
    expect(r.enterprise.provinceCode).toBe('330000');
  });

  it.each([
    ['110101', '110000', 'a municipal district'],
    ['419001', '410000', 'a province-administered city'],
  ])('%s (%s) rolls up to %s with no prefecture', (county, province) => {
    const r = record(validNeed((b) => (b.enterprise.countyCode = county)));
    expect(r.enterprise.provinceCode).toBe(province);
    expect(r.enterprise.prefectureCode).toBeUndefined();
    expect('prefectureCode' in r.enterprise).toBe(false);
  });

  it('records the separate consent with its text version, time and recipients', () => {
    const r = record();
    expect(r.consent).toEqual({
      shareWithBanks: true,
      textVersion: '2026-11',
      at: '2026-11-30T08:30:00.000Z',
      recipients: CONSENT_RECIPIENTS,
    });
    expect(r.consent.recipients.length).toBeGreaterThan(0);
  });

  it('starts the timeline with one "submitted" entry at the submission time', () => {
    const r = record();
    expect(r.timeline).toHaveLength(1);
    expect(r.timeline[0]).toMatchObject({ at: r.submittedAt, status: 'submitted' });
    expect(r.timeline[0]).toEqual({ at: r.submittedAt, status: 'submitted', code: 'submitted' });
  });

  it('keeps the validated enterprise, contact and need', () => {
    const input = validNeed();
    const r = record(input);
    expect(r.enterprise).toMatchObject(input.enterprise);
    expect(r.contact).toEqual(input.contact);
    expect(r.need).toEqual(input.need);
  });

  it('refuses a need that did not come through the schema (unknown county)', () => {
    const input = { ...validNeed(), enterprise: { ...validNeed().enterprise, countyCode: '999999' } };
    expect(() => record(input)).toThrow(/unknown industry or county/);
  });
});

describe('needStatusView', () => {
  it('shows the need and its timeline', () => {
    const r = record();
    expect(needStatusView(r)).toEqual({
      needId: r.needId,
      status: 'submitted',
      sizeClass: r.sizeClass,
      submittedAt: r.submittedAt,
      enterprise: { name: '杭州西湖食品有限公司', countyCode: '330106', industryCode: 'C14', hasFixedPremises: true },
      need: r.need,
      timeline: r.timeline,
      // Open and routing: the owner may withdraw it, not amend it.
      actions: { amend: false, withdraw: true },
    });
  });

  it('never shows contact details, the credit code, the consent or the token hash', () => {
    const r = record();
    const view = needStatusView(r);
    const text = JSON.stringify(view);
    expect(view).not.toHaveProperty('contact');
    expect(view).not.toHaveProperty('trackingTokenHash');
    expect(view).not.toHaveProperty('consent');
    expect(view.enterprise).not.toHaveProperty('creditCode');
    expect(text).not.toContain(r.contact.mobile);
    expect(text).not.toContain(r.contact.name);
    expect(text).not.toContain(r.trackingTokenHash);
    expect(text).not.toContain(r.enterprise.creditCode);
  });
});

describe('statusPageUrl', () => {
  it('puts needId and token in the fragment, never in the query', () => {
    const url = statusPageUrl('https://smefin.example.cn', '01JDZ8', 'secret-token');
    expect(url).toBe('https://smefin.example.cn/status.html#needId=01JDZ8&token=secret-token');
    expect(url).not.toContain('?');
    const parsed = new URL(url);
    expect(parsed.search).toBe('');
    expect(parsed.pathname).toBe('/status.html');
  });

  it('strips a trailing slash of the origin', () => {
    expect(statusPageUrl('https://smefin.example.cn/', 'N1', 't')).toBe(statusPageUrl('https://smefin.example.cn', 'N1', 't'));
    expect(statusPageUrl('http://localhost:3000/', 'N1', 't')).toBe('http://localhost:3000/status.html#needId=N1&token=t');
  });

  it('round-trips any token and id through the fragment', () => {
    const safe = fc.string({ minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(safe, safe, (needId, token) => {
        const url = new URL(statusPageUrl('https://smefin.example.cn/', needId, token));
        expect(url.search).toBe('');
        expect(url.pathname).toBe('/status.html');
        const params = new URLSearchParams(url.hash.slice(1));
        expect(params.get('needId')).toBe(needId);
        expect(params.get('token')).toBe(token);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// submitNeed with an in-memory repository that keeps the "one open need per credit code" rule.

class InMemoryNeeds implements NeedRepository {
  readonly records = new Map<string, NeedRecord>();
  readonly counters = new Map<string, number>();
  readonly calls: NeedRecord[] = [];

  async create(r: NeedRecord): Promise<CreateNeedOutcome> {
    this.calls.push(r);
    const open = [...this.records.values()].some(
      (existing) => existing.enterprise.creditCode === r.enterprise.creditCode && OPEN_STATUSES.has(existing.status),
    );
    if (open) return { kind: 'open_need_exists' };
    this.records.set(r.needId, structuredClone(r));
    const key = `${r.enterprise.countyCode}#${r.submittedDay}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
    return { kind: 'created' };
  }

  async get(needId: string): Promise<NeedRecord | undefined> {
    return this.records.get(needId);
  }

  async ping(): Promise<void> {}
}

function deps(needs: NeedRepository = new InMemoryNeeds()): SubmitNeedDeps & { clockCalls: Date[]; idCalls: Date[] } {
  let n = 0;
  const clockCalls: Date[] = [];
  const idCalls: Date[] = [];
  return {
    needs,
    clockCalls,
    idCalls,
    now: () => {
      const d = new Date(NOW.getTime() + n * 1000);
      clockCalls.push(d);
      return d;
    },
    newId: (now) => {
      idCalls.push(now);
      n += 1;
      return `NEED-${String(n).padStart(3, '0')}`;
    },
    issueTrackingToken: () => ({ token: `token-${n}`, hash: `hash-${n}` }),
    webOrigin: 'https://smefin.example.cn/',
  };
}

describe('submitNeed', () => {
  it('creates the need and answers with id, status, size, token and status link', async () => {
    const needs = new InMemoryNeeds();
    const d = deps(needs);
    const input = validNeed();
    const outcome = await submitNeed(input, d);
    expect(outcome).toEqual({
      kind: 'created',
      response: {
        needId: 'NEED-001',
        status: 'submitted',
        sizeClass: 'small',
        trackingToken: 'token-1',
        statusUrl: 'https://smefin.example.cn/status.html#needId=NEED-001&token=token-1',
      },
    });
  });

  it('stores the record built from the injected clock, id and token hash (never the token)', async () => {
    const needs = new InMemoryNeeds();
    const d = deps(needs);
    const input = validNeed();
    await submitNeed(input, d);
    expect(d.clockCalls).toEqual([NOW]);
    expect(d.idCalls).toEqual([NOW]);
    const stored = await needs.get('NEED-001');
    expect(stored).toEqual(
      createNeedRecord({ input, needId: 'NEED-001', now: NOW, trackingTokenHash: 'hash-1' }),
    );
    expect(stored?.submittedAt).toBe(NOW.toISOString());
    expect(JSON.stringify(stored)).not.toContain('token-1');
    expect(needs.counters.get('330106#2026-11-30')).toBe(1);
  });

  it('is deterministic given the same dependencies', async () => {
    const input = validNeed();
    const first = await submitNeed(input, deps());
    const second = await submitNeed(input, deps());
    expect(second).toEqual(first);
  });

  it('passes "open need exists" through and returns no token', async () => {
    const needs = new InMemoryNeeds();
    const d = deps(needs);
    const input = validNeed();
    const first = await submitNeed(input, d);
    expect(first.kind).toBe('created');
    const second = await submitNeed(input, d);
    expect(second).toEqual({ kind: 'open_need_exists' });
    expect(second).not.toHaveProperty('response');
    expect(JSON.stringify(second)).not.toContain('token');
    expect(needs.records.size).toBe(1);
    expect(needs.counters.get('330106#2026-11-30')).toBe(1);
  });

  it('lets another enterprise declare while one has an open need', async () => {
    const needs = new InMemoryNeeds();
    const d = deps(needs);
    await submitNeed(validNeed(), d);
    const other = await submitNeed(validNeed(), d);
    expect(other.kind).toBe('created');
    expect(needs.records.size).toBe(2);
  });

  it('passes whatever the repository says, without building a response', async () => {
    const refusing: NeedRepository = {
      create: async () => ({ kind: 'open_need_exists' }),
      get: async () => undefined,
      ping: async () => {},
    };
    expect(await submitNeed(validNeed(), deps(refusing))).toEqual({ kind: 'open_need_exists' });
  });

  it('propagates a repository failure', async () => {
    const failing: NeedRepository = {
      create: async () => {
        throw new Error('table unavailable');
      },
      get: async () => undefined,
      ping: async () => {},
    };
    await expect(submitNeed(validNeed(), deps(failing))).rejects.toThrow('table unavailable');
  });
});
