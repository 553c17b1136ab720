// Simulated banks for `npm start`: one node:http server on 127.0.0.1 that plays every bank of a seed
// file (local/banks.seed.json) the way a real bank's integration would, through the public contract
// only (docs/bank-integration.md):
// - `POST /banks/<bankId>/webhook` receives `referral.offered`: it verifies the Standard Webhooks
//   signature with that bank's secret (401 if bad), de-duplicates by webhook-id, answers 200 at once,
//   validates the payload with the outbound offer schema, and then acts per the bank's behaviour;
// - it answers by POSTing signed events to `<apiUrl>/v1/banks/<bankId>/events`: one fresh webhook-id
//   per event (kept across that event's retries), retried on network errors, 5xx and 429, and on
//   409 `/problems/referral-not-ready` after `retryAfterSeconds`, up to a cap.
//
// Behaviours (seed `simulation.behaviour`):
// - `grant`: accept (the answer discloses the enterprise's contact), grant the offered amount and
//   term at `annualRateBp`, then disburse;
// - `decline_above`: decline with `declineReason` (a published code, default
//   amount_above_repayment_capacity, repairable) when the amount is above `declineAboveYuan`,
//   otherwise as `grant`;
// - `silent`: never answers, so the deadline passes and the need moves to the next bank.
// Each step waits `answerAfterMs` (default 2 s), divided by `speed`.
//
// Secret rotation: the simulator remembers a bank's previous secret for ten minutes after
// `secretFor` starts returning a new one. It accepts offers signed with either, and signs its
// events with both (Standard Webhooks allows several space-separated signatures), which is what a
// real bank should do while the platform's secret cache catches up.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { parseBank, type Bank, type BankInput } from '../shared/domain/bank';
import {
  bankEventSchema,
  DECLINE_REASON_CODES,
  declineReason,
  referralOfferedSchema,
  type BankEventInput,
  type DeclineReasonCode,
  type LoanType,
  type OfferedNeed,
  type ReferralOffered,
} from '../shared/domain/bank-events';
import { chinaDay } from '../shared/domain/need-record';
import { verifyWebhook } from '../shared/adapters/webhooks';

// ---------------------------------------------------------------------------------------------
// Seed

export const SIMULATOR_PORT_PLACEHOLDER = '{SIMULATOR_PORT}';
export const DEFAULT_SEED_PATH = fileURLToPath(new URL('./banks.seed.json', import.meta.url));
export const BEHAVIOURS = ['grant', 'decline_above', 'silent'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export const DEFAULT_ANSWER_AFTER_MS = 2_000;
export const DEFAULT_ANNUAL_RATE_BP = 380;
export const DEFAULT_DECLINE_REASON: DeclineReasonCode = 'amount_above_repayment_capacity';

export const simulationSchema = z
  .strictObject({
    behaviour: z.enum(BEHAVIOURS),
    declineAboveYuan: z.number().int().min(0).optional(),
    declineReason: z.enum(DECLINE_REASON_CODES).optional(),
    answerAfterMs: z.number().int().min(0).max(600_000).optional(),
    annualRateBp: z.number().int().min(1).max(3600).optional(),
  })
  .superRefine((simulation, ctx) => {
    if (simulation.behaviour === 'decline_above' && simulation.declineAboveYuan === undefined) {
      ctx.addIssue({ code: 'custom', path: ['declineAboveYuan'], message: 'decline_above needs declineAboveYuan' });
    }
    if (simulation.behaviour !== 'decline_above' && (simulation.declineAboveYuan !== undefined || simulation.declineReason !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['behaviour'], message: 'declineAboveYuan and declineReason only go with decline_above' });
    }
  });

export type Simulation = z.output<typeof simulationSchema>;

/** One seed entry: the bank record (webhookUrl with the port placeholder) and how it answers. */
export interface SeedEntry {
  bank: BankInput;
  simulation: Simulation;
}
export type BankSeed = SeedEntry[];

export class SeedError extends Error {
  override name = 'SeedError';
  constructor(
    readonly source: string,
    readonly errors: string[],
  ) {
    super(`invalid bank seed ${source}:\n  ${errors.join('\n  ')}`);
  }
}

const seedFileSchema = z.looseObject({ banks: z.array(z.looseObject({ bank: z.unknown(), simulation: z.unknown() })).min(1) });

const expectedWebhookPath = (bankId: string) => `/banks/${bankId}/webhook`;

/** The bank record with the simulator's real port in its webhook URL (the placeholder replaced). */
function withPort(bank: unknown, port: number): unknown {
  if (!bank || typeof bank !== 'object' || typeof (bank as { webhookUrl?: unknown }).webhookUrl !== 'string') return bank;
  const input = bank as { webhookUrl: string };
  return { ...input, webhookUrl: input.webhookUrl.split(SIMULATOR_PORT_PLACEHOLDER).join(String(port)) };
}

/**
 * Checks a seed (the parsed JSON of a seed file): every bank valid by the registry's rules (with a
 * port in place of the placeholder), its webhook URL `http://127.0.0.1:{SIMULATOR_PORT}/banks/<bankId>/webhook`
 * (the only URL the simulator serves for it), bank ids unique, every simulation valid.
 */
export function parseBankSeed(raw: unknown): { ok: true; seed: BankSeed } | { ok: false; errors: string[] } {
  const file = seedFileSchema.safeParse(raw);
  if (!file.success) return { ok: false, errors: ['the seed must be {"banks": [{"bank": {...}, "simulation": {...}}, ...]} with at least one bank'] };
  const errors: string[] = [];
  const seed: BankSeed = [];
  const seen = new Set<string>();
  file.data.banks.forEach((entry, index) => {
    const where = `banks[${index}]`;
    const parsed = parseBank(withPort(entry.bank, 1));
    if (!parsed.ok) {
      for (const error of parsed.errors) errors.push(`${where}.bank${error.pointer}: ${error.message.en} (${error.code})`);
    } else {
      const { bankId } = parsed.bank;
      const url = (entry.bank as { webhookUrl: string }).webhookUrl;
      const expected = `http://127.0.0.1:${SIMULATOR_PORT_PLACEHOLDER}${expectedWebhookPath(bankId)}`;
      if (url !== expected) errors.push(`${where}.bank/webhookUrl: must be ${expected}`);
      if (seen.has(bankId)) errors.push(`${where}.bank/bankId: duplicate bank id ${bankId}`);
      seen.add(bankId);
    }
    const simulation = simulationSchema.safeParse(entry.simulation);
    if (!simulation.success) {
      for (const issue of simulation.error.issues) errors.push(`${where}.simulation/${issue.path.join('/')}: ${issue.message}`);
    }
    if (parsed.ok && simulation.success) seed.push({ bank: entry.bank as BankInput, simulation: simulation.data });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, seed };
}

/** Reads and checks a seed file (default local/banks.seed.json); throws SeedError listing every problem. */
export function loadBankSeed(path: string = DEFAULT_SEED_PATH): BankSeed {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SeedError(path, [error instanceof Error ? error.message : String(error)]);
  }
  const result = parseBankSeed(raw);
  if (!result.ok) throw new SeedError(path, result.errors);
  return result.seed;
}

/** The seed's banks, parsed and validated by the registry's rules, with the simulator's real port. */
export function seedBanks(seed: BankSeed, port: number): Bank[] {
  return seed.map((entry, index) => {
    const parsed = parseBank(withPort(entry.bank, port));
    if (!parsed.ok) {
      throw new SeedError(
        `banks[${index}]`,
        parsed.errors.map((e) => `${e.pointer}: ${e.message.en}`),
      );
    }
    return parsed.bank;
  });
}

// ---------------------------------------------------------------------------------------------
// Decisions (pure)

export interface GrantTerms {
  amountYuan: number;
  annualRateBp: number;
  termMonths: number;
  loanType: LoanType;
  firstLoan: boolean;
}

export type OfferDecision =
  | { kind: 'silent' }
  | { kind: 'decline'; reasonCode: DeclineReasonCode; repairable: boolean; note: string }
  | { kind: 'grant'; grant: GrantTerms };

/** What a simulated bank does with an offer. Pure. */
export function decideOffer(simulation: Simulation, need: OfferedNeed): OfferDecision {
  if (simulation.behaviour === 'silent') return { kind: 'silent' };
  if (simulation.behaviour === 'decline_above' && need.amountYuan > (simulation.declineAboveYuan ?? Infinity)) {
    const reasonCode = simulation.declineReason ?? DEFAULT_DECLINE_REASON;
    return {
      kind: 'decline',
      reasonCode,
      repairable: declineReason(reasonCode)?.repairable ?? false,
      note:
        `申请金额 ${need.amountYuan} 元高于本行此类客户的审批上限 ${simulation.declineAboveYuan} 元（模拟银行） / ` +
        `The amount of ${need.amountYuan} yuan is above our limit of ${simulation.declineAboveYuan} yuan for such borrowers (simulated bank)`,
    };
  }
  return {
    kind: 'grant',
    grant: {
      amountYuan: need.amountYuan,
      annualRateBp: simulation.annualRateBp ?? DEFAULT_ANNUAL_RATE_BP,
      termMonths: need.termMonths,
      loanType: need.guarantee === 'credit' || need.guarantee === 'any' ? 'credit' : need.guarantee,
      firstLoan: need.firstLoan,
    },
  };
}

/** The events a decision leads to, in order (without referral ids and times). */
export function plannedEvents(decision: OfferDecision): BankEventInput['type'][] {
  switch (decision.kind) {
    case 'silent':
      return [];
    case 'decline':
      return ['referral.declined'];
    case 'grant':
      return ['referral.accepted', 'referral.granted', 'referral.disbursed'];
  }
}

/**
 * The `webhook-signature` header for a body signed with one or more secrets (Standard Webhooks:
 * space-separated `v1,<base64>` entries; a verifier accepts any one that matches).
 */
export function signatureHeader(secrets: readonly string[], webhookId: string, timestamp: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(webhookId, timestamp, body)).join(' ');
}

/** The three Standard Webhooks headers for a body. */
export function signedHeaders(
  secrets: readonly string[],
  webhookId: string,
  timestamp: Date,
  body: string,
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signatureHeader(secrets, webhookId, timestamp, body),
  };
}

/** Whether a 409 answer asks to retry later, and after how many seconds (default 5). */
export function notReadyRetry(status: number, body: unknown): number | undefined {
  if (status !== 409 || !body || typeof body !== 'object') return undefined;
  const problem = body as { type?: unknown; retryAfterSeconds?: unknown };
  if (typeof problem.type !== 'string' || !problem.type.endsWith('/problems/referral-not-ready')) return undefined;
  const seconds = Number(problem.retryAfterSeconds);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 300) : 5;
}

// ---------------------------------------------------------------------------------------------
// The simulator

export interface SentEvent {
  type: string;
  webhookId: string;
  attempts: number;
  /** The last HTTP status, if any answer came. */
  status?: number;
  /** ok: 200; late: 202 (after a deadline); rejected: another 4xx; failed: retries exhausted or stopped. */
  outcome: 'ok' | 'late' | 'rejected' | 'failed';
  at: string;
}

export interface OfferLog {
  bankId: string;
  webhookId: string;
  receivedAt: string;
  referralId?: string;
  /** The validated offer (absent when invalid). */
  offer?: ReferralOffered;
  /** What the bank decided; `invalid`: the payload failed the offer schema; `repeat`: a referral already in hand. */
  decision: OfferDecision['kind'] | 'invalid' | 'repeat';
  /** Schema problems of an invalid offer. */
  errors?: string[];
  events: SentEvent[];
  /** The `referral.accepted` answer carried a disclosure (enterprise name, credit code, contact). */
  disclosureReceived?: boolean;
}

export interface SimulatedBanksOptions {
  seed: BankSeed;
  /** The platform's base URL; events go to `${apiUrl}/v1/banks/<bankId>/events`. */
  apiUrl: string;
  /** The bank's current signing secret (`whsec_…`); asked on every request, so rotation takes effect. */
  secretFor: (bankId: string) => Promise<string>;
  log?: (line: string) => void;
  /** Divides every wait of the simulator (answer delays, retry waits); default 1. */
  speed?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

export interface SimulatedBanks {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
  /** Every offer received so far (a copy), oldest first. */
  received(): OfferLog[];
}

const MAX_BODY_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 10;
const PREVIOUS_SECRET_GRACE_MS = 10 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 10_000;

class Stopped extends Error {
  override name = 'Stopped';
}

/** A bank's current secret and, for a while after a rotation, the previous one. */
class SecretBook {
  private readonly books = new Map<string, { current: string; previous?: string; rotatedAt?: number }>();

  constructor(private readonly secretFor: (bankId: string) => Promise<string>) {}

  async secrets(bankId: string): Promise<string[]> {
    const current = await this.secretFor(bankId);
    if (!current) throw new Error(`no signing secret for ${bankId}`);
    const book = this.books.get(bankId);
    if (!book) {
      this.books.set(bankId, { current });
      return [current];
    }
    if (book.current !== current) {
      this.books.set(bankId, { current, previous: book.current, rotatedAt: Date.now() });
      return [current, book.current];
    }
    if (book.previous && book.rotatedAt !== undefined && Date.now() - book.rotatedAt < PREVIOUS_SECRET_GRACE_MS) {
      return [current, book.previous];
    }
    return [current];
  }
}

function disclosedFields(disclosure: Record<string, Record<string, unknown> | undefined>): string[] {
  return Object.entries(disclosure).flatMap(([group, fields]) =>
    Object.entries(fields ?? {})
      .filter(([, value]) => value !== undefined && value !== '')
      .map(([field]) => `${group}.${field}`),
  );
}

const yuan = (amount: number) => amount.toLocaleString('en-US');

export async function startSimulatedBanks(options: SimulatedBanksOptions): Promise<SimulatedBanks> {
  const speed = options.speed && options.speed > 0 ? options.speed : 1;
  const log = options.log ?? (() => undefined);
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const entries = new Map(options.seed.map((entry) => [entry.bank.bankId, entry]));
  const secrets = new SecretBook(options.secretFor);
  const seenWebhookIds = new Map<string, Set<string>>();
  const handledReferrals = new Set<string>();
  const offers: OfferLog[] = [];
  const flows = new Set<Promise<void>>();
  const stopping = new AbortController();

  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (stopping.signal.aborted) return reject(new Stopped());
      const timer = setTimeout(() => {
        stopping.signal.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms / speed));
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Stopped());
      };
      stopping.signal.addEventListener('abort', onAbort, { once: true });
    });

  /** Sends one event until it gets a final answer or the cap; returns the answer's body. */
  async function sendEvent(
    bankId: string,
    event: BankEventInput,
    record: OfferLog,
  ): Promise<{ sent: SentEvent; body?: unknown }> {
    const checked = bankEventSchema.safeParse(event);
    if (!checked.success) throw new Error(`simulator built an invalid ${event.type}: ${checked.error.message}`);
    const body = JSON.stringify(event);
    const webhookId = `msg_${randomUUID().replace(/-/g, '')}`;
    const sent: SentEvent = { type: event.type, webhookId, attempts: 0, outcome: 'failed', at: new Date().toISOString() };
    record.events.push(sent);
    const url = `${apiUrl}/v1/banks/${encodeURIComponent(bankId)}/events`;
    let backoff = 500;
    while (sent.attempts < MAX_ATTEMPTS) {
      sent.attempts++;
      let wait: number;
      try {
        const now = new Date();
        sent.at = now.toISOString();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...signedHeaders(await secrets.secrets(bankId), webhookId, now, body) },
          body,
          signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
        });
        sent.status = response.status;
        const text = await response.text();
        let answer: unknown;
        try {
          answer = text ? JSON.parse(text) : undefined;
        } catch {
          answer = text;
        }
        if (response.status === 200 || response.status === 202) {
          sent.outcome = response.status === 200 ? 'ok' : 'late';
          return { sent, body: answer };
        }
        const retryAfter = notReadyRetry(response.status, answer);
        if (retryAfter !== undefined) {
          log(`bank-sim ${bankId}: ${event.type} ${event.data.referralId} not ready yet, retrying in ${retryAfter} s`);
          wait = retryAfter * 1000;
        } else if (response.status >= 500 || response.status === 429) {
          log(`bank-sim ${bankId}: ${event.type} ${event.data.referralId} → ${response.status}, retrying`);
          wait = backoff;
          backoff = Math.min(backoff * 2, 8_000);
        } else {
          sent.outcome = 'rejected';
          const detail = answer && typeof answer === 'object' ? (answer as { detail?: unknown }).detail : text;
          log(`bank-sim ${bankId}: ${event.type} ${event.data.referralId} rejected: ${response.status} ${String(detail ?? '')}`);
          return { sent, body: answer };
        }
      } catch (error) {
        if (stopping.signal.aborted) throw new Stopped();
        log(`bank-sim ${bankId}: ${event.type} ${event.data.referralId} failed (${error instanceof Error ? error.message : String(error)}), retrying`);
        wait = backoff;
        backoff = Math.min(backoff * 2, 8_000);
      }
      if (sent.attempts < MAX_ATTEMPTS) await sleep(wait * (0.75 + Math.random() * 0.5));
    }
    log(`bank-sim ${bankId}: gave up on ${event.type} ${event.data.referralId} after ${sent.attempts} attempts`);
    return { sent };
  }

  async function act(entry: SeedEntry, offer: ReferralOffered, record: OfferLog): Promise<void> {
    const bankId = entry.bank.bankId;
    const referralId = offer.data.referralId;
    const need = offer.data.need;
    const decision = decideOffer(entry.simulation, need);
    record.decision = decision.kind;
    const delay = entry.simulation.answerAfterMs ?? DEFAULT_ANSWER_AFTER_MS;
    const summary = `${yuan(need.amountYuan)} yuan, ${need.termMonths} months, ${need.guarantee}, ${need.industryCode} ${need.sizeClass} in ${need.countyCode}`;
    const stamp = () => new Date().toISOString();

    if (decision.kind === 'silent') {
      log(`bank-sim ${bankId}: offer ${referralId} (${summary}): staying silent; the deadline ${offer.data.deadline} will pass`);
      return;
    }
    if (decision.kind === 'decline') {
      log(`bank-sim ${bankId}: offer ${referralId} (${summary}): will decline (${decision.reasonCode})`);
      await sleep(delay);
      const { sent } = await sendEvent(
        bankId,
        { type: 'referral.declined', timestamp: stamp(), data: { referralId, reasonCode: decision.reasonCode, repairable: decision.repairable, note: decision.note } },
        record,
      );
      if (sent.outcome === 'ok') log(`bank-sim ${bankId}: declined ${referralId} (${decision.reasonCode}, repairable: ${decision.repairable})`);
      return;
    }

    const { grant } = decision;
    log(`bank-sim ${bankId}: offer ${referralId} (${summary}): will accept, grant and disburse`);
    await sleep(delay);
    // A simulated branch for the enterprise to turn to (shown on its status page once accepted).
    const branch = { name: `${entry.bank.nameZh} ${need.countyCode} 服务网点`, phone: '400-000-0000' };
    const accepted = await sendEvent(bankId, { type: 'referral.accepted', timestamp: stamp(), data: { referralId, branch } }, record);
    if (accepted.sent.outcome !== 'ok') return;
    const disclosure = (accepted.body as { disclosure?: { enterprise?: { name?: string; creditCode?: string }; contact?: { name?: string; mobile?: string } } })
      ?.disclosure;
    record.disclosureReceived = Boolean(disclosure?.enterprise?.name && disclosure.contact?.mobile);
    log(
      record.disclosureReceived
        ? // Which fields arrived, never their values: no personal data in any log line.
          `bank-sim ${bankId}: accepted ${referralId}; disclosure received: ${disclosedFields(disclosure!).join(', ')}`
        : `bank-sim ${bankId}: accepted ${referralId}, but the answer carried no disclosure`,
    );

    await sleep(delay);
    const granted = await sendEvent(bankId, { type: 'referral.granted', timestamp: stamp(), data: { referralId, ...grant } }, record);
    if (granted.sent.outcome !== 'ok') return;
    log(
      `bank-sim ${bankId}: granted ${referralId}: ${yuan(grant.amountYuan)} yuan at ${(grant.annualRateBp / 100).toFixed(2)}%, ${grant.termMonths} months, ${grant.loanType}${grant.firstLoan ? ', first loan' : ''}`,
    );

    await sleep(delay);
    const disbursed = await sendEvent(
      bankId,
      { type: 'referral.disbursed', timestamp: stamp(), data: { referralId, amountYuan: grant.amountYuan, disbursedOn: chinaDay(new Date()) } },
      record,
    );
    if (disbursed.sent.outcome === 'ok') log(`bank-sim ${bankId}: disbursed ${referralId}: ${yuan(grant.amountYuan)} yuan`);
  }

  function startFlow(entry: SeedEntry, offer: ReferralOffered, record: OfferLog): void {
    const flow = act(entry, offer, record)
      .catch((error: unknown) => {
        if (!(error instanceof Stopped)) log(`bank-sim ${entry.bank.bankId}: ${offer.data.referralId} failed: ${String(error)}`);
      })
      .finally(() => flows.delete(flow));
    flows.add(flow);
  }

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    const match = /^\/banks\/([a-z0-9-]+)\/webhook$/.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    const entry = match ? entries.get(match[1]!) : undefined;
    if (!entry) return reply(404, { error: 'no such bank webhook' });
    if (req.method !== 'POST') return reply(405, { error: 'POST only' });
    const bankId = entry.bank.bankId;

    const body = await readBody(req);
    if (body === undefined) return reply(413, { error: 'body too large' });

    let bankSecrets: string[];
    try {
      bankSecrets = await secrets.secrets(bankId);
    } catch (error) {
      log(`bank-sim ${bankId}: no signing secret (${String(error)}); answering 503`);
      return reply(503, { error: 'signing secret unavailable' });
    }
    const headers = {
      'webhook-id': single(req.headers['webhook-id']),
      'webhook-timestamp': single(req.headers['webhook-timestamp']),
      'webhook-signature': single(req.headers['webhook-signature']),
    };
    const results = bankSecrets.map((secret) => verifyWebhook(secret, body, headers));
    const failed = results.find((r) => !r.ok);
    if (!results.some((r) => r.ok)) {
      const reason = failed && !failed.ok ? failed.reason : 'bad signature';
      log(`bank-sim ${bankId}: rejected an offer: ${reason}`);
      return reply(401, { error: `signature verification failed: ${reason}` });
    }

    const webhookId = headers['webhook-id']!;
    const seen = seenWebhookIds.get(bankId) ?? new Set<string>();
    seenWebhookIds.set(bankId, seen);
    if (seen.has(webhookId)) return reply(200, { received: true, duplicate: true });
    seen.add(webhookId);
    reply(200, { received: true });

    const record: OfferLog = { bankId, webhookId, receivedAt: new Date().toISOString(), decision: 'invalid', events: [] };
    offers.push(record);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      record.errors = ['the body is not JSON'];
      log(`bank-sim ${bankId}: INVALID offer ${webhookId}: the body is not JSON`);
      return;
    }
    const parsed = referralOfferedSchema.safeParse(json);
    if (!parsed.success) {
      record.errors = parsed.error.issues.map((issue) => `/${issue.path.join('/')}: ${issue.message}`);
      log(`bank-sim ${bankId}: INVALID offer ${webhookId}: ${record.errors.join('; ')}`);
      return;
    }
    const offer = parsed.data;
    record.offer = offer;
    record.referralId = offer.data.referralId;
    const key = `${bankId}/${offer.data.referralId}`;
    if (handledReferrals.has(key)) {
      record.decision = 'repeat';
      log(`bank-sim ${bankId}: offer ${offer.data.referralId} again (webhook-id ${webhookId}); already handling it`);
      return;
    }
    handledReferrals.add(key);
    startFlow(entry, offer, record);
  }

  const server = http.createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      log(`bank-sim: request failed: ${String(error)}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end('{"error":"internal"}');
      }
    });
  });
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve((server.address() as { port: number }).port));
  });

  return {
    port,
    url: `http://${host}:${port}`,
    received: () => JSON.parse(JSON.stringify(offers)) as OfferLog[],
    stop: async () => {
      stopping.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled([...flows]);
    },
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The body as UTF-8, or undefined when larger than MAX_BODY_BYTES. */
function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
