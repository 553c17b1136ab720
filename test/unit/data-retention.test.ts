// The retention rule for personal data: what is erased, when, and the run over a store.
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/domain/audit';
import { auditRecordSchema } from '../../shared/domain/audit';
import {
  DEFAULT_RETENTION_DAYS,
  ERASED_MARKER,
  erasedNeed,
  erasePersonalData,
  erasureDecision,
  isClosed,
  personalFields,
  retentionCutoff,
  type ErasableNeed,
  type PersonalDataStore,
  type PersonalField,
} from '../../shared/domain/data-retention';
import { createNeedRecord, NEED_STATUSES, type NeedStatus } from '../../shared/domain/need-record';
import { needSubmissionSchema } from '../../shared/domain/need';
import { validSubmission } from '../support/needs';

const DAY = 86_400_000;
const now = new Date('2027-06-30T00:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY).toISOString();

function need(change: Partial<ErasableNeed> & { entityType?: ErasableNeed['enterprise']['entityType']; description?: string } = {}): ErasableNeed {
  const { entityType = 'enterprise', description, ...rest } = change;
  return {
    needId: 'N1',
    status: 'granted',
    updatedAt: daysAgo(200),
    enterprise: { entityType },
    need: description === undefined ? {} : { description },
    ...rest,
  };
}

describe('closed needs', () => {
  it('are those in the statuses that no longer block a new submission', () => {
    expect(NEED_STATUSES.filter(isClosed)).toEqual(['not_recommended', 'granted', 'disbursed', 'unmatched', 'withdrawn', 'returned']);
  });
});

describe('erasureDecision', () => {
  it('erases a closed need whose last change is older than the retention time', () => {
    expect(erasureDecision(need({ updatedAt: daysAgo(181) }), now, 180)).toEqual({ erase: true, fields: ['contact.name', 'contact.mobile'] });
  });

  it('keeps a closed need within the retention time, to the millisecond', () => {
    expect(erasureDecision(need({ updatedAt: daysAgo(179) }), now, 180)).toEqual({ erase: false, reason: 'within_retention' });
    expect(erasureDecision(need({ updatedAt: daysAgo(180) }), now, 180)).toEqual({ erase: false, reason: 'within_retention' });
    expect(erasureDecision(need({ updatedAt: new Date(now.getTime() - 180 * DAY - 1).toISOString() }), now, 180).erase).toBe(true);
  });

  it.each(['submitted', 'screening', 'recommended', 'offered', 'accepted'] as NeedStatus[])('keeps an open need (%s), however old', (status) => {
    expect(erasureDecision(need({ status, updatedAt: daysAgo(3650) }), now, 180)).toEqual({ erase: false, reason: 'open' });
  });

  it.each(['not_recommended', 'granted', 'disbursed', 'unmatched'] as NeedStatus[])('erases a closed need (%s)', (status) => {
    expect(erasureDecision(need({ status }), now, 180).erase).toBe(true);
  });

  it('does not erase twice, and does not guess without a time', () => {
    expect(erasureDecision(need({ personalDataErasedAt: daysAgo(10) }), now, 180)).toEqual({ erase: false, reason: 'erased' });
    expect(erasureDecision(need({ updatedAt: 'not a time' }), now, 180)).toEqual({ erase: false, reason: 'no_timestamp' });
  });

  it('follows the setting: a shorter retention erases sooner', () => {
    expect(erasureDecision(need({ updatedAt: daysAgo(31) }), now, 30).erase).toBe(true);
    expect(erasureDecision(need({ updatedAt: daysAgo(31) }), now, DEFAULT_RETENTION_DAYS).erase).toBe(false);
  });

  it('refuses a retention that is not a whole number of days', () => {
    for (const days of [0, -1, 1.5, Number.NaN]) expect(() => retentionCutoff(now, days)).toThrow(/retention/);
  });
});

describe('personalFields', () => {
  it('are the contact always, the free text when given', () => {
    expect(personalFields(need())).toEqual(['contact.name', 'contact.mobile']);
    expect(personalFields(need({ description: '' }))).toEqual(['contact.name', 'contact.mobile']);
    expect(personalFields(need({ description: '采购原料' }))).toEqual(['contact.name', 'contact.mobile', 'need.description']);
  });

  it("include the name and credit code of a business run by a natural person, not a company's or a cooperative's", () => {
    const natural: PersonalField[] = ['contact.name', 'contact.mobile', 'enterprise.name', 'enterprise.creditCode'];
    expect(personalFields(need({ entityType: 'individual_business' }))).toEqual(natural);
    expect(personalFields(need({ entityType: 'family_farm' }))).toEqual(natural);
    expect(personalFields(need({ entityType: 'farmers_cooperative' }))).toEqual(['contact.name', 'contact.mobile']);
  });
});

describe('erasedNeed', () => {
  it('replaces exactly the fields with the marker and keeps everything the lists, reports and recompute read', () => {
    const submission = validSubmission();
    submission.enterprise.entityType = 'individual_business';
    const record = createNeedRecord({
      input: needSubmissionSchema.parse(submission),
      needId: '01JCDXQ7Z3M8Y4N5P6R7S8T9VW',
      now: new Date(daysAgo(400)),
      trackingTokenHash: 'hash',
    });
    const erased = erasedNeed(record, personalFields(record), now);
    const expected = structuredClone(record);
    expected.contact = { name: ERASED_MARKER, mobile: ERASED_MARKER };
    expected.enterprise.name = ERASED_MARKER;
    expected.enterprise.creditCode = ERASED_MARKER;
    expected.need.description = ERASED_MARKER;
    expect(erased).toEqual({ ...expected, personalDataErasedAt: now.toISOString() });
    for (const value of [submission.contact.mobile, submission.contact.name, submission.enterprise.creditCode, submission.enterprise.name]) {
      expect(JSON.stringify(erased)).not.toContain(value);
    }
    // The input is left as it was.
    expect(record.contact.mobile).toBe('13800138000');
  });
});

class MemoryStore implements PersonalDataStore {
  readonly audits: AuditRecord[] = [];
  readonly erased: string[] = [];
  readonly racing = new Set<string>();
  constructor(
    readonly needs: Map<string, ErasableNeed>,
    private readonly pageSize = 2,
  ) {}
  async *candidates(before: Date) {
    const ids = [...this.needs.values()].filter((n) => isClosed(n.status) && Date.parse(n.updatedAt) < before.getTime()).map((n) => n.needId);
    for (let i = 0; i < ids.length; i += this.pageSize) yield ids.slice(i, i + this.pageSize);
  }
  async get(needId: string) {
    return this.needs.get(needId);
  }
  async erase(n: ErasableNeed, _fields: readonly PersonalField[], at: Date, audit: AuditRecord) {
    if (this.racing.has(n.needId)) return 'changed' as const;
    this.needs.set(n.needId, { ...n, personalDataErasedAt: at.toISOString() });
    this.erased.push(n.needId);
    this.audits.push(audit);
    return 'erased' as const;
  }
}

describe('erasePersonalData', () => {
  const store = () =>
    new MemoryStore(
      new Map(
        [
          need({ needId: 'old-granted' }),
          need({ needId: 'old-unmatched', status: 'unmatched', description: '采购' }),
          need({ needId: 'old-open', status: 'offered' }),
          need({ needId: 'recent', updatedAt: daysAgo(10) }),
          need({ needId: 'done', personalDataErasedAt: daysAgo(1) }),
        ].map((n) => [n.needId, n]),
      ),
    );

  it('erases the due needs, audits each erasure with the fields, and counts what it kept', async () => {
    const s = store();
    const run = await erasePersonalData(s, { now, retentionDays: 180 });
    expect(s.erased.sort()).toEqual(['old-granted', 'old-unmatched']);
    expect(run).toMatchObject({ examined: 3, erased: 2, complete: true, cutoff: daysAgo(180) });
    expect(run.kept).toMatchObject({ erased: 1, open: 0, within_retention: 0 });
    for (const audit of s.audits) expect(auditRecordSchema.parse(audit)).toEqual(audit);
    expect(s.audits.find((a) => 'needId' in a && a.needId === 'old-unmatched')).toEqual({
      kind: 'personal-data-erased',
      at: now.toISOString(),
      needId: 'old-unmatched',
      erased: ['contact.name', 'contact.mobile', 'need.description'],
      retentionDays: 180,
    });
    // A second run finds nothing more to do.
    const again = await erasePersonalData(s, { now, retentionDays: 180 });
    expect(again.erased).toBe(0);
  });

  it('re-checks each candidate on its full record: an open or recent one slipped into the candidates is kept', async () => {
    const s = store();
    s.candidates = async function* () {
      yield ['old-open', 'recent', 'gone'];
    };
    const run = await erasePersonalData(s, { now, retentionDays: 180 });
    expect(s.erased).toEqual([]);
    expect(run.kept).toMatchObject({ open: 1, within_retention: 1, missing: 1 });
  });

  it('leaves a need that changed meanwhile for the next run', async () => {
    const s = store();
    s.racing.add('old-granted');
    const run = await erasePersonalData(s, { now, retentionDays: 180 });
    expect(run.kept.changed).toBe(1);
    expect(s.erased).toEqual(['old-unmatched']);
  });

  it('stops when told (time is running out) and says the run is incomplete', async () => {
    const s = store();
    let allowed = 1;
    const run = await erasePersonalData(s, { now, retentionDays: 180, concurrency: 1, keepGoing: () => allowed-- > 0 });
    expect(run.complete).toBe(false);
    expect(s.erased).toHaveLength(1);
  });
});
