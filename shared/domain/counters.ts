// Names of the county-day counters (docs/data-model.md): one place for the writers (routing) and the
// reader (the roll-up).

/** Counter attribute for a breakdown, e.g. `declinedBy_tax_arrears`, `offersBy_icbc-hz`. */
export function counterKey(name: string, by: string): string {
  return `${name}By_${by.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function assertDays(days: number): void {
  if (!Number.isSafeInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer, got ${days}`);
}

/** Decisions (grant, or decline after acceptance) taken `days` whole CST calendar days after the offer. */
export function decisionDaysBucketKey(days: number): string {
  assertDays(days);
  return `decisionDaysBucket_${days}`;
}

/** A bank's answers to offers (accept or decline) given `days` whole CST calendar days after the offer. */
export function answerDaysBucketKey(bankId: string, days: number): string {
  assertDays(days);
  return counterKey('answerDaysBucket', `${bankId}_${days}`);
}
