// EventBridge schedule rules of the synthesized template, fired locally on their cron: each rule's
// targets — Lambda functions or Step Functions state machines — get the rule's input (its `Input`, or
// its `InputTransformer` applied to the scheduled event), as EventBridge would deliver it.
import { referencedLogicalId } from './dead-letters';
import { resourcesOfType, type CfnTemplate, type CfnValue } from './synth';

/** The event EventBridge sends for a schedule (what an InputTransformer reads). */
export interface ScheduledEvent {
  version: '0';
  id: string;
  'detail-type': 'Scheduled Event';
  source: 'aws.events';
  account: string;
  /** The scheduled time, ISO 8601 to the second (`2026-11-30T17:00:00Z`). */
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, never>;
}

export interface LocalSchedule {
  rule: string;
  expression: string;
  /** The target's logical id and kind. */
  target: { kind: 'function' | 'stateMachine'; logicalId: string };
  /** For a function target, its logical id (as `target.logicalId`). */
  functionLogicalId?: string;
  /** The target's input for a scheduled event. */
  input(event: ScheduledEvent): unknown;
  /** EventBridge's retries of a target that refused the event (RetryPolicy; 185 by default). */
  retryAttempts: number;
  /** The target's dead-letter queue (logical id): the event after the retries. */
  deadLetterQueue?: string;
}

interface CfnTarget {
  Arn: CfnValue;
  Input?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  RetryPolicy?: { MaximumRetryAttempts?: number };
  DeadLetterConfig?: { Arn?: CfnValue };
}

/** A scheduled event as EventBridge builds it (the time to the second, without milliseconds). */
export function scheduledEvent(at: Date, region: string, account: string, ruleArn: string): ScheduledEvent {
  return {
    version: '0',
    id: globalThis.crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [ruleArn],
    detail: {},
  };
}

/** `$.a.b` of the event (the InputPathsMap paths smefin's rules use); undefined when absent. */
function pathValue(event: unknown, path: string): unknown {
  if (!/^\$(\.[\w-]+)*$/.test(path)) throw new Error(`unsupported InputPathsMap path locally: ${path}`);
  return path
    .split('.')
    .slice(1)
    .reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), event);
}

/**
 * EventBridge's input transformer: each `<name>` of the template is replaced by the value at its
 * path — as JSON outside quotes (a string keeps its quotes), as raw text inside a quoted string.
 */
export function transformInput(transformer: NonNullable<CfnTarget['InputTransformer']>, event: unknown): unknown {
  const values = Object.fromEntries(Object.entries(transformer.InputPathsMap ?? {}).map(([name, path]) => [name, pathValue(event, path)]));
  let inString = false;
  let text = '';
  const template = transformer.InputTemplate;
  for (let i = 0; i < template.length; i++) {
    const char = template[i]!;
    if (char === '"' && template[i - 1] !== '\\') inString = !inString;
    const placeholder = char === '<' ? /^<([\w-]+)>/.exec(template.slice(i)) : null;
    if (placeholder && placeholder[1]! in values) {
      const value = values[placeholder[1]!];
      text += inString ? JSON.stringify(value ?? '').slice(1, -1) : value === undefined ? 'null' : JSON.stringify(value);
      i += placeholder[0].length - 1;
    } else text += char;
  }
  return JSON.parse(text) as unknown;
}

export function schedulesFromTemplate(template: CfnTemplate): LocalSchedule[] {
  return resourcesOfType(template, 'AWS::Events::Rule').flatMap(([rule, resource]) => {
    const props = resource.Properties ?? {};
    const expression = props.ScheduleExpression;
    if (typeof expression !== 'string') return [];
    return ((props.Targets as CfnTarget[] | undefined) ?? []).flatMap((target): LocalSchedule[] => {
      const logicalId = referencedLogicalId(target.Arn);
      const type = logicalId && template.Resources[logicalId]?.Type;
      const kind = type === 'AWS::Lambda::Function' ? 'function' : type === 'AWS::StepFunctions::StateMachine' ? 'stateMachine' : undefined;
      if (!logicalId || !kind) return [];
      const fixed = target.Input ? (JSON.parse(target.Input) as unknown) : undefined;
      const transformer = target.InputTransformer;
      const deadLetterQueue = referencedLogicalId(target.DeadLetterConfig?.Arn);
      return [
        {
          rule,
          expression,
          target: { kind, logicalId },
          ...(kind === 'function' ? { functionLogicalId: logicalId } : {}),
          // No Input: EventBridge sends the whole event.
          input: (event) => (transformer ? transformInput(transformer, event) : (fixed ?? event)),
          retryAttempts: target.RetryPolicy?.MaximumRetryAttempts ?? 185,
          ...(deadLetterQueue ? { deadLetterQueue } : {}),
        },
      ];
    });
  });
}

const field = (value: string, min: number, max: number): number[] | 'any' => {
  if (value === '*' || value === '?') return 'any';
  const values = value.split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < min || v > max)) throw new Error(`unsupported cron field ${value}`);
  return values;
};

/**
 * The next time (UTC) a `cron(min hour day-of-month month day-of-week year)` expression fires after
 * `after`. Supports lists and `*`/`?` — what smefin's rules use; anything else is refused loudly.
 */
export function nextFire(expression: string, after: Date): Date {
  const match = /^cron\((.+)\)$/.exec(expression);
  if (!match) throw new Error(`only cron() schedules are supported locally: ${expression}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = match[1]!.trim().split(/\s+/);
  const minutes = field(minute!, 0, 59);
  const hours = field(hour!, 0, 23);
  const days = field(dayOfMonth!, 1, 31);
  const months = field(month!, 1, 12);
  if (field(dayOfWeek!, 1, 7) !== 'any') throw new Error(`day-of-week schedules are not supported locally: ${expression}`);
  const fits = (values: number[] | 'any', value: number) => values === 'any' || values.includes(value);
  const candidate = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  for (let i = 0; i < 366 * 24 * 60; i++) {
    if (
      fits(minutes, candidate.getUTCMinutes()) &&
      fits(hours, candidate.getUTCHours()) &&
      fits(days, candidate.getUTCDate()) &&
      fits(months, candidate.getUTCMonth() + 1)
    ) {
      return candidate;
    }
    candidate.setTime(candidate.getTime() + 60_000);
  }
  throw new Error(`no time within a year fits ${expression}`);
}

/**
 * Hands a scheduled event to a state machine as EventBridge does: StartExecution with the target's
 * input, retried (RetryPolicy) when refused, then the event to the target's dead-letter queue with
 * EventBridge's message attributes. (Function targets are invoked asynchronously instead: Lambda's
 * own retries and on-failure destination, local/dead-letters.ts.)
 */
export async function deliverToStateMachine(
  schedule: LocalSchedule,
  event: ScheduledEvent,
  deps: {
    start(input: unknown): Promise<unknown>;
    deadLetter(queueLogicalId: string, body: string, attributes: Record<string, string>): void;
    targetArn: string;
    retryIntervalMs: number;
  },
): Promise<'started' | 'dead-lettered' | 'dropped'> {
  let last: unknown;
  for (let attempt = 0; attempt <= schedule.retryAttempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, deps.retryIntervalMs));
    try {
      await deps.start(schedule.input(event));
      return 'started';
    } catch (error) {
      last = error;
    }
  }
  if (!schedule.deadLetterQueue) return 'dropped';
  deps.deadLetter(schedule.deadLetterQueue, JSON.stringify(event), {
    RULE_ARN: event.resources[0]!,
    TARGET_ARN: deps.targetArn,
    ERROR_CODE: last instanceof Error ? last.name : 'Error',
    ERROR_MESSAGE: last instanceof Error ? last.message : String(last),
    EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttemptsExhausted',
    RETRY_ATTEMPTS: String(schedule.retryAttempts),
  });
  return 'dead-lettered';
}

/** Arms a timer per schedule; each firing (with its scheduled time) re-arms it. */
export function startSchedules(
  schedules: LocalSchedule[],
  fire: (schedule: LocalSchedule, at: Date) => Promise<void>,
  now: () => Date = () => new Date(),
): { stop(): void } {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const arm = (schedule: LocalSchedule) => {
    if (stopped) return;
    const at = nextFire(schedule.expression, now());
    const delay = Math.min(at.getTime() - now().getTime(), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      timers.delete(timer);
      void fire(schedule, at).finally(() => arm(schedule));
    }, delay);
    timer.unref();
    timers.add(timer);
  };
  schedules.forEach(arm);
  return {
    stop: () => {
      stopped = true;
      timers.forEach(clearTimeout);
    },
  };
}
