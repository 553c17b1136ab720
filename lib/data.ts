// DynamoDB tables. Access patterns and key design: docs/data-model.md.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { NEEDS_BY_ROUTING_INDEX, ROUTING_PHASE_ATTRIBUTE } from '../shared/adapters/routing-phase';
import type { TableName } from './routes';

/** What `byCountyStatus` carries besides the keys: the columns a list sorts and filters on, all small. */
export const COUNTY_LIST_ATTRIBUTES = ['needId', 'submittedAt', 'status', 'sizeClass', 'updatedAt'] as const;

export interface DataProps {
  /** Keep the data when the stack is deleted, and protect the tables from deletion (production). */
  retain: boolean;
}

export class Data extends Construct {
  readonly tables: Record<TableName, TableV2>;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const common = {
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    };

    const needs = new TableV2(this, 'Needs', {
      ...common,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      // The referral workflow starts from this stream (EventBridge Pipes).
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      globalSecondaryIndexes: [
        {
          // A county's needs by submission time (the task force's lists), with the small columns a
          // list filters and sorts on (status included). The key (gsi1sk = <submittedAt>#<needId>)
          // never changes: a status change rewrites the small index item in place (one write), no
          // delete + put. The rows' details (enterprise name, amount) are read from the table for
          // the rows shown. Changing an index's projection or key means replacing the index: see
          // docs/data-model.md.
          indexName: 'byCountyStatus',
          partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
          sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...COUNTY_LIST_ATTRIBUTES],
        },
        {
          // Sparse: closed needs that still hold personal data (`pdShard`, set when the need closes,
          // removed by the erasure), by their last change; the daily erasure reads only those
          // changed before the retention cutoff. An open need is not in it, so its status changes
          // write nothing here. Keys and status only: the index holds no personal data.
          indexName: 'byPersonalData',
          partitionKey: { name: 'pdShard', type: AttributeType.STRING },
          sortKey: { name: 'updatedAt', type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: ['status'],
        },
        {
          // Sparse, keys only: open needs by routing phase (waiting for the workflow, or routed) and
          // submission time (`routingPhase`, shared/adapters/routing-phase.ts), for the routing
          // sweeper, the redrive command and the local restart. Moves twice in a need's life.
          // Replaces `byStatus` (itemType, gsi1sk): see docs/data-model.md for the two deploys.
          indexName: NEEDS_BY_ROUTING_INDEX,
          partitionKey: { name: 'itemType', type: AttributeType.STRING },
          sortKey: { name: ROUTING_PHASE_ATTRIBUTE, type: AttributeType.STRING },
          projectionType: ProjectionType.KEYS_ONLY,
        },
      ],
    });

    const counters = new TableV2(this, 'Counters', {
      ...common,
      partitionKey: { name: 'day', type: AttributeType.STRING },
      sortKey: { name: 'countyCode', type: AttributeType.STRING },
    });

    const idempotency = new TableV2(this, 'Idempotency', {
      ...common,
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
    });

    // Append-only audit log (shared/domain/audit.ts): writers may only PutItem (lib/functions.ts).
    const audit = new TableV2(this, 'Audit', {
      ...common,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
    });

    this.tables = { needs, counters, idempotency, audit };
  }
}
