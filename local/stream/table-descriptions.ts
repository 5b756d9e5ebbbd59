import { DynamoDbCallError, type DynamoDbJsonClient } from './dynamodb-json-client';

export interface TableDescription {
  tableName: string;
  /** Partition key first, then the sort key if the table has one. */
  keyNames: string[];
  streamArn: string;
}

interface DescribeTableOutput {
  Table: {
    TableName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    CreationDateTime?: number;
    LatestStreamArn?: string;
  };
}

/**
 * Key schemas (and stream ARNs) of the tables the proxy captures, from DescribeTable, cached
 * until a table is created, deleted or updated through the proxy.
 */
export class TableDescriptions {
  private readonly cache = new Map<string, Promise<TableDescription | undefined>>();

  constructor(
    private readonly client: DynamoDbJsonClient,
    private readonly region: string,
  ) {}

  /** undefined when the table does not exist (the write will then fail on its own). */
  describe(tableName: string): Promise<TableDescription | undefined> {
    let description = this.cache.get(tableName);
    if (!description) {
      description = this.load(tableName);
      this.cache.set(tableName, description);
      // Only facts are cached: a missing table or a failed call is asked again next time.
      description.then(
        (found) => (found ? undefined : this.cache.delete(tableName)),
        () => this.cache.delete(tableName),
      );
    }
    return description;
  }

  forget(tableName: string): void {
    this.cache.delete(tableName);
  }

  private async load(tableName: string): Promise<TableDescription | undefined> {
    let output: DescribeTableOutput;
    try {
      output = await this.client.call<DescribeTableOutput>('DescribeTable', { TableName: tableName });
    } catch (error) {
      if (error instanceof DynamoDbCallError && error.type.endsWith('ResourceNotFoundException')) return undefined;
      throw error;
    }
    const { Table: table } = output;
    const hash = table.KeySchema.filter((key) => key.KeyType === 'HASH');
    const range = table.KeySchema.filter((key) => key.KeyType === 'RANGE');
    // dynalite keeps no stream settings; an ARN built from the creation time stays the same
    // across restarts, as a real stream's does.
    const label = new Date((table.CreationDateTime ?? 0) * 1000).toISOString().slice(0, 23);
    return {
      tableName: table.TableName,
      keyNames: [...hash, ...range].map((key) => key.AttributeName),
      streamArn: table.LatestStreamArn ?? `arn:aws:dynamodb:${this.region}:000000000000:table/${table.TableName}/stream/${label}`,
    };
  }
}
