import { randomUUID } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import { itemSizeBytes, sameItem, type Item } from './attribute-values';

/** One committed write of one item, as the proxy observed it. */
export interface ItemChange {
  keys: Item;
  /** The item before the write; absent when it did not exist. */
  oldImage?: Item;
  /** The item after the write; absent when the write deleted it. */
  newImage?: Item;
  streamArn: string;
}

/**
 * Turns observed changes into DynamoDB Stream records in the shape Lambda delivers them
 * (NEW_AND_OLD_IMAGES view), numbering them in commit order.
 */
export class StreamRecordFactory {
  /**
   * Sequence numbers only have to grow; starting from the clock keeps them growing across
   * restarts of the stack, like the numbers of a real stream's successive shards.
   */
  private nextSequence = BigInt(Date.now()) * 1_000_000n;

  /** `after`: numbers already used (a journal's), which new records must follow even if the clock went back. */
  constructor(
    private readonly region: string,
    after?: bigint,
  ) {
    if (after !== undefined && after >= this.nextSequence) this.nextSequence = after + 1n;
  }

  /**
   * The record for a change, or undefined when there is nothing to report: deleting an item that
   * did not exist, or a PutItem/UpdateItem that left the item exactly as it was, which DynamoDB
   * Streams does not record either (Developer Guide, "Change data capture for DynamoDB Streams").
   */
  toRecord(change: ItemChange): DynamoDBRecord | undefined {
    const { oldImage, newImage } = change;
    if (!oldImage && !newImage) return undefined;
    if (oldImage && newImage && sameItem(oldImage, newImage)) return undefined;
    const eventName = !oldImage ? 'INSERT' : !newImage ? 'REMOVE' : 'MODIFY';
    const sequenceNumber = (this.nextSequence++).toString();
    return {
      eventID: randomUUID().replace(/-/g, ''),
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.region,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: change.keys,
        ...(newImage ? { NewImage: newImage } : {}),
        ...(oldImage ? { OldImage: oldImage } : {}),
        SequenceNumber: sequenceNumber,
        SizeBytes: itemSizeBytes(change.keys) + itemSizeBytes(newImage) + itemSizeBytes(oldImage),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: change.streamArn,
    };
  }
}
