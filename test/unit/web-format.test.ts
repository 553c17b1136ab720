import { describe, expect, it } from 'vitest';
import { formatChinaClock, formatChinaTime, formatMonths, formatYuan, groupThousands, yuanReading } from '../../web/src/format';

describe('money', () => {
  it('groups thousands', () => {
    expect(groupThousands(0)).toBe('0');
    expect(groupThousands(999)).toBe('999');
    expect(groupThousands(1000)).toBe('1,000');
    expect(groupThousands(500_000_000)).toBe('500,000,000');
    expect(groupThousands(-1234567)).toBe('-1,234,567');
  });

  it('formats yuan per language', () => {
    expect(formatYuan(500_000, 'zh')).toBe('500,000 元');
    expect(formatYuan(500_000, 'en')).toBe('500,000 yuan');
  });

  it('reads amounts back in 万元 / 亿元 in Chinese, so a missing zero shows', () => {
    expect(yuanReading(500_000, 'zh')).toBe('= 50 万元');
    expect(yuanReading(12_345, 'zh')).toBe('= 1.2345 万元');
    expect(yuanReading(9_999, 'zh')).toBe('= 9,999 元');
    expect(yuanReading(300_000_000, 'zh')).toBe('= 3 亿元');
    expect(yuanReading(199_999_999, 'zh')).toBe('≈ 2 亿元');
    expect(yuanReading(123_456_789, 'zh')).toBe('≈ 1.2346 亿元');
    expect(yuanReading(500_000, 'en')).toBe('= 500,000 yuan');
  });

  it('reads nothing for amounts that are not whole yet', () => {
    expect(yuanReading(undefined, 'zh')).toBe('');
    expect(yuanReading(12.5, 'zh')).toBe('');
    expect(yuanReading(-1, 'en')).toBe('');
  });
});

describe('China time', () => {
  it('shows instants in UTC+8, across the date line', () => {
    expect(formatChinaTime('2026-11-05T06:03:00.000Z')).toBe('2026-11-05 14:03');
    expect(formatChinaTime('2026-12-31T16:30:00Z')).toBe('2027-01-01 00:30');
    expect(formatChinaTime('2026-07-01T10:00:00+02:00')).toBe('2026-07-01 16:00');
  });

  it('leaves what is not an instant as it is', () => {
    expect(formatChinaTime('soon')).toBe('soon');
  });

  it('gives the clock time in China', () => {
    expect(formatChinaClock(new Date('2026-11-05T20:01:02Z'))).toBe('04:01:02');
  });
});

describe('terms', () => {
  it('formats months', () => {
    expect(formatMonths(12, 'zh')).toBe('12 个月');
    expect(formatMonths(1, 'en')).toBe('1 month');
    expect(formatMonths(36, 'en')).toBe('36 months');
  });
});
