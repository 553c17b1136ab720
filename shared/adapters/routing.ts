// The routing store, settings and clients, built once per execution environment from its settings.
import { ENV, numberEnv, requiredEnv } from './config';
import { chineseCalendar } from './calendar';
import { documentDbClient } from './dynamodb';
import { RoutingStore } from './routing-store';
import type { RoutingSettings } from '../domain/routing';

export function routingStore(): RoutingStore {
  return new RoutingStore(documentDbClient(), {
    needs: requiredEnv(ENV.needsTable),
    counters: requiredEnv(ENV.countersTable),
  });
}

export function routingSettings(): RoutingSettings {
  return {
    calendar: chineseCalendar,
    timeScale: numberEnv(ENV.timeScale, 1),
    maxOffers: numberEnv(ENV.maxOffers, 5),
  };
}
