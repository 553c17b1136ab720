// The routing sweeper's rules on in-memory ports: which needs it starts, in which sweep, and that a
// need whose workflow exists is never started again.
import { describe, expect, it } from 'vitest';
import type { NeedStatus } from '../../shared/domain/need-record';
import { ROUTING_OPEN_STATUSES, sweepCutoff, sweepInputSchema, sweepRouting, type SweepPorts } from '../../shared/domain/routing-sweep';

interface FakeNeed {
  needId: string;
  status: NeedStatus;
  submittedAt: string;
}

function fakePorts(needs: FakeNeed[], executions: Set<string>, failing = new Set<string>()) {
  const started: string[] = [];
  const ports: SweepPorts = {
    submittedBefore: async (before, limit) =>
      needs
        .filter((n) => n.status === 'submitted' && n.submittedAt < before.toISOString())
        .sort((a, b) => a.submittedAt.localeCompare(b.submittedAt))
        .slice(0, limit)
        .map((n) => n.needId),
    openNeeds: async (limit) => needs.filter((n) => ROUTING_OPEN_STATUSES.includes(n.status)).slice(0, limit).map((n) => n.needId),
    executionKnown: async (needId) => executions.has(needId),
    startRouting: async (needId) => {
      if (failing.has(needId)) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      if (executions.has(needId)) return 'already_started';
      executions.add(needId);
      started.push(needId);
      return 'started';
    },
  };
  return { ports, started };
}

const now = new Date('2026-12-01T08:00:00.000Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

describe('sweepRouting, unrouted sweep', () => {
  it('starts needs still submitted after the delay, and only those', async () => {
    const needs: FakeNeed[] = [
      { needId: 'old-unrouted', status: 'submitted', submittedAt: minutesAgo(16) },
      { needId: 'fresh', status: 'submitted', submittedAt: minutesAgo(14) },
      { needId: 'routed', status: 'offered', submittedAt: minutesAgo(60) },
    ];
    const { ports, started } = fakePorts(needs, new Set());
    const report = await sweepRouting(ports, { mode: 'unrouted', now, afterMinutes: 15 });
    expect(started).toEqual(['old-unrouted']);
    expect(report).toEqual({ mode: 'unrouted', examined: 1, started: ['old-unrouted'], alreadyStarted: 0, failed: [] });
  });

  it('leaves a need alone whose execution exists (a failed workflow is the alarm’s business, not the sweeper’s)', async () => {
    const { ports, started } = fakePorts([{ needId: 'failed-early', status: 'submitted', submittedAt: minutesAgo(30) }], new Set(['failed-early']));
    const report = await sweepRouting(ports, { mode: 'unrouted', now, afterMinutes: 15 });
    expect(started).toEqual([]);
    expect(report.alreadyStarted).toBe(1);
  });

  it('is idempotent: a second run starts nothing', async () => {
    const needs: FakeNeed[] = [{ needId: 'n1', status: 'submitted', submittedAt: minutesAgo(20) }];
    const executions = new Set<string>();
    const { ports } = fakePorts(needs, executions);
    await sweepRouting(ports, { mode: 'unrouted', now, afterMinutes: 15 });
    const second = await sweepRouting(ports, { mode: 'unrouted', now, afterMinutes: 15 });
    expect(second.started).toEqual([]);
    expect(second.alreadyStarted).toBe(1);
  });

  it('counts a need StartExecution reports as existing (a race with the pipe) as already started', async () => {
    const executions = new Set<string>();
    const { ports } = fakePorts([{ needId: 'racing', status: 'submitted', submittedAt: minutesAgo(20) }], executions);
    const racing: SweepPorts = { ...ports, executionKnown: async () => false, startRouting: async () => 'already_started' };
    expect(await sweepRouting(racing, { mode: 'unrouted', now, afterMinutes: 15 })).toMatchObject({ started: [], alreadyStarted: 1 });
  });

  it('goes on past a need it cannot start and reports it', async () => {
    const needs: FakeNeed[] = [
      { needId: 'a', status: 'submitted', submittedAt: minutesAgo(40) },
      { needId: 'b', status: 'submitted', submittedAt: minutesAgo(30) },
    ];
    const { ports, started } = fakePorts(needs, new Set(), new Set(['a']));
    const report = await sweepRouting(ports, { mode: 'unrouted', now, afterMinutes: 15 });
    expect(started).toEqual(['b']);
    expect(report.failed).toEqual([{ needId: 'a', error: 'ThrottlingException: throttled' }]);
  });

  it('looks at no more than the limit in one run', async () => {
    const needs: FakeNeed[] = Array.from({ length: 5 }, (_, i) => ({ needId: `n${i}`, status: 'submitted', submittedAt: minutesAgo(60 - i) }));
    const { ports, started } = fakePorts(needs, new Set());
    await sweepRouting(ports, { mode: 'unrouted', now, afterMinutes: 15, limit: 2 });
    expect(started).toEqual(['n0', 'n1']);
  });
});

describe('sweepRouting, lost sweep (local restarts)', () => {
  it('restarts every open need whose execution is unknown, whatever its age, and no closed one', async () => {
    const needs: FakeNeed[] = [
      { needId: 'offered-lost', status: 'offered', submittedAt: minutesAgo(3) },
      { needId: 'accepted-lost', status: 'accepted', submittedAt: minutesAgo(3_000) },
      { needId: 'recommended-running', status: 'recommended', submittedAt: minutesAgo(5) },
      { needId: 'granted', status: 'granted', submittedAt: minutesAgo(100) },
      { needId: 'unmatched', status: 'unmatched', submittedAt: minutesAgo(100) },
      { needId: 'not-recommended', status: 'not_recommended', submittedAt: minutesAgo(100) },
    ];
    const { ports, started } = fakePorts(needs, new Set(['recommended-running']));
    const report = await sweepRouting(ports, { mode: 'lost', now, afterMinutes: 15 });
    expect(started.sort()).toEqual(['accepted-lost', 'offered-lost']);
    expect(report.alreadyStarted).toBe(1);
  });

  it('treats the open statuses of a need as the ones with a workflow to resume', () => {
    expect([...ROUTING_OPEN_STATUSES].sort()).toEqual(['accepted', 'in_review', 'offered', 'recommended', 'screening', 'submitted']);
  });
});

describe('sweep settings', () => {
  it('reads the schedule event as an unrouted sweep and refuses an unknown mode', () => {
    expect(sweepInputSchema.parse({ source: 'schedule' })).toEqual({ mode: 'unrouted' });
    expect(sweepInputSchema.parse({ mode: 'lost' })).toEqual({ mode: 'lost' });
    expect(() => sweepInputSchema.parse({ mode: 'everything' })).toThrow();
  });

  it('puts the cutoff the given minutes before now and refuses a nonsensical delay', () => {
    expect(sweepCutoff(now, 15).toISOString()).toBe('2026-12-01T07:45:00.000Z');
    expect(() => sweepCutoff(now, 0)).toThrow();
    expect(() => sweepCutoff(now, Number.NaN)).toThrow();
  });
});
