// Needs from visits (shared/domain/visit-need.ts): the body is the form's with the task force's
// consent, the need must be the visit's enterprise, and the consent gate — a paper consent routes
// the need, none keeps it from every bank until the owner confirms (need-changes.ts) in a new round.
import { describe, expect, it } from 'vitest';
import { amendNeed, type AmendmentWrite, type ChangeableNeed, type NeedChangeStore } from '../../shared/domain/need-changes';
import { needActions } from '../../shared/domain/need-actions';
import { needSubmissionSchema } from '../../shared/domain/need';
import { needStatusView, OPEN_STATUSES } from '../../shared/domain/need-record';
import { rankBanks } from '../../shared/domain/ranking';
import { recomputeCounters } from '../../shared/domain/recompute';
import { routeStep, type RoutingPort } from '../../shared/domain/routing';
import { parseBank } from '../../shared/domain/bank';
import { timelineText } from '../../shared/domain/timeline-text';
import {
  consentOnRecord,
  createVisitNeedRecord,
  paperConsentRecipients,
  parseVisitNeed,
  VISIT_NEED_COUNTERS,
  visitMatchErrors,
  type ValidVisitNeed,
  type VisitNeedInput,
} from '../../shared/domain/visit-need';
import { routingPhaseKey } from '../../shared/adapters/routing-phase';
import { SME_LOAN_PRODUCT } from '../support/test-banks';
import { validSubmission } from '../support/needs';

const now = new Date('2026-12-01T02:00:00Z');
const NEED_ID = '01JDZ8Q8Y3M3B3X9N7W1V2C4D5';
const SERVING = [
  { bankId: 'xihu-bank', nameZh: '西湖银行', nameEn: 'Xihu Bank' },
  { bankId: 'zj-bank', nameZh: '浙江银行', nameEn: 'Zhejiang Bank' },
];
const PAPER = { kind: 'paper', reference: 'XH-2026-0412', textVersion: '2026-12', bankIds: ['xihu-bank'] };

function body(consent?: unknown): VisitNeedInput {
  const { consent: _formConsent, ...rest } = validSubmission();
  return { ...rest, ...(consent === undefined ? {} : { consent }) } as VisitNeedInput;
}

function parsed(consent?: unknown): ValidVisitNeed {
  const result = parseVisitNeed(body(consent));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.need;
}

const visitOf = (need: ValidVisitNeed) => ({ visitId: '01JE0000000000000000000000', creditCode: need.enterprise.creditCode, countyCode: need.enterprise.countyCode });

function record(consent?: unknown) {
  const input = parsed(consent);
  const picked = paperConsentRecipients(input, SERVING);
  if (!picked.ok) throw new Error('banks');
  return createVisitNeedRecord({ input, visit: visitOf(input), needId: NEED_ID, now, trackingTokenHash: 'hash', enteredBy: 'xihu-officer', ...(picked.recipients ? { recipients: picked.recipients } : {}) });
}

describe('the body: the form’s need, the task force’s consent', () => {
  it('validates the need as the form does, with the same field errors in Chinese and English', () => {
    const bad = body();
    bad.enterprise.creditCode = '9133010652601815X9';
    bad.contact.mobile = '12345';
    const result = parseVisitNeed(bad);
    expect(result.ok).toBe(false);
    const form = needSubmissionSchema.safeParse({ ...validSubmission(), enterprise: bad.enterprise, contact: bad.contact });
    expect(form.success).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { pointer: '/enterprise/creditCode', code: 'credit_code.check', message: { zh: '统一社会信用代码校验位不正确，请核对', en: expect.stringContaining('check character') } },
      { pointer: '/contact/mobile', code: 'mobile.invalid', message: { zh: expect.any(String), en: expect.any(String) } },
    ]);
  });

  it('takes a signed paper consent with its reference and named banks, or none; never the form’s online consent', () => {
    expect(parsed(PAPER).consent).toEqual(PAPER);
    expect(parsed().consent).toBeUndefined();
    const errors = (consent: unknown) => {
      const result = parseVisitNeed(body(consent));
      return result.ok ? [] : result.errors.map((e) => `${e.pointer} ${e.code}`);
    };
    expect(errors({ shareWithBanks: true, textVersion: '2026-12', bankIds: ['xihu-bank'] })).toEqual(
      expect.arrayContaining(['/consent/kind required', '/consent/shareWithBanks unknown_field']),
    );
    expect(errors({ ...PAPER, kind: 'online' })).toEqual(['/consent/kind consent.paper_kind']);
    expect(errors({ ...PAPER, reference: '  ' })).toEqual(['/consent/reference consent.paper_reference']);
    expect(errors({ ...PAPER, reference: 'x'.repeat(65) })).toEqual(['/consent/reference consent.paper_reference']);
    // The 2026-11 text named no bank: a paper consent must name them, as the 2026-12 text does.
    expect(errors({ ...PAPER, textVersion: '2026-11' })).toEqual(['/consent/textVersion consent.paper_version']);
    const { bankIds: _b, ...noBanks } = PAPER;
    expect(errors(noBanks)).toEqual(['/consent/bankIds required']);
  });

  it('a paper consent names only banks serving the county (else /consent/bankIds)', () => {
    expect(paperConsentRecipients(parsed(PAPER), SERVING)).toEqual({ ok: true, recipients: [SERVING[0]] });
    const other = paperConsentRecipients(parsed({ ...PAPER, bankIds: ['far-bank'] }), SERVING);
    expect(other).toMatchObject({ ok: false, errors: [{ pointer: '/consent/bankIds', code: 'consent.bank_not_serving' }] });
    expect(paperConsentRecipients(parsed(), SERVING)).toEqual({ ok: true });
  });

  it('the need must be the visit’s enterprise and in the visit’s county', () => {
    const need = parsed();
    expect(visitMatchErrors(need, visitOf(need))).toEqual([]);
    expect(visitMatchErrors(need, { ...visitOf(need), creditCode: '91330106MA2KXXXX0X' })).toEqual([
      { pointer: '/enterprise/creditCode', code: 'visit_need.credit_code', message: { zh: '统一社会信用代码与该走访记录的企业不一致', en: 'The credit code is not the one of the visited enterprise' } },
    ]);
    expect(visitMatchErrors(need, { ...visitOf(need), countyCode: '330108' }).map((e) => e.pointer)).toEqual(['/enterprise/countyCode']);
  });
});

describe('the consent gate', () => {
  it('a paper consent is on record: the need is submitted, source visit, its consent the paper one with its reference', () => {
    const need = record(PAPER);
    expect(need).toMatchObject({ status: 'submitted', source: 'visit', visitId: '01JE0000000000000000000000', enteredBy: 'xihu-officer' });
    expect(need.consent).toEqual({ shareWithBanks: true, textVersion: '2026-12', at: now.toISOString(), recipients: [SERVING[0]], kind: 'paper', reference: 'XH-2026-0412' });
    expect(need.timeline).toEqual([{ at: now.toISOString(), status: 'submitted', code: 'entered_from_visit' }]);
    expect(consentOnRecord(need.consent)).toBe(true);
    expect(routingPhaseKey(need)).toEqual({ routingPhase: `waiting#${need.submittedAt}#${NEED_ID}` });
  });

  it('without one the need awaits it: open (it holds the credit code), on no routing index, its consent naming no bank', () => {
    const need = record();
    expect(need.status).toBe('awaiting_consent');
    expect(OPEN_STATUSES.has('awaiting_consent')).toBe(true);
    expect(need.consent).toEqual({ shareWithBanks: false, textVersion: '2026-12', at: now.toISOString(), recipients: [] });
    expect(consentOnRecord(need.consent)).toBe(false);
    expect(routingPhaseKey(need)).toEqual({});
    expect(need.timeline.map((e) => ('code' in e ? e.code : ''))).toEqual(['awaiting_consent']);
    expect(timelineText(need.timeline[0]!, 'zh')).toContain('等待企业确认授权');
    expect(timelineText(need.timeline[0]!, 'en')).toContain('no bank receives it');
  });

  it('the status view shows it waiting for the owner’s confirmation, the page asks for it; amend is not offered', () => {
    const view = needStatusView(record());
    expect(view).toMatchObject({ status: 'awaiting_consent', source: 'visit', consentBankIds: [], actions: { amend: false, withdraw: true, confirmConsent: true } });
    expect(needActions(record(PAPER))).toEqual({ amend: false, withdraw: true });
  });

  it('no bank fits a need whose consent is not on record, even one serving the county with a product for it', () => {
    const parsedBank = parseBank({ bankId: 'xihu-bank', nameZh: '西湖银行', nameEn: 'Xihu Bank', divisions: ['330106'], products: [SME_LOAN_PRODUCT], capacity: 10, webhookUrl: 'https://x.example.cn/h' });
    if (!parsedBank.ok) throw new Error('bank');
    const input = (need: ReturnType<typeof record>) => ({ need, banks: [parsedBank.bank], openReferrals: {}, lastOfferedAt: {}, excludedBankIds: new Set<string>() });
    expect(rankBanks(input(record(PAPER))).map((r) => r.bankId)).toEqual(['xihu-bank']);
    expect(rankBanks(input(record()))).toEqual([]);
  });

  it('the route step offers nothing for it: no bank read, no screening, no referral', async () => {
    const need = record();
    const untouched = () => {
      throw new Error('the route step went on');
    };
    const store = { getNeed: async () => need, getReferral: untouched, listBanks: untouched, negativeEntries: untouched, recordScreening: untouched, createReferral: untouched, escalate: untouched } as unknown as RoutingPort;
    const settings = { calendar: { current: untouched }, timeScale: 1, maxOffers: 5 } as never;
    expect(await routeStep(store, settings, NEED_ID, now, () => 'R1')).toEqual({ recommended: false, found: false, awaitingConsent: true });
  });

  it('counts declared and declaredFromVisits on the day of entry; the recompute agrees', () => {
    expect(VISIT_NEED_COUNTERS).toEqual({ declared: 1, declaredFromVisits: 1 });
    const rows = recomputeCounters({ needs: [record(), { ...record(PAPER), needId: 'N2' }, { ...record(), needId: 'N3', source: 'self_declared' as const }], referrals: [] });
    expect(rows).toEqual([{ day: '2026-12-01', countyCode: '330106', counters: { declared: 3, declaredFromVisits: 2 } }]);
  });
});

describe('the owner confirms: the consent recorded, routing in a new round', () => {
  class Store implements NeedChangeStore {
    amended: AmendmentWrite[] = [];
    constructor(public current: ChangeableNeed) {}
    getNeed = async () => structuredClone(this.current);
    getReferral = async () => undefined;
    async amend(_need: ChangeableNeed, change: AmendmentWrite) {
      this.amended.push(change);
      this.current = { ...this.current, status: 'submitted', routingRound: change.round, ...(change.consent ? { consent: change.consent } : {}) };
      return 'written' as const;
    }
    recordConsent = async () => {
      throw new Error('a confirmation is not a renewal on its own');
    };
    withdraw = async () => 'written' as const;
  }
  const started: string[] = [];
  const deps = (store: Store) => ({
    store,
    workflow: { fail: async () => 'resumed' as const, start: async (needId: string, name: string) => (started.push(`${needId} ${name}`), 'started' as const) },
    servingBanks: async () => SERVING,
  });
  const consent = { shareWithBanks: true as const, textVersion: '2026-12', bankIds: ['xihu-bank', 'zj-bank'] };

  it('records the consent naming the banks and starts the round <needId>-a1', async () => {
    const store = new Store(record());
    started.length = 0;
    const outcome = await amendNeed(deps(store), NEED_ID, { consent }, now);
    expect(outcome).toMatchObject({ kind: 'changed', need: { status: 'submitted', routingRound: 1, consent: { shareWithBanks: true, recipients: SERVING } } });
    expect(store.amended).toEqual([expect.objectContaining({ round: 1, changed: [], consentConfirmed: true, consent: { shareWithBanks: true, textVersion: '2026-12', at: now.toISOString(), recipients: SERVING } })]);
    expect(started).toEqual([`${NEED_ID} ${NEED_ID}-a1`]);
  });

  it('also when no bank serves the county yet (the need then goes to the task force), but not without a consent', async () => {
    const store = new Store(record());
    started.length = 0;
    expect(await amendNeed({ ...deps(store), servingBanks: async () => [] }, NEED_ID, { consent: { ...consent, bankIds: [] } }, now)).toMatchObject({ kind: 'changed' });
    expect(started).toEqual([`${NEED_ID} ${NEED_ID}-a1`]);
    const waiting = new Store(record());
    expect(await amendNeed(deps(waiting), NEED_ID, { need: { amountYuan: 300_000 } }, now)).toEqual({ kind: 'refused', reason: 'consent_needed' });
    expect(waiting.amended).toEqual([]);
  });

  it('refuses a bank that does not serve the county, nothing written', async () => {
    const store = new Store(record());
    const outcome = await amendNeed(deps(store), NEED_ID, { consent: { ...consent, bankIds: ['far-bank'] } }, now);
    expect(outcome).toMatchObject({ kind: 'invalid', errors: [{ pointer: '/consent/bankIds' }] });
    expect(store.amended).toEqual([]);
  });
});

describe('the status page asks for the consent', () => {
  it('of a need awaiting it: every bank serving the county now (none yet too); of another, only the banks its consent lacks', async () => {
    const { consentToAsk } = await import('../../web/src/need-changes');
    const waiting = { consentBankIds: [] as string[], actions: { amend: false, withdraw: true, confirmConsent: true as const } };
    expect(consentToAsk(waiting, SERVING)).toEqual({ kind: 'confirm', banks: SERVING });
    expect(consentToAsk(waiting, [])).toEqual({ kind: 'confirm', banks: [] });
    const consented = { consentBankIds: ['xihu-bank'], actions: { amend: false, withdraw: true } };
    expect(consentToAsk(consented, SERVING)).toEqual({ kind: 'renew', banks: [SERVING[1]] });
    expect(consentToAsk({ ...consented, consentBankIds: ['xihu-bank', 'zj-bank'] }, SERVING)).toBeUndefined();
  });
});
