// EventBridge Pipes target (lib/notifications.ts): for each change of a need on the needs table's
// stream, the SMS notice its new timeline entries call for (shared/domain/notifications.ts), with a
// status link of its own, handed to send-sms. A failure fails the batch: the pipe retries it, halves
// it, and then describes it in its dead-letter queue; notices already handed off are not sent again
// (each runs once per key).
import { AsyncLocalStorage } from 'node:async_hooks';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { statusPageUrl } from '../../shared/domain/need-record';
import { deliverNotice, NOTICE_KEY_SECONDS, noticesFor, type NeedImage, type Notice, type NoticeDeps, type NoticeOutcome } from '../../shared/domain/notifications';
import { ENV, requiredEnv } from '../../shared/adapters/config';
import { documentDbClient } from '../../shared/adapters/dynamodb';
import { idempotentByKey } from '../../shared/adapters/idempotency';
import { NoticeTokenStore } from '../../shared/adapters/notice-token-store';
import { logger, metrics } from '../../shared/adapters/observability';
import { smsHandOff } from '../../shared/adapters/sms-hand-off';
import { issueNoticeToken } from '../../shared/adapters/tracking-token';

const webOrigin = requiredEnv(ENV.webOrigin);
const tokens = new NoticeTokenStore(documentDbClient(), requiredEnv(ENV.needsTable));
const handOff = smsHandOff();
/** The messages this invocation handed off (a notice answered from its idempotency record hands off none). */
const handedOffNow = new AsyncLocalStorage<{ count: number }>();
const deps: NoticeDeps = {
  issueNoticeToken,
  keepNoticeToken: (needId, mobile, hash) => tokens.keep(needId, mobile, hash),
  handOff: async (message) => {
    await handOff(message);
    handedOffNow.getStore()!.count++;
  },
  statusUrl: (needId, token) => statusPageUrl(webOrigin, needId, token),
};
// Once per notice key (Powertools idempotency): the stored answer is the outcome only; the key and
// the notice (with its number) are kept as hashes.
const deliverOnce = idempotentByKey<Notice, NoticeOutcome>(requiredEnv(ENV.idempotencyTable), ({ request }) => deliverNotice(deps, request), NOTICE_KEY_SECONDS);

type StreamImage = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
/** What the notifier reads of an image: the need's id, contact and timeline (nothing else is converted). */
function image(value: StreamImage): NeedImage | undefined {
  if (!value) return undefined;
  const { needId, contact, timeline } = value as Record<string, AttributeValue>;
  return unmarshall({ ...(needId ? { needId } : {}), ...(contact ? { contact } : {}), ...(timeline ? { timeline } : {}) }) as NeedImage;
}

async function notifyEnterpriseHandler(records: DynamoDBRecord[], context: Context): Promise<{ notices: number; handedOff: number }> {
  deliverOnce.registerLambdaContext(context);
  const handedOff = { count: 0 };
  let notices = 0;
  await handedOffNow.run(handedOff, async () => {
    for (const record of records) {
      const after = image(record.dynamodb?.NewImage);
      // Changes, and a need inserted waiting for its owner's consent (lib/notifications.ts filters).
      if ((record.eventName !== 'MODIFY' && record.eventName !== 'INSERT') || !after) continue;
      for (const notice of noticesFor(image(record.dynamodb?.OldImage), after)) {
        notices++;
        await deliverOnce({ key: notice.key, request: notice });
      }
    }
  });
  metrics.addMetric('NoticesHandedOff', MetricUnit.Count, handedOff.count);
  logger.info('notices', { records: records.length, notices, handedOff: handedOff.count });
  return { notices, handedOff: handedOff.count };
}

export const handler = middy(notifyEnterpriseHandler).use(injectLambdaContext(logger)).use(logMetrics(metrics));
