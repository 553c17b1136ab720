// Creates the tables of the synthesized template in DynamoDB Local (keys, indexes, streams, TTL), named
// by their logical ids. Existing tables are kept, with their data; indexes the template has added
// since are created on them (as CloudFormation does).
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
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

/** The names of an existing table's secondary indexes, or undefined when there is no such table. */
async function existingIndexes(client: DynamoDBClient, name: string): Promise<Set<string> | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    return new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? ''));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** Indexes of the template an existing table lacks (one UpdateTable each, as DynamoDB requires). */
async function addMissingIndexes(client: DynamoDBClient, name: string, properties: TableProperties, existing: Set<string>): Promise<void> {
  for (const index of properties.GlobalSecondaryIndexes ?? []) {
    if (existing.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: properties.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } }],
      }),
    );
  }
}

export async function createTables(client: DynamoDBClient, template: CfnTemplate): Promise<string[]> {
  const names: string[] = [];
  for (const { name, properties } of tableDefinitions(template)) {
    names.push(name);
    const existing = await existingIndexes(client, name);
    if (existing) {
      await addMissingIndexes(client, name, properties, existing);
      continue;
    }
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
