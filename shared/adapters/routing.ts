// The routing store, settings and clients, built once per execution environment from its settings.
import { ENV, numberEnv, requiredEnv } from './config';
import { tableCalendarSource } from './calendar';
import { documentDbClient } from './dynamodb';
import { logger } from './observability';
import { RoutingStore } from './routing-store';
import type { RoutingSettings } from '../domain/routing';
import type { CalendarSource } from '../domain/holiday-calendar';
import { DEFAULT_REVIEW_WORKING_DAYS, isReviewMode, type ReviewSettings } from '../domain/review';

export function routingStore(options: { audit?: ConstructorParameters<typeof RoutingStore>[2] } = {}): RoutingStore {
  return new RoutingStore(
    documentDbClient(),
    {
      needs: requiredEnv(ENV.needsTable),
      counters: requiredEnv(ENV.countersTable),
    },
    options.audit,
    { bankCacheSeconds: numberEnv(ENV.bankCacheSeconds, 30) },
  );
}

export function routingSettings(): RoutingSettings {
  const calendar = tableCalendarSource((keys) => logger.warn('ignored holiday arrangements that do not parse', { keys }));
  const timeScale = numberEnv(ENV.timeScale, 1);
  return { calendar, timeScale, maxOffers: numberEnv(ENV.maxOffers, 5), review: reviewSettings(calendar, timeScale) };
}

/** The review's stage settings: an unset or unknown default is `manual` (a county is reviewed unless told otherwise). */
export function reviewSettings(calendar: CalendarSource, timeScale: number): ReviewSettings {
  const mode = process.env[ENV.reviewDefault];
  return { defaultMode: isReviewMode(mode) ? mode : 'manual', workingDays: numberEnv(ENV.reviewWorkingDays, DEFAULT_REVIEW_WORKING_DAYS), calendar, timeScale };
}
