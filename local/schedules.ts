// EventBridge schedule rules of the synthesized template, fired locally on their cron: each rule's
// Lambda targets get the rule's input, as EventBridge would deliver it.
import { resourcesOfType, type CfnTemplate, type CfnValue } from './synth';

export interface LocalSchedule {
  rule: string;
  expression: string;
  functionLogicalId: string;
  input: unknown;
}

export function schedulesFromTemplate(template: CfnTemplate): LocalSchedule[] {
  return resourcesOfType(template, 'AWS::Events::Rule').flatMap(([rule, resource]) => {
    const props = resource.Properties ?? {};
    const expression = props.ScheduleExpression;
    if (typeof expression !== 'string') return [];
    return ((props.Targets as { Arn: CfnValue; Input?: string }[] | undefined) ?? []).flatMap((target) => {
      const att = (target.Arn as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
      if (!att) return [];
      return [{ rule, expression, functionLogicalId: att[0]!, input: target.Input ? (JSON.parse(target.Input) as unknown) : {} }];
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

/** Arms a timer per schedule; each firing re-arms it. */
export function startSchedules(
  schedules: LocalSchedule[],
  fire: (schedule: LocalSchedule) => Promise<void>,
  now: () => Date = () => new Date(),
): { stop(): void } {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const arm = (schedule: LocalSchedule) => {
    if (stopped) return;
    const delay = Math.min(nextFire(schedule.expression, now()).getTime() - now().getTime(), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      timers.delete(timer);
      void fire(schedule).finally(() => arm(schedule));
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
