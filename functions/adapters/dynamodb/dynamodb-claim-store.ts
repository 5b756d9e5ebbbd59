import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionalPut } from './conditional-put';
import type { Claim } from '../../domain/claim';
import type { ClaimStore } from '../../ports/claim-store';
import { claimKey, fromClaimItem, isClaimItem, toClaimItem } from './claim-item';

export class DynamoDbClaimStore implements ClaimStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Claim | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: claimKey(id), ConsistentRead: true }));
    return Item && isClaimItem(Item) ? fromClaimItem(Item) : undefined;
  }

  async save(claim: Claim, expectedRevision: number | 'absent'): Promise<boolean> {
    return conditionalPut(this.client, this.tableName, toClaimItem(claim), 'revision', expectedRevision);
  }
}
