// The routing sweeper: needs whose workflow never started are started, so a need lost between the
// table's stream and the workflow (the pipe failing, its dead-letter queue not yet redriven) is
// routed after all. Executions are named by the need id, so starting one twice starts nothing.
//
// Two sweeps:
// - `unrouted` (every 10 minutes): needs still `submitted` more than N minutes after submission
//   (the pipe starts a workflow within seconds and its first step moves the need on);
// - `lost`: needs in any open status whose execution the workflow service does not know. In AWS an
//   execution is never lost; the local runtime keeps executions in memory and runs this sweep when
//   it starts, so routing resumes after `npm start` restarts (the steps are idempotent: screening
//   answers as before, picking the next bank continues an open referral).
import * as z from 'zod';
import { OPEN_STATUSES, type NeedStatus } from './need-record';

export const DEFAULT_SWEEP_AFTER_MINUTES = 15;
/** Needs looked at in one run; the next run takes the rest. */
export const SWEEP_LIMIT = 200;

export const SWEEP_MODES = ['unrouted', 'lost'] as const;
export type SweepMode = (typeof SWEEP_MODES)[number];

/** The sweeper's input: the schedule sends `{ "source": "schedule" }` (an unrouted sweep). */
export const sweepInputSchema = z.object({ mode: z.enum(SWEEP_MODES).default('unrouted') });

export interface SweepPorts {
  /** Ids of needs still `submitted` that were submitted before `before`, oldest first, at most `limit`. */
  submittedBefore(before: Date, limit: number): Promise<string[]>;
  /** Ids of open needs (routing not finished: a status of {@link ROUTING_OPEN_STATUSES}), at most `limit`. */
  openNeeds(limit: number): Promise<string[]>;
  /** Whether the workflow service knows an execution named by this need id (running or finished). */
  executionKnown(needId: string): Promise<boolean>;
  /** StartExecution named by the need id. */
  startRouting(needId: string): Promise<'started' | 'already_started'>;
}

export interface SweepReport {
  mode: SweepMode;
  /** Needs the sweep looked at. */
  examined: number;
  /** Needs whose workflow the sweep started. */
  started: string[];
  /** Needs whose workflow existed already. */
  alreadyStarted: number;
  failed: { needId: string; error: string }[];
}

/** The instant before which a need still `submitted` counts as never started. */
export function sweepCutoff(now: Date, afterMinutes: number): Date {
  if (!Number.isFinite(afterMinutes) || afterMinutes <= 0) throw new Error(`sweep delay must be a positive number of minutes, not ${afterMinutes}`);
  return new Date(now.getTime() - afterMinutes * 60_000);
}

/** The statuses in which a workflow must be running for the need (routing not finished). */
export const ROUTING_OPEN_STATUSES: readonly NeedStatus[] = [...OPEN_STATUSES].filter((status) => status !== 'awaiting_consent'); // open, but no workflow runs before its consent

export async function sweepRouting(
  ports: SweepPorts,
  options: { mode: SweepMode; now: Date; afterMinutes: number; limit?: number },
): Promise<SweepReport> {
  const limit = options.limit ?? SWEEP_LIMIT;
  const candidates =
    options.mode === 'unrouted'
      ? await ports.submittedBefore(sweepCutoff(options.now, options.afterMinutes), limit)
      : await ports.openNeeds(limit);
  const report: SweepReport = { mode: options.mode, examined: candidates.length, started: [], alreadyStarted: 0, failed: [] };
  for (const needId of candidates) {
    try {
      // Asking first keeps the report honest: StartExecution with the same name and input answers
      // success for an execution that is already running.
      if (await ports.executionKnown(needId)) {
        report.alreadyStarted++;
        continue;
      }
      if ((await ports.startRouting(needId)) === 'started') report.started.push(needId);
      else report.alreadyStarted++;
    } catch (error) {
      // One need's failure does not stop the others; the caller fails the run so it is retried.
      report.failed.push({ needId, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  return report;
}
