// The calendar warning `npm start` prints: the official holiday arrangements (bundled and loaded into
// the local needs table) end within 60 days, so new deadlines are about to become provisional.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { coverageWarning } from '../shared/domain/holiday-calendar';
import { calendarOf, loadedArrangements } from '../shared/adapters/calendar';

export async function calendarWarning(db: DynamoDBDocumentClient, needsTable: string, now = new Date()): Promise<string | undefined> {
  const { arrangements } = await loadedArrangements(db, needsTable);
  const warning = coverageWarning(calendarOf(arrangements), now);
  return warning && `  ! ${warning.zh}\n  ! ${warning.en}`;
}
