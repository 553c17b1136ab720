// The routing store, settings and clients, built once per execution environment from its settings.
import { ENV, numberEnv, requiredEnv } from './config';
import { tableCalendarSource } from './calendar';
import { documentDbClient } from './dynamodb';
import { logger } from './observability';
import { RoutingStore } from './routing-store';
import type { RoutingSettings } from '../domain/routing';

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
  return {
    calendar: tableCalendarSource((keys) => logger.warn('ignored holiday arrangements that do not parse', { keys })),
    timeScale: numberEnv(ENV.timeScale, 1),
    maxOffers: numberEnv(ENV.maxOffers, 5),
  };
}
