// The local runtime fires the template's schedules on their cron: the cron arithmetic.
import { describe, expect, it } from 'vitest';
import { nextFire } from '../../local/schedules';

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
