// The benchmark's baseline: the least a submit handler can do — parse the JSON body and write it
// with one PutItem. smefin's submit-need is measured as a ratio to this.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const tableName = process.env.NEEDS_TABLE_NAME!;

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const body = JSON.parse(event.body ?? '{}') as Record<string, unknown>;
  const id = randomUUID();
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { pk: { S: `BASELINE#${id}` }, sk: { S: 'NEED' }, body: { S: JSON.stringify(body) } },
    }),
  );
  return { statusCode: 201, body: JSON.stringify({ needId: id }) };
}
