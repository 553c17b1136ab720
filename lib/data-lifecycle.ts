// Data lifecycle: the daily erasure of personal data from needs closed longer than the stage's
// retention setting (shared/domain/data-retention.ts; access pattern in docs/data-model.md).
import { Schedule } from 'aws-cdk-lib/aws-events';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { scheduleInvocation } from './dead-letter';

/** Daily at 02:00 China Standard Time (18:00 UTC), after the roll-up. */
export const ERASURE_SCHEDULE = { minute: '0', hour: '18' };

/** The daily erasure, with its dead-letter queue for a run that failed after its retries. */
export function scheduleErasure(scope: Construct, eraser: NodejsFunction): void {
  scheduleInvocation(scope, 'DailyErasure', eraser, {
    description: 'Erase the personal data of needs closed longer than the retention setting, at 02:00 China Standard Time',
    schedule: Schedule.cron(ERASURE_SCHEDULE),
    input: { source: 'schedule' },
    purpose:
      'the daily erasure of personal data: a run that failed after its retries (nothing is lost: the needs stay in the byPersonalData index and the next run erases them); redrive re-runs it',
  });
}
