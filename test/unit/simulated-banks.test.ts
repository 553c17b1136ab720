// The simulated banks of `npm start`: the seed file, the behaviour decisions, the Standard Webhooks
// signatures both ways, and the whole offer → events loop against an in-process fake of the events
// endpoint (loopback HTTP only, fast: `speed` shrinks every wait).
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { bankEventSchema, declineReason, referralOfferedSchema, type OfferedNeed, type ReferralOffered } from '../../shared/domain/bank-events';
import { deliverWebhook, newSigningSecret, verifyWebhook } from '../../shared/adapters/webhooks';
import {
  decideOffer,
  loadBankSeed,
  notReadyRetry,
  parseBankSeed,
  plannedEvents,
  seedBanks,
  signedHeaders,
  SIMULATOR_PORT_PLACEHOLDER,
  startSimulatedBanks,
  type BankSeed,
  type SimulatedBanks,
} from '../../local/simulated-banks';
import seedFile from '../../local/banks.seed.json';

const secret = () => newSigningSecret((n) => randomBytes(n));

const need = (overrides: Partial<OfferedNeed> = {}): OfferedNeed => ({
  industryCode: 'C14',
  industrySection: 'C',
  sizeClass: 'small',
  countyCode: '330106',
  entityType: 'enterprise',
  yearsInOperation: 5,
  amountYuan: 500_000,
  termMonths: 12,
  purpose: 'working_capital',
  guarantee: 'any',
  firstLoan: true,
  ...overrides,
});

const offer = (referralId: string, overrides: Partial<OfferedNeed> = {}): ReferralOffered =>
  referralOfferedSchema.parse({
    type: 'referral.offered',
    timestamp: new Date().toISOString(),
    data: {
      referralId,
      deadline: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      respondBy: 'referral.accepted or referral.declined',
      need: need(overrides),
    },
  });

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('local/banks.seed.json', () => {
  const seed = loadBankSeed();

  it('is a valid seed of at least three banks, with every behaviour', () => {
    expect(seed.length).toBeGreaterThanOrEqual(3);
    const behaviours = seed.map((entry) => entry.simulation.behaviour);
    expect(new Set(behaviours)).toEqual(new Set(['grant', 'decline_above', 'silent']));
  });

  it('covers the whole country, with at least two national banks and one provincial bank', () => {
    const banks = seedBanks(seed, 4321);
    expect(banks.filter((b) => b.divisions.includes('000000')).length).toBeGreaterThanOrEqual(2);
    expect(banks.some((b) => b.divisions.includes('330000'))).toBe(true);
  });

  it('gets the real port in every webhook URL, one path per bank', () => {
    for (const bank of seedBanks(seed, 4321)) {
      expect(bank.webhookUrl).toBe(`http://127.0.0.1:4321/banks/${bank.bankId}/webhook`);
      expect(bank.active).toBe(true);
    }
  });

  it('declines with a published, repairable reason above a threshold the products allow', () => {
    const entry = seed.find((e) => e.simulation.behaviour === 'decline_above')!;
    const reason = declineReason(entry.simulation.declineReason ?? 'amount_above_repayment_capacity');
    expect(reason?.repairable).toBe(true);
    const maxAmount = Math.max(...entry.bank.products.map((p) => p.maxAmountYuan));
    expect(entry.simulation.declineAboveYuan!).toBeLessThan(maxAmount);
  });

  it('keeps answers quick (about 1–3 s) so npm start shows the loop', () => {
    for (const entry of seed) {
      if (entry.simulation.behaviour !== 'silent') expect(entry.simulation.answerAfterMs ?? 2000).toBeLessThanOrEqual(3000);
      if (entry.simulation.annualRateBp !== undefined) expect(entry.simulation.annualRateBp).toBeGreaterThan(100);
      if (entry.simulation.annualRateBp !== undefined) expect(entry.simulation.annualRateBp).toBeLessThan(1000);
    }
  });
});

describe('parseBankSeed', () => {
  const errorsOf = (mutate: (file: { banks: { bank: Record<string, unknown>; simulation: Record<string, unknown> }[] }) => void) => {
    const file = clone(seedFile) as unknown as { banks: { bank: Record<string, unknown>; simulation: Record<string, unknown> }[] };
    mutate(file);
    const result = parseBankSeed(file);
    return result.ok ? [] : result.errors;
  };

  it('accepts the seed file as is', () => {
    expect(errorsOf(() => undefined)).toEqual([]);
  });

  it('rejects a webhook URL the simulator does not serve', () => {
    expect(errorsOf((f) => (f.banks[0]!.bank.webhookUrl = 'http://127.0.0.1:{SIMULATOR_PORT}/elsewhere')).join()).toMatch(
      /banks\[0\]\.bank\/webhookUrl: must be http:\/\/127\.0\.0\.1:\{SIMULATOR_PORT\}\/banks\/huimin-bank\/webhook/,
    );
    expect(errorsOf((f) => (f.banks[0]!.bank.webhookUrl = 'http://example.com/banks/huimin-bank/webhook')).join()).toMatch(/webhookUrl/);
  });

  it('reports the registry’s field errors with their pointer', () => {
    const errors = errorsOf((f) => {
      (f.banks[1]!.bank.products as Record<string, unknown>[])[0]!.minAmountYuan = 9_999_999;
      f.banks[2]!.bank.divisions = ['999999'];
    });
    expect(errors.join('\n')).toMatch(/banks\[1\]\.bank\/products\/0\/maxAmountYuan: .*bank\.amount_range/);
    expect(errors.join('\n')).toMatch(/banks\[2\]\.bank\/divisions\/0: .*bank\.division/);
  });

  it('rejects a secret in the bank record, duplicate ids and bad simulations', () => {
    expect(errorsOf((f) => (f.banks[0]!.bank.secret = 'whsec_x')).join()).toMatch(/banks\[0\]\.bank/);
    expect(errorsOf((f) => (f.banks[2]!.bank = { ...f.banks[0]!.bank })).join()).toMatch(/duplicate bank id huimin-bank/);
    expect(errorsOf((f) => delete f.banks[1]!.simulation.declineAboveYuan).join()).toMatch(/decline_above needs declineAboveYuan/);
    expect(errorsOf((f) => (f.banks[1]!.simulation.declineReason = 'too_small')).join()).toMatch(/simulation\/declineReason/);
    expect(errorsOf((f) => (f.banks[0]!.simulation.behaviour = 'maybe')).join()).toMatch(/simulation\/behaviour/);
    expect(errorsOf((f) => (f.banks[0]!.simulation.declineAboveYuan = 1)).join()).toMatch(/only go with decline_above/);
  });

  it('rejects a file without banks', () => {
    expect(parseBankSeed({ banks: [] }).ok).toBe(false);
    expect(parseBankSeed([]).ok).toBe(false);
  });

  it('leaves the placeholder to the caller', () => {
    expect(SIMULATOR_PORT_PLACEHOLDER).toBe('{SIMULATOR_PORT}');
    expect(JSON.stringify(seedFile)).toContain(SIMULATOR_PORT_PLACEHOLDER);
  });
});

describe('decideOffer', () => {
  it('grants the offered amount and term, credit when the need accepts credit', () => {
    expect(decideOffer({ behaviour: 'grant', annualRateBp: 365 }, need({ guarantee: 'any' }))).toEqual({
      kind: 'grant',
      grant: { amountYuan: 500_000, annualRateBp: 365, termMonths: 12, loanType: 'credit', firstLoan: true },
    });
    const collateral = decideOffer({ behaviour: 'grant' }, need({ guarantee: 'collateral', firstLoan: false, termMonths: 36 }));
    expect(collateral).toMatchObject({ kind: 'grant', grant: { loanType: 'collateral', firstLoan: false, termMonths: 36, annualRateBp: 380 } });
    expect(decideOffer({ behaviour: 'grant' }, need({ guarantee: 'credit' }))).toMatchObject({ grant: { loanType: 'credit' } });
    expect(decideOffer({ behaviour: 'grant' }, need({ guarantee: 'pledge' }))).toMatchObject({ grant: { loanType: 'pledge' } });
  });

  it('declines above the threshold with the reason, and grants at or below it', () => {
    const simulation = { behaviour: 'decline_above' as const, declineAboveYuan: 300_000, declineReason: 'collateral_insufficient' as const };
    const declined = decideOffer(simulation, need({ amountYuan: 300_001 }));
    expect(declined).toMatchObject({ kind: 'decline', reasonCode: 'collateral_insufficient', repairable: true });
    expect(declined.kind === 'decline' && declined.note.length).toBeLessThanOrEqual(500);
    expect(decideOffer(simulation, need({ amountYuan: 300_000 })).kind).toBe('grant');
    expect(decideOffer({ behaviour: 'decline_above', declineAboveYuan: 1 }, need())).toMatchObject({
      reasonCode: 'amount_above_repayment_capacity',
    });
  });

  it('stays silent', () => {
    expect(decideOffer({ behaviour: 'silent' }, need())).toEqual({ kind: 'silent' });
    expect(plannedEvents({ kind: 'silent' })).toEqual([]);
  });

  it('builds events the platform accepts', () => {
    const grant = decideOffer({ behaviour: 'grant' }, need());
    if (grant.kind !== 'grant') throw new Error('expected a grant');
    const granted = { type: 'referral.granted', timestamp: new Date().toISOString(), data: { referralId: 'r1', ...grant.grant } };
    expect(bankEventSchema.safeParse(granted).success).toBe(true);
    const decline = decideOffer({ behaviour: 'decline_above', declineAboveYuan: 0, declineReason: 'other' }, need());
    if (decline.kind !== 'decline') throw new Error('expected a decline');
    const declined = {
      type: 'referral.declined',
      timestamp: new Date().toISOString(),
      data: { referralId: 'r1', reasonCode: decline.reasonCode, repairable: decline.repairable, note: decline.note },
    };
    expect(bankEventSchema.safeParse(declined).success).toBe(true);
    expect(plannedEvents(grant)).toEqual(['referral.accepted', 'referral.granted', 'referral.disbursed']);
  });
});

describe('signatures', () => {
  it('round-trips through the platform’s verifyWebhook', () => {
    const key = secret();
    const body = JSON.stringify({ type: 'referral.accepted', timestamp: new Date().toISOString(), data: { referralId: 'r1' } });
    const headers = signedHeaders([key], 'msg_1', new Date(), body);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifyWebhook(key, body, headers)).toEqual({ ok: true });
    expect(verifyWebhook(key, body.replace('r1', 'r2'), headers).ok).toBe(false);
    expect(verifyWebhook(secret(), body, headers).ok).toBe(false);
    expect(verifyWebhook(key, body, { ...headers, 'webhook-id': 'msg_2' }).ok).toBe(false);
  });

  it('signs with both secrets during a rotation, and either verifies', () => {
    const [oldKey, newKey] = [secret(), secret()];
    const body = '{"x":1}';
    const headers = signedHeaders([newKey, oldKey], 'msg_1', new Date(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyWebhook(oldKey, body, headers).ok).toBe(true);
    expect(verifyWebhook(newKey, body, headers).ok).toBe(true);
  });

  it('is refused outside the 5-minute tolerance', () => {
    const key = secret();
    const headers = signedHeaders([key], 'msg_1', new Date(Date.now() - 6 * 60_000), '{}');
    expect(verifyWebhook(key, '{}', headers).ok).toBe(false);
  });
});

describe('notReadyRetry', () => {
  it('retries only the not-ready problem, after its retryAfterSeconds', () => {
    expect(notReadyRetry(409, { type: '/problems/referral-not-ready', retryAfterSeconds: 5 })).toBe(5);
    expect(notReadyRetry(409, { type: '/problems/referral-not-ready' })).toBe(5);
    expect(notReadyRetry(409, { type: '/problems/referral-conflict' })).toBeUndefined();
    expect(notReadyRetry(404, { type: '/problems/referral-not-ready' })).toBeUndefined();
    expect(notReadyRetry(409, 'text')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// The loop against a fake events endpoint

interface FakeEvent {
  bankId: string;
  webhookId: string;
  type: string;
  data: Record<string, unknown>;
}

/** A fake of POST /v1/banks/{bankId}/events: verifies, answers like the platform, once not-ready for each grant. */
async function fakePlatform(secrets: Map<string, string>) {
  const events: FakeEvent[] = [];
  const rejected: string[] = [];
  const notReadyOnce = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const bankId = /^\/v1\/banks\/([^/]+)\/events$/.exec(req.url ?? '')?.[1] ?? '';
      const send = (status: number, answer: unknown, type = 'application/json') => {
        res.writeHead(status, { 'Content-Type': type });
        res.end(JSON.stringify(answer));
      };
      const key = secrets.get(bankId);
      const headers = Object.fromEntries(
        ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, req.headers[h] as string | undefined]),
      );
      if (!key || !verifyWebhook(key, body, headers).ok || req.headers['content-type'] !== 'application/json') {
        rejected.push(bankId);
        return send(401, { type: '/problems/unauthorized', status: 401 }, 'application/problem+json');
      }
      const parsed = bankEventSchema.safeParse(JSON.parse(body));
      if (!parsed.success) return send(400, { type: '/problems/validation', status: 400 }, 'application/problem+json');
      const event = parsed.data;
      if (event.type === 'referral.granted' && !notReadyOnce.has(event.data.referralId)) {
        notReadyOnce.add(event.data.referralId);
        return send(409, { type: '/problems/referral-not-ready', status: 409, retryAfterSeconds: 1 }, 'application/problem+json');
      }
      events.push({ bankId, webhookId: headers['webhook-id']!, type: event.type, data: event.data as Record<string, unknown> });
      const stage = event.type.replace('referral.', '');
      send(200, {
        status: stage,
        referralId: event.data.referralId,
        ...(event.type === 'referral.accepted'
          ? { disclosure: { enterprise: { name: '杭州西湖食品有限公司', creditCode: '9133010652601815X8' }, contact: { name: '王丽', mobile: '13800138000' } } }
          : {}),
      });
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    rejected,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('startSimulatedBanks', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(seed: BankSeed = loadBankSeed()) {
    const secrets = new Map(seed.map((entry) => [entry.bank.bankId, secret()]));
    const platform = await fakePlatform(secrets);
    cleanups.push(platform.stop);
    const lines: string[] = [];
    const sim: SimulatedBanks = await startSimulatedBanks({
      seed,
      apiUrl: `${platform.url}/`,
      secretFor: async (bankId) => secrets.get(bankId)!,
      log: (line) => lines.push(line),
      speed: 100,
    });
    cleanups.push(sim.stop);
    const banks = new Map(seedBanks(seed, sim.port).map((bank) => [bank.bankId, bank]));
    const send = (bankId: string, payload: unknown, key = secrets.get(bankId)!, webhookId = `msg_${randomBytes(8).toString('hex')}`) =>
      deliverWebhook(banks.get(bankId)!.webhookUrl, key, webhookId, payload, { maxAttempts: 1 });
    return { secrets, platform, sim, lines, send };
  }

  it('grants: accepted (disclosure logged), granted after a not-ready retry, disbursed; one webhook-id per event', async () => {
    const { platform, sim, lines, send } = await setup();
    expect(await send('huimin-bank', offer('ref-grant', { guarantee: 'collateral', amountYuan: 800_000, termMonths: 24 }))).toMatchObject({
      delivered: true,
      status: 200,
    });
    await until(() => platform.events.length === 3);
    expect(platform.events.map((e) => e.type)).toEqual(['referral.accepted', 'referral.granted', 'referral.disbursed']);
    expect(platform.events[1]!.data).toEqual({
      referralId: 'ref-grant',
      amountYuan: 800_000,
      annualRateBp: 365,
      termMonths: 24,
      loanType: 'collateral',
      firstLoan: true,
    });
    expect(platform.events[2]!.data).toMatchObject({ amountYuan: 800_000, disbursedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(new Set(platform.events.map((e) => e.webhookId)).size).toBe(3);
    expect(lines.join('\n')).toMatch(/disclosure received: enterprise\.name, enterprise\.creditCode, contact\.name, contact\.mobile/);
    for (const value of ['杭州西湖食品有限公司', '9133010652601815X8', '王丽', '13800138000', '8000']) expect(lines.join('\n')).not.toContain(value);
    expect(lines.join('\n')).toMatch(/not ready yet, retrying in 1 s/);
    await until(() => sim.received()[0]?.events[2]?.outcome === 'ok');
    const [log] = sim.received();
    expect(log).toMatchObject({ bankId: 'huimin-bank', referralId: 'ref-grant', decision: 'grant', disclosureReceived: true });
    expect(log!.events.map((e) => [e.type, e.outcome])).toEqual([
      ['referral.accepted', 'ok'],
      ['referral.granted', 'ok'],
      ['referral.disbursed', 'ok'],
    ]);
    expect(log!.events[1]!.attempts).toBe(2);
  });

  it('declines above the threshold with a structured reason, and grants below it', async () => {
    const { platform, send } = await setup();
    await send('zj-fengshou-rcb', offer('ref-big', { amountYuan: 500_000 }));
    await send('zj-fengshou-rcb', offer('ref-small', { amountYuan: 200_000 }));
    await until(() => platform.events.length === 4);
    const big = platform.events.filter((e) => e.data.referralId === 'ref-big');
    expect(big).toHaveLength(1);
    expect(big[0]).toMatchObject({
      bankId: 'zj-fengshou-rcb',
      type: 'referral.declined',
      data: { reasonCode: 'amount_above_repayment_capacity', repairable: true, note: expect.stringContaining('300000') },
    });
    expect(platform.events.filter((e) => e.data.referralId === 'ref-small').map((e) => e.type)).toEqual([
      'referral.accepted',
      'referral.granted',
      'referral.disbursed',
    ]);
  });

  it('stays silent', async () => {
    const { platform, sim, send } = await setup();
    expect(await send('changjiang-bank', offer('ref-silent'))).toMatchObject({ delivered: true });
    await until(() => sim.received().length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(platform.events).toEqual([]);
    expect(sim.received()[0]).toMatchObject({ decision: 'silent', events: [] });
  });

  it('refuses a bad signature with 401 and acts on nothing', async () => {
    const { sim, send } = await setup();
    expect(await send('huimin-bank', offer('ref-forged'), secret())).toMatchObject({ delivered: false, status: 401 });
    expect(sim.received()).toEqual([]);
  });

  it('acts once on a redelivery (same webhook-id) and on a repeated offer of the same referral', async () => {
    const { platform, sim, send } = await setup();
    const payload = offer('ref-dup');
    expect(await send('huimin-bank', payload, undefined, 'msg_same')).toMatchObject({ status: 200 });
    expect(await send('huimin-bank', payload, undefined, 'msg_same')).toMatchObject({ status: 200 });
    expect(await send('huimin-bank', payload, undefined, 'msg_other')).toMatchObject({ status: 200 });
    await until(() => platform.events.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(platform.events.filter((e) => e.type === 'referral.accepted')).toHaveLength(1);
    expect(sim.received().map((r) => r.decision)).toEqual(['grant', 'repeat']);
  });

  it('answers 200 but does not act on an offer that breaks the schema (personal data included)', async () => {
    const { platform, sim, send, lines } = await setup();
    const payload = clone(offer('ref-pii')) as unknown as { data: { need: Record<string, unknown> } };
    payload.data.need.enterpriseName = '杭州西湖食品有限公司';
    expect(await send('huimin-bank', payload)).toMatchObject({ status: 200 });
    await until(() => sim.received().length === 1);
    expect(sim.received()[0]).toMatchObject({ decision: 'invalid', errors: [expect.stringMatching(/need/)] });
    expect(lines.join()).toMatch(/INVALID offer/);
    expect(platform.events).toEqual([]);
  });

  it('serves only its banks’ webhook paths', async () => {
    const { sim } = await setup();
    expect((await fetch(`${sim.url}/banks/nobody/webhook`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${sim.url}/banks/huimin-bank/webhook`)).status).toBe(405);
  });

  it('accepts offers signed with the previous secret after a rotation, and signs events with both', async () => {
    const { secrets, platform, send } = await setup();
    const oldKey = secrets.get('huimin-bank')!;
    await send('huimin-bank', offer('ref-before'));
    await until(() => platform.events.length === 3);
    secrets.set('huimin-bank', secret());
    // The platform's cache still holds the old secret: its offer verifies with the previous one.
    expect(await send('huimin-bank', offer('ref-after'), oldKey)).toMatchObject({ status: 200 });
    await until(() => platform.events.length === 6);
    expect(platform.rejected).toEqual([]);
  });

  it('stops promptly with flows still waiting', async () => {
    const seed = loadBankSeed();
    const secrets = new Map(seed.map((entry) => [entry.bank.bankId, secret()]));
    const platform = await fakePlatform(secrets);
    cleanups.push(platform.stop);
    const sim = await startSimulatedBanks({ seed, apiUrl: platform.url, secretFor: async (id) => secrets.get(id)! });
    const url = seedBanks(seed, sim.port).find((b) => b.bankId === 'huimin-bank')!.webhookUrl;
    await deliverWebhook(url, secrets.get('huimin-bank')!, 'msg_1', offer('ref-stop'), { maxAttempts: 1 });
    const started = Date.now();
    await sim.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(platform.events).toEqual([]);
  });

  it('gives up on an event after a final 4xx', async () => {
    const seed = loadBankSeed();
    const secrets = new Map(seed.map((entry) => [entry.bank.bankId, secret()]));
    // A platform that knows no secret: every event is a 401.
    const platform = await fakePlatform(new Map());
    cleanups.push(platform.stop);
    const sim = await startSimulatedBanks({ seed, apiUrl: platform.url, secretFor: async (id) => secrets.get(id)!, speed: 100 });
    cleanups.push(sim.stop);
    const url = seedBanks(seed, sim.port).find((b) => b.bankId === 'huimin-bank')!.webhookUrl;
    await deliverWebhook(url, secrets.get('huimin-bank')!, 'msg_1', offer('ref-401'), { maxAttempts: 1 });
    await until(() => sim.received()[0]?.events[0]?.outcome === 'rejected');
    expect(sim.received()[0]!.events).toEqual([expect.objectContaining({ type: 'referral.accepted', status: 401, attempts: 1 })]);
  });
});
