// One DynamoDB client per execution environment, created at cold start. The endpoint comes from the
// standard AWS SDK settings (AWS_ENDPOINT_URL_DYNAMODB locally), so handlers have no local branch.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let baseClient: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;

/**
 * Each attempt gets 1 s to connect and 3 s in all (DynamoDB answers in milliseconds; throwing, not
 * only warning, when a request runs over), three attempts: a stalled call fails within about 9 s,
 * and handlers that write stop waiting a second before their deadline (write-outcome.ts), so the
 * answer comes from the handler, never from the platform ending a 10-second function.
 */
export const DYNAMODB_TIMEOUTS = { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true } as const;

export function dynamoDbClient(): DynamoDBClient {
  baseClient ??= new DynamoDBClient({ maxAttempts: 3, requestHandler: DYNAMODB_TIMEOUTS });
  return baseClient;
}

export function documentDbClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamoDbClient(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}
