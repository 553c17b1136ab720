// The local runtime fires the template's schedules on their cron: the cron arithmetic, and the input
// EventBridge gives a target.
import { describe, expect, it } from 'vitest';
import { nextFire, transformInput } from '../../local/schedules';

describe('nextFire', () => {
  it('fires the daily 01:00 CST roll-up (17:00 UTC) at the next 17:00 UTC', () => {
    expect(nextFire('cron(0 17 * * ? *)', new Date('2026-11-30T06:00:00Z')).toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(nextFire('cron(0 17 * * ? *)', new Date('2026-11-30T17:00:00Z')).toISOString()).toBe('2026-12-01T17:00:00.000Z');
  });

  it('fires the routing sweep every 10 minutes', () => {
    expect(nextFire('cron(0,10,20,30,40,50 * * * ? *)', new Date('2026-11-30T06:00:00Z')).toISOString()).toBe('2026-11-30T06:10:00.000Z');
    expect(nextFire('cron(0,10,20,30,40,50 * * * ? *)', new Date('2026-11-30T06:54:59Z')).toISOString()).toBe('2026-11-30T07:00:00.000Z');
  });

  it('handles lists, days of the month and months', () => {
    expect(nextFire('cron(15,45 3 1 * ? *)', new Date('2026-11-30T06:00:00Z')).toISOString()).toBe('2026-12-01T03:15:00.000Z');
    expect(nextFire('cron(0 0 1 1 ? *)', new Date('2026-11-30T06:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('refuses what it does not understand rather than firing at the wrong time', () => {
    expect(() => nextFire('rate(5 minutes)', new Date())).toThrow(/cron/);
    expect(() => nextFire('cron(0 17 ? * MON *)', new Date())).toThrow();
    expect(() => nextFire('cron(0/5 * * * ? *)', new Date())).toThrow();
  });
});

describe('transformInput (EventBridge input transformer)', () => {
  const event = { time: '2026-11-30T17:00:00Z', detail: { n: 3 }, resources: ['arn:r'] };

  it('puts a value outside quotes as JSON and inside a quoted string as text, as EventBridge does', () => {
    expect(transformInput({ InputPathsMap: { time: '$.time' }, InputTemplate: '{"source":"schedule","time":<time>}' }, event)).toEqual({
      source: 'schedule',
      time: '2026-11-30T17:00:00Z',
    });
    expect(transformInput({ InputPathsMap: { n: '$.detail.n', time: '$.time' }, InputTemplate: '{"note":"at <time>","n":<n>}' }, event)).toEqual({ note: 'at 2026-11-30T17:00:00Z', n: 3 });
  });

  it('gives null for a path the event does not have, and refuses paths it does not understand', () => {
    expect(transformInput({ InputPathsMap: { gone: '$.detail.gone' }, InputTemplate: '{"gone":<gone>}' }, event)).toEqual({ gone: null });
    expect(() => transformInput({ InputPathsMap: { r: '$.resources[0]' }, InputTemplate: '{"r":<r>}' }, event)).toThrow(/unsupported/);
  });
});
