// Scheduled at 01:00 CST (and on demand): roll the county-day counters up the division tree into
// reports in S3, for the previous day, its month-to-date and, on the 1st, the previous month. Each
// run also reports the days of official holiday arrangements left (metric CalendarCoverageDaysLeft,
// alarmed below 60 days).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { coverageWarning, officialCoverageDaysLeft } from '../../shared/domain/holiday-calendar';
import { chinaDay } from '../../shared/domain/need-record';
import { parsePeriod, scheduledPeriods } from '../../shared/domain/report';
import { DEFAULT_SUPPRESSION_THRESHOLD } from '../../shared/domain/suppression';
import { ENV, numberEnv, requiredEnv } from '../../shared/adapters/config';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { logger, metrics } from '../../shared/adapters/observability';
import { publishPeriod } from '../../shared/adapters/report-publisher';
import { reportStore } from '../../shared/adapters/report-store';
import { routingSettings, routingStore } from '../../shared/adapters/routing';

const store = reportStore();
const countersTable = requiredEnv(ENV.countersTable);
const threshold = numberEnv(ENV.suppressionThreshold, DEFAULT_SUPPRESSION_THRESHOLD);
const banks = routingStore();
const { calendar } = routingSettings();

/** `{ periods: ['2026-11', '2026-11-29'] }` on demand; anything else (the schedule) means "as scheduled". */
interface RollupInput {
  periods?: string[];
}

async function rollupHandler(input: RollupInput) {
  const now = new Date();
  const current = await calendar.current();
  metrics.addMetric('CalendarCoverageDaysLeft', MetricUnit.Count, officialCoverageDaysLeft(current, now));
  const warning = coverageWarning(current, now);
  if (warning) logger.warn('holiday calendar: official arrangements end soon', { ...warning });
  metrics.publishStoredMetrics();
  const periods = input.periods?.length ? input.periods.map(parsePeriod) : scheduledPeriods(chinaDay(new Date()));
  const bankNames = Object.fromEntries((await banks.listBanks()).map(({ bank }) => [bank.bankId, { zh: bank.nameZh, en: bank.nameEn }]));
  const results = [];
  for (const period of periods) {
    const result = await publishPeriod({
      db: documentDbClient(),
      countersTable,
      store,
      period,
      threshold,
      bankNames,
      isProvisionalYear: (year) => current.yearStatus(year) === 'provisional',
    });
    logger.info('period published', { ...result });
    results.push(result);
  }
  return { results };
}

export const handler = middy(rollupHandler).use(injectLambdaContext(logger)).use(logMetrics(metrics));
