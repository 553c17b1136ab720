// Display formatting for both pages: money in yuan, instants in China Standard Time. Pure functions.
import type { Language } from './i18n';
import { formatYuan, groupThousands } from '../../shared/domain/timeline-text';

// Amounts and terms are formatted as the timeline formats them (one place for both).
export { formatMonths, formatYuan, groupThousands } from '../../shared/domain/timeline-text';

/**
 * A reading aid under an amount field, so a missing or extra zero shows: in Chinese the amount in
 * 万元 / 亿元 ("50 万元"), in English with separators ("500,000 yuan"). Empty when the amount is
 * not a whole number yet.
 */
export function yuanReading(value: number | undefined, language: Language): string {
  if (value === undefined || !Number.isSafeInteger(value) || value < 0) return '';
  if (language === 'en') return `= ${formatYuan(value, 'en')}`;
  if (value >= 100_000_000) return chineseUnits(value, 100_000_000, '亿元');
  if (value >= 10_000) return chineseUnits(value, 10_000, '万元');
  return `= ${formatYuan(value, 'zh')}`;
}

/** "= 50 万元", or "≈ 2 亿元" when four decimals of the unit do not show the exact amount. */
function chineseUnits(value: number, unit: number, unitName: string): string {
  const inUnits = value / unit;
  const rounded = Math.round(inUnits * 10_000) / 10_000;
  const [whole = '0', fraction = ''] = rounded.toFixed(4).split('.');
  const decimals = fraction.replace(/0+$/, '');
  const shown = groupThousands(Number(whole)) + (decimals ? `.${decimals}` : '');
  return `${rounded === inUnits ? '=' : '≈'} ${shown} ${unitName}`;
}

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * An ISO-8601 instant as China Standard Time (Asia/Shanghai, UTC+8 all year, no daylight saving):
 * "2026-11-05 14:03". Returns the input unchanged when it is not a valid instant.
 */
export function formatChinaTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const shifted = new Date(ms + CHINA_OFFSET_MS).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

/** Clock time of an instant in China Standard Time, "14:03:27". */
export function formatChinaClock(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(11, 19);
}

