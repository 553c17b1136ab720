// The roll-up workflow's first step (lib/rollup-workflow.ts), scheduled at 01:00 CST and on demand:
// for each period — the previous day, its month-to-date and, on the 1st, the previous month, or the
// periods asked for — read the counters once, roll them up, decide the public edition period-wide and
// stage the batches for the workers. Each run also reports the days of official holiday arrangements
// left (metric CalendarCoverageDaysLeft, alarmed below 60 days).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { coverageWarning, officialCoverageDaysLeft } from '../../shared/domain/holiday-calendar';
import { chinaDay } from '../../shared/domain/need-record';
import { parsePeriod, scheduledPeriods } from '../../shared/domain/report';
import { rollupInputSchema } from '../../shared/domain/report-publication';
import { DEFAULT_SUPPRESSION_THRESHOLD } from '../../shared/domain/suppression';
import { ENV, numberEnv, requiredEnv } from '../../shared/adapters/config';
import { counterSource } from '../../shared/adapters/counters-reader';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { logger, metrics } from '../../shared/adapters/observability';
import { DEFAULT_BATCH_REPORTS, planRollup } from '../../shared/adapters/report-publisher';
import { reportStore } from '../../shared/adapters/report-store';
import { routingSettings, routingStore } from '../../shared/adapters/routing';

const store = reportStore();
const countersTable = requiredEnv(ENV.countersTable);
const threshold = numberEnv(ENV.suppressionThreshold, DEFAULT_SUPPRESSION_THRESHOLD);
const batchReports = numberEnv(ENV.rollupBatchReports, DEFAULT_BATCH_REPORTS);
const banks = routingStore();
const { calendar } = routingSettings();

async function rollupPlanHandler(event: unknown) {
  const input = rollupInputSchema.parse(event ?? {});
  const now = new Date();
  const current = await calendar.current();
  metrics.addMetric('CalendarCoverageDaysLeft', MetricUnit.Count, officialCoverageDaysLeft(current, now));
  const warning = coverageWarning(current, now);
  if (warning) logger.warn('holiday calendar: official arrangements end soon', { ...warning });
  metrics.publishStoredMetrics();
  // The schedule's event carries its time: a re-run of that event rolls up the same periods.
  const periods = input.periods?.length ? input.periods.map(parsePeriod) : scheduledPeriods(chinaDay(input.time ? new Date(input.time) : now));
  const bankNames = Object.fromEntries((await banks.listBanks()).map(({ bank }) => [bank.bankId, { zh: bank.nameZh, en: bank.nameEn }]));
  return planRollup({
    counters: counterSource(documentDbClient(), countersTable),
    store,
    periods,
    threshold,
    bankNames,
    isProvisionalYear: (year) => current.yearStatus(year) === 'provisional',
    batchReports,
    log: (message, fields) => logger.info(message, fields),
  });
}

export const handler = middy(rollupPlanHandler).use(injectLambdaContext(logger)).use(logMetrics(metrics));
