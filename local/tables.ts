// Creates the tables of the synthesized template in DynamoDB Local (keys, indexes, streams, TTL), named
// by their logical ids. Existing tables are kept, with their data.
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { resourcesOfType, type CfnTemplate } from './synth';

interface TableProperties {
  AttributeDefinitions: CreateTableCommandInput['AttributeDefinitions'];
  KeySchema: CreateTableCommandInput['KeySchema'];
  GlobalSecondaryIndexes?: { IndexName: string; KeySchema: CreateTableCommandInput['KeySchema']; Projection: object }[];
  StreamSpecification?: { StreamViewType: string };
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
}

export function tableDefinitions(template: CfnTemplate): { name: string; properties: TableProperties }[] {
  return [
    ...resourcesOfType(template, 'AWS::DynamoDB::GlobalTable'),
    ...resourcesOfType(template, 'AWS::DynamoDB::Table'),
  ].map(([name, resource]) => ({ name, properties: resource.Properties as unknown as TableProperties }));
}

async function exists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

export async function createTables(client: DynamoDBClient, template: CfnTemplate): Promise<string[]> {
  const names: string[] = [];
  for (const { name, properties } of tableDefinitions(template)) {
    names.push(name);
    if (await exists(client, name)) continue;
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: properties.AttributeDefinitions,
        KeySchema: properties.KeySchema,
        ...(properties.GlobalSecondaryIndexes
          ? {
              GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes.map((index) => ({
                IndexName: index.IndexName,
                KeySchema: index.KeySchema,
                Projection: index.Projection,
              })),
            }
          : {}),
        ...(properties.StreamSpecification
          ? {
              StreamSpecification: {
                StreamEnabled: true,
                StreamViewType: properties.StreamSpecification.StreamViewType as 'NEW_AND_OLD_IMAGES',
              },
            }
          : {}),
      }),
    );
    if (properties.TimeToLiveSpecification?.Enabled) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: properties.TimeToLiveSpecification.AttributeName, Enabled: true },
        }),
      );
    }
  }
  return names;
}
