// The bank-answer use case and the deadline step against an in-memory store with DynamoDB's
// conditional-write semantics and a workflow with Step Functions' token semantics, under every
// interleaving fast-check's scheduler tries: concurrent accepted/declined, duplicates, a deadline
// timer firing in the middle, a workflow that moves between steps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerBankEvent, type BankAnswer, type BankAnswerDeps } from '../../shared/domain/bank-answers';
import type { BankEvent } from '../../shared/domain/bank-events';
import type { NeedRecord } from '../../shared/domain/need-record';
import { LATE_ANSWER_COUNTERS, type Referral, type ReferralTransition, type WorkflowAnswer } from '../../shared/domain/referral';
import { BANK_DECLINED_ERROR, deadlineMissedStep, type DeadlineOutcome, type RoutingPort } from '../../shared/domain/routing';

const NOW = new Date('2026-12-02T02:00:00.000Z');
const BANK = 'bank-a';

function referral(overrides: Partial<Referral> = {}): Referral {
  return {
    referralId: 'ref-1',
    needId: 'need-1',
    bankId: BANK,
    bankNameZh: '甲银行',
    bankNameEn: 'Bank A',
    productId: 'p',
    countyCode: '330106',
    stage: 'offered',
    offeredAt: '2026-12-01T02:00:00.000Z',
    deadline: '2026-12-04T16:00:00.000Z',
    acknowledgeWorkingDays: 3,
    decideWithinDays: 30,
    explanation: [],
    waitingFor: 'offer',
    taskToken: 'T1',
    declineAsFailure: true,
    ...overrides,
  };
}

const need = { needId: 'need-1', enterprise: { countyCode: '330106' } } as unknown as NeedRecord;

const accepted: BankEvent = { type: 'referral.accepted', timestamp: NOW.toISOString(), data: { referralId: 'ref-1' } };
const declined: BankEvent = {
  type: 'referral.declined',
  timestamp: NOW.toISOString(),
  data: { referralId: 'ref-1', reasonCode: 'tax_arrears', repairable: true },
};
const granted: BankEvent = {
  type: 'referral.granted',
  timestamp: NOW.toISOString(),
  data: { referralId: 'ref-1', amountYuan: 100_000, annualRateBp: 350, termMonths: 12, loanType: 'credit', firstLoan: true },
};

/**
 * The store (conditional writes as DynamoDB makes them, one item at a time) and the workflow (a
 * token ends once, by task success or task failure; success with `accepted` moves it to the decision
 * wait, which saves a new token as referral-wait does; a timed-out token is gone).
 */
class World {
  referral: Referral;
  history: string[] = [];
  counters: Record<string, number> = {};
  lateAnswers = 0;
  /** Live task tokens the workflow waits on, by step. */
  live = new Map<string, 'offer' | 'decision'>();
  /** Answers the workflow took, in order, and how each ended its task. */
  taken: { token: string; answer: WorkflowAnswer | { outcome: 'deadline'; result: DeadlineOutcome }; ended?: 'success' | 'failure' }[] = [];
  /** Runs just before a task is ended (a test's hook: the timer firing in between). */
  beforeEnd: (token: string) => Promise<void> = async () => undefined;
  private tokens = 1;

  constructor(initial: Referral = referral()) {
    this.referral = structuredClone(initial);
    if (initial.taskToken && initial.waitingFor) this.live.set(initial.taskToken, initial.waitingFor);
    this.history.push(initial.stage);
  }

  apply(update: Partial<Referral>, remove: (keyof Referral)[] = []) {
    this.referral = { ...this.referral, ...structuredClone(update) };
    for (const key of remove) delete this.referral[key];
  }

  store: BankAnswerStore & RoutingPort = storeOf(this);

  /** The workflow moves to the decision wait: referral-wait saves the new token (conditional on the stage). */
  enterDecisionWait() {
    const token = `T${++this.tokens}`;
    this.live.set(token, 'decision');
    if (this.referral.stage === 'accepted') this.apply({ waitingFor: 'decision', taskToken: token, declineAsFailure: true }, ['resumePending']);
    return token;
  }

  private async end(token: string, answer: WorkflowAnswer, ended: 'success' | 'failure'): Promise<'resumed' | 'expired'> {
    await this.beforeEnd(token);
    if (!this.live.has(token)) return 'expired';
    this.live.delete(token);
    this.taken.push({ token, answer, ended });
    return 'resumed';
  }

  workflow: BankAnswerDeps['workflow'] = {
    succeed: (token, output) => this.end(token, output, 'success'),
    fail: async (token, error, cause) => {
      // The definition catches only this error name to route the need on.
      expect(error).toBe(BANK_DECLINED_ERROR);
      return this.end(token, JSON.parse(cause) as WorkflowAnswer, 'failure');
    },
  };

  /** The timer of `token` fires: the token dies and the deadline step runs. */
  async timeout(token: string, step: 'offer' | 'decision', now: Date): Promise<DeadlineOutcome | undefined> {
    if (!this.live.has(token)) return undefined;
    this.live.delete(token);
    const result = await deadlineMissedStep(this.store, 'ref-1', step, now);
    this.taken.push({ token, answer: { outcome: 'deadline', result } });
    return result;
  }
}

type BankAnswerStore = Parameters<typeof answerBankEvent>[0]['store'];

/** The store with DynamoDB's conditional-write semantics, over the world's one referral item. */
function storeOf(world: World): BankAnswerStore & RoutingPort {
  return {
    async getReferral() {
      return structuredClone(world.referral);
    },
    async getNeed() {
      return need;
    },
    async applyTransition(_r: Referral, _n: NeedRecord, t: ReferralTransition, _now: Date, _audit: unknown, token: string | undefined) {
      const r = world.referral;
      if (r.stage !== t.fromStage) return 'condition_failed';
      if (t.resumesWorkflow && (r.taskToken !== token || r.resumePending)) return 'condition_failed';

      world.apply({ ...t.referralUpdate, stage: t.toStage, ...(t.resumesWorkflow ? { resumePending: true } : {}) });
      world.history.push(t.toStage);
      for (const [k, v] of Object.entries(t.counters)) world.counters[k] = (world.counters[k] ?? 0) + v;
      return 'written';
    },
    async recordLateAnswer(_r: Referral, _n: NeedRecord, _e: unknown, counters: Record<string, number>) {
      world.lateAnswers++;
      for (const [k, v] of Object.entries(counters)) world.counters[k] = (world.counters[k] ?? 0) + v;
    },
    async completeResume(_id: string, token: string) {
      if (world.referral.taskToken === token) world.apply({}, ['taskToken', 'waitingFor', 'resumePending']);
    },
    async expireReferral(_r: Referral, _n: NeedRecord, step: 'offer' | 'decision') {
      const waiting = step === 'offer' ? 'offered' : 'accepted';
      if (world.referral.stage !== waiting || world.referral.resumePending) return 'condition_failed';
      world.apply({ stage: 'expired' }, ['taskToken', 'waitingFor']);
      world.history.push('expired');
      return 'written';
    },
    async releaseWait(_id: string, step: 'offer' | 'decision') {
      const waiting = step === 'offer' ? 'offered' : 'accepted';
      if (world.referral.stage !== waiting || world.referral.resumePending) return 'condition_failed';
      world.apply({}, ['taskToken', 'waitingFor']);
      return 'written';
    },
    listBanks: async () => [],
    negativeEntries: async () => [],
    recordScreening: async () => undefined,
    createReferral: async () => 'written' as const,
    escalate: async () => undefined,
    recordFailure: async () => undefined,
    skipReferral: async () => 'written' as const,
  };
}


const deps = (world: World): BankAnswerDeps => ({ store: world.store, workflow: world.workflow, timeScale: 1 });

/** A bank that retries "not ready" answers, as the integration guide asks (bounded here). */
async function deliver(world: World, event: BankEvent, yieldToOthers: () => Promise<void>): Promise<BankAnswer> {
  for (let attempt = 0; ; attempt++) {
    const answer = await answerBankEvent(deps(world), BANK, event, NOW);
    if (answer.kind !== 'retry' || attempt >= 20) return answer;
    await yieldToOthers();
  }
}

const VALID_PATHS = [
  ['offered', 'accepted', 'declined'],
  ['offered', 'accepted', 'granted'],
  ['offered', 'accepted'],
  ['offered', 'declined'],
  ['offered', 'expired'],
  ['offered'],
];

describe('answerBankEvent', () => {
  it('applies an acceptance, resumes the offer task once (task success), and answers with disclosure', async () => {
    const world = new World();
    const answer = await answerBankEvent(deps(world), BANK, accepted, NOW);
    expect(answer).toMatchObject({ kind: 'answered', status: 200, body: { status: 'accepted' }, disclose: true, effect: 'applied' });
    expect(world.taken).toEqual([{ token: 'T1', answer: expect.objectContaining({ outcome: 'accepted' }), ended: 'success' }]);
    expect(world.referral).toMatchObject({ stage: 'accepted' });
    expect(world.referral.taskToken).toBeUndefined();
    expect(world.referral.decisionDeadline).toBe('2027-01-01T16:00:00.000Z');
  });

  it('ends the wait of a decline as the task failure BankDeclined, and a grant as task success', async () => {
    const offered = new World();
    expect(await answerBankEvent(deps(offered), BANK, declined, NOW)).toMatchObject({ kind: 'answered', body: { status: 'declined' } });
    expect(offered.taken).toEqual([{ token: 'T1', answer: { outcome: 'declined', reasonCode: 'tax_arrears' }, ended: 'failure' }]);
    expect(offered.referral.taskToken).toBeUndefined();

    const deciding = new World(referral({ stage: 'accepted', waitingFor: 'decision', taskToken: 'T2' }));
    expect(await answerBankEvent(deps(deciding), BANK, granted, NOW)).toMatchObject({ kind: 'answered', body: { status: 'granted' } });
    expect(deciding.taken).toEqual([{ token: 'T2', answer: { outcome: 'granted' }, ended: 'success' }]);
  });

  it('a wait of the earlier definition (no declineAsFailure) takes a decline as its output, as that definition expects', async () => {
    const world = new World(referral({ declineAsFailure: undefined }));
    await answerBankEvent(deps(world), BANK, declined, NOW);
    expect(world.taken).toEqual([{ token: 'T1', answer: { outcome: 'declined', reasonCode: 'tax_arrears' }, ended: 'success' }]);
  });

  it("answers 404 for another bank's referral and for a missing one", async () => {
    const world = new World(referral({ bankId: 'bank-b' }));
    expect(await answerBankEvent(deps(world), BANK, accepted, NOW)).toMatchObject({ kind: 'problem', problem: 'notFound' });
  });

  it('asks to retry a decision while the workflow is still between the offer and the decision wait', async () => {
    const world = new World(referral({ stage: 'accepted', waitingFor: 'offer', taskToken: 'T1', resumePending: true, workflowAnswer: { outcome: 'accepted', decisionTimeoutSeconds: 60 } }));
    expect(await answerBankEvent(deps(world), BANK, declined, NOW)).toMatchObject({ kind: 'retry', problem: 'referralNotReady' });
    expect(await answerBankEvent(deps(world), BANK, granted, NOW)).toMatchObject({ kind: 'retry' });
    expect(world.history).toEqual(['accepted']);
  });

  it('resumes again, changing nothing else, when an applied answer was not taken by the workflow', async () => {
    const world = new World(referral({ stage: 'accepted', waitingFor: 'offer', taskToken: 'T1', resumePending: true, workflowAnswer: { outcome: 'accepted', decisionTimeoutSeconds: 60 } }));
    const answer = await answerBankEvent(deps(world), BANK, accepted, NOW);
    expect(answer).toMatchObject({ kind: 'answered', status: 200, effect: 'resumed', disclose: true });
    expect(world.taken.map((t) => t.token)).toEqual(['T1']);
    expect(world.counters).toEqual({});
  });

  it('counts a late answer only for a referral that expired', async () => {
    const world = new World(referral({ stage: 'expired', waitingFor: undefined, taskToken: undefined }));
    expect(await answerBankEvent(deps(world), BANK, accepted, NOW)).toMatchObject({ kind: 'answered', status: 202, effect: 'late' });
    expect(world.counters).toEqual(LATE_ANSWER_COUNTERS(BANK));
  });

  it('an answer written just as the timer fired is taken by the deadline step, not counted late', async () => {
    const world = new World(referral({ deadline: '2026-12-02T01:00:00.000Z' }));
    // The webhook writes the acceptance; before it resumes, the token times out.
    world.beforeEnd = async (token) => void (await world.timeout(token, 'offer', NOW));
    const answer = await answerBankEvent(deps(world), BANK, accepted, NOW);
    expect(answer).toMatchObject({ kind: 'answered', status: 200, body: { status: 'accepted' } });
    expect(world.taken).toEqual([{ token: 'T1', answer: { outcome: 'deadline', result: { outcome: 'answered', answer: expect.objectContaining({ outcome: 'accepted' }) } } }]);
    expect(world.counters.lateAnswers).toBeUndefined();
    expect(world.referral.taskToken).toBeUndefined();
  });
});

describe('deadlineMissedStep', () => {
  it('waits on when the stored deadline is later than the timer (a moved deadline never fires early)', async () => {
    const world = new World(referral({ deadline: '2026-12-03T02:00:00.000Z' }));
    expect(await world.timeout('T1', 'offer', NOW)).toEqual({ outcome: 'not_due', timeoutSeconds: 86_400 });
    expect(world.referral.stage).toBe('offered');
    expect(world.referral.taskToken).toBeUndefined(); // the dead token is not offered to a bank answer
    expect(await answerBankEvent(deps(world), BANK, accepted, NOW)).toMatchObject({ kind: 'retry' });
  });

  it('expires a referral whose deadline has passed', async () => {
    const world = new World(referral({ deadline: '2026-12-02T01:59:59.000Z' }));
    expect(await world.timeout('T1', 'offer', NOW)).toEqual({ outcome: 'expired', bankId: BANK, expiredNow: true });
    expect(world.history).toEqual(['offered', 'expired']);
  });

  it('expires a decision whose deadline passed; waits on for one not due', async () => {
    const due = new World(referral({ stage: 'accepted', waitingFor: 'decision', taskToken: 'T2', decisionDeadline: '2026-12-01T00:00:00.000Z' }));
    expect(await due.timeout('T2', 'decision', NOW)).toEqual({ outcome: 'expired', bankId: BANK, expiredNow: true });
    const notDue = new World(referral({ stage: 'accepted', waitingFor: 'decision', taskToken: 'T2', decisionDeadline: '2026-12-02T02:00:10.000Z' }));
    expect(await notDue.timeout('T2', 'decision', NOW)).toEqual({ outcome: 'not_due', timeoutSeconds: 10 });
  });
});

describe('concurrent answers under every interleaving', () => {
  const scenario = (events: BankEvent[], withTimer: boolean) =>
    fc.asyncProperty(fc.scheduler(), async (s) => {
      const world = new World(referral({ deadline: withTimer ? NOW.toISOString() : '2026-12-04T16:00:00.000Z' }));
      // Every store and workflow call yields to the scheduler: it decides who goes first.
      const store = world.store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      for (const name of Object.keys(store)) {
        const original = store[name]!;
        store[name] = (...args: unknown[]) => s.schedule(Promise.resolve(), name).then(() => original(...args));
      }
      const { succeed, fail } = world.workflow;
      world.workflow.succeed = async (token, answer) => {
        await s.schedule(Promise.resolve(), 'task success');
        const result = await succeed(token, answer);
        // The workflow goes on: after an accepted offer it waits for the decision.
        if (result === 'resumed' && answer.outcome === 'accepted') s.schedule(Promise.resolve(), 'decision-wait').then(() => world.enterDecisionWait());
        return result;
      };
      world.workflow.fail = async (token, error, cause) => {
        await s.schedule(Promise.resolve(), 'task failure');
        return fail(token, error, cause);
      };
      const yieldToOthers = () => s.schedule(Promise.resolve(), 'bank retries');
      const answers = Promise.all(events.map((event) => deliver(world, event, yieldToOthers)));
      const timer = withTimer
        ? s
            .schedule(Promise.resolve(), 'timer')
            .then(() => world.timeout('T1', 'offer', NOW))
            .then((deadline) => {
              // After a deadline step that said "answered", the workflow goes on with the answer.
              if (deadline?.outcome === 'answered' && deadline.answer.outcome === 'accepted') {
                s.schedule(Promise.resolve(), 'decision-wait').then(() => world.enterDecisionWait());
              }
            })
        : Promise.resolve();
      await s.waitFor(Promise.all([answers, timer]));
      const results = await answers;
      await s.waitAll();

      // Every delivery got a defined answer; none is left asking to retry for ever.
      for (const r of results) expect(['answered', 'problem']).toContain(r.kind);
      // The referral went along one valid path, each change once.
      expect(VALID_PATHS).toContainEqual(world.history);
      // No token was taken twice.
      expect(new Set(world.taken.map((t) => t.token)).size).toBe(world.taken.length);
      // A decline always ends its wait as the task failure the definition catches, everything else as success.
      for (const t of world.taken) if (t.ended) expect(t.ended).toBe(t.answer.outcome === 'declined' ? 'failure' : 'success');
      // Not stuck: a referral that ended leaves the workflow waiting on nothing.
      if (['declined', 'expired', 'granted'].includes(world.referral.stage)) expect([...world.live.values()]).toEqual([]);
      // An accepted referral has the workflow at the decision wait with that token.
      if (world.referral.stage === 'accepted') expect([...world.live.values()]).toEqual(['decision']);
      // Late only when the referral had expired; in time otherwise.
      if (!world.history.includes('expired')) expect(world.lateAnswers).toBe(0);
      expect(world.counters.lateAnswers ?? 0).toBe(world.lateAnswers);
    });

  it('accepted and declined at once: one goes first, the other follows it, the workflow never waits on an ended referral', async () => {
    await fc.assert(scenario([accepted, declined], false), { numRuns: 300 });
  });

  it('accepted and declined at once while the deadline timer fires', async () => {
    await fc.assert(scenario([accepted, declined], true), { numRuns: 300 });
  });

  it('the same acceptance three times at once, with and without the timer', async () => {
    await fc.assert(scenario([accepted, accepted, accepted], false), { numRuns: 200 });
    await fc.assert(scenario([accepted, accepted, accepted], true), { numRuns: 200 });
  });

  it('accepted, then granted racing a decline', async () => {
    await fc.assert(scenario([accepted, granted, declined], false), { numRuns: 300 });
  });
});
