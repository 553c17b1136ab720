/**
 * The Chinese working-day calendar the functions use: the arrangements bundled with the code
 * (`shared/data/holiday-arrangements.json`, one entry per year with its source notice), overlaid by
 * the arrangements an operator has loaded into the needs table (`npm run calendar -- load <file>`,
 * items `CALENDAR` / `YEAR#<year>`), so a newly published year needs no deploy. Loaded entries are
 * read through Powertools Parameters (DynamoDB provider) and cached for a few minutes.
 *
 * A year with neither is computed from the law (statutory holidays, lunar dates) and provisional:
 * see shared/domain/holiday-calendar.ts.
 */
import { DynamoDBProvider } from '@aws-lambda-powertools/parameters/dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import bundledFile from '../data/holiday-arrangements.json';
import {
  holidayArrangementSchema,
  holidayArrangementsFileSchema,
  holidayCalendar,
  type CalendarSource,
  type ChineseWorkCalendar,
  type HolidayArrangement,
} from '../domain/holiday-calendar';
import { ENV, numberEnv, requiredEnv } from './config';
import { lunarDates } from './lunar';

/** Where loaded arrangements live in the needs table. */
export const CALENDAR_PARTITION = 'CALENDAR';
export const calendarKey = (year: number) => ({ pk: CALENDAR_PARTITION, sk: `YEAR#${year}` });
/** The attribute holding an arrangement (JSON text) on its item. */
export const CALENDAR_VALUE_ATTRIBUTE = 'arrangement';

/** The arrangements shipped with the code, validated once. */
export const BUNDLED_ARRANGEMENTS: readonly HolidayArrangement[] = holidayArrangementsFileSchema.parse(bundledFile).arrangements;

/** The calendar of the bundled arrangements, overlaid by `loaded` (later wins). */
export function calendarOf(loaded: readonly HolidayArrangement[] = []): ChineseWorkCalendar {
  return holidayCalendar([...BUNDLED_ARRANGEMENTS, ...loaded], lunarDates);
}

/** The loaded arrangements, parsed; an item that does not parse is ignored (and logged by the caller). */
export function parseLoaded(values: Record<string, unknown>): { arrangements: HolidayArrangement[]; invalid: string[] } {
  const arrangements: HolidayArrangement[] = [];
  const invalid: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const parsed = holidayArrangementSchema.safeParse(value);
    if (parsed.success) arrangements.push(parsed.data);
    else invalid.push(key);
  }
  return { arrangements: arrangements.sort((a, b) => a.year - b.year), invalid };
}

/** The calendar from the needs table's loaded arrangements over the bundled ones, cached `CALENDAR_CACHE_SECONDS` (300). */
export function tableCalendarSource(onInvalid: (keys: string[]) => void = () => {}): CalendarSource {
  const provider = new DynamoDBProvider({
    tableName: requiredEnv(ENV.needsTable),
    keyAttr: 'pk',
    sortAttr: 'sk',
    valueAttr: CALENDAR_VALUE_ATTRIBUTE,
    // Its own client: the provider's paginator checks `instanceof` against the SDK copy it imports,
    // which need not be the one a bundle or loader gave the rest of the code.
    clientConfig: { maxAttempts: 3 },
  });
  const maxAge = numberEnv(ENV.calendarCacheSeconds, 300);
  let built: { key: string; calendar: ChineseWorkCalendar } | undefined;
  return {
    async current() {
      const values = ((await provider.getMultiple(CALENDAR_PARTITION, { maxAge, transform: 'json' })) ?? {}) as Record<string, unknown>;
      const key = JSON.stringify(values);
      if (built?.key !== key) {
        const { arrangements, invalid } = parseLoaded(values);
        if (invalid.length > 0) onInvalid(invalid);
        built = { key, calendar: calendarOf(arrangements) };
      }
      return built.calendar;
    },
  };
}

/** The arrangements an operator has loaded (consistent read), and the ones that do not parse. */
export async function loadedArrangements(db: DynamoDBDocumentClient, needsTable: string): Promise<{ arrangements: HolidayArrangement[]; invalid: string[] }> {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: needsTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': CALENDAR_PARTITION },
      ConsistentRead: true,
    }),
  );
  const values: Record<string, unknown> = {};
  for (const item of Items) {
    try {
      values[String(item.sk)] = JSON.parse(String(item[CALENDAR_VALUE_ATTRIBUTE]));
    } catch {
      values[String(item.sk)] = undefined;
    }
  }
  return parseLoaded(values);
}

/** Loads (adds or replaces) a year's arrangement: the functions pick it up within their cache time. */
export async function putArrangement(db: DynamoDBDocumentClient, needsTable: string, arrangement: HolidayArrangement, now: Date): Promise<void> {
  await db.send(
    new PutCommand({
      TableName: needsTable,
      Item: {
        ...calendarKey(arrangement.year),
        itemType: 'holiday-arrangement',
        [CALENDAR_VALUE_ATTRIBUTE]: JSON.stringify(arrangement),
        loadedAt: now.toISOString(),
      },
    }),
  );
}
