import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * The local stand-in for an event source mapping's on-failure destination: records the indexer
 * gave up on, one JSON object a line, so they can be inspected and replayed.
 */
export class DeadLetterFile {
  constructor(readonly path: string) {}

  async write(records: readonly DynamoDBRecord[], failure: { functionName: string; attempts: number; reason: string }): Promise<void> {
    const failedAt = new Date().toISOString();
    const lines = records.map((record) => JSON.stringify({ failedAt, ...failure, record })).join('\n');
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${lines}\n`);
  }
}
