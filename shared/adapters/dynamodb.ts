// One DynamoDB client per execution environment, created at cold start. The endpoint comes from the
// standard AWS SDK settings (AWS_ENDPOINT_URL_DYNAMODB locally), so handlers have no local branch.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let baseClient: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;

export function dynamoDbClient(): DynamoDBClient {
  baseClient ??= new DynamoDBClient({ maxAttempts: 3 });
  return baseClient;
}

export function documentDbClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamoDbClient(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}
