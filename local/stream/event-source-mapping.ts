import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLambdaContext } from '../lambda/lambda-context';
import type { DeadLetterFile } from './dead-letter-file';
import type { StreamJournal } from './stream-journal';

/** A Lambda handler for DynamoDB Stream batches (functions/handlers/index-stream.ts in this project). */
export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<DynamoDBBatchResponse | void | null | undefined>;

export interface EventSourceMappingOptions {
  functionName: string;
  handler: StreamHandler;
  deadLetters: DeadLetterFile;
  /**
   * Keeps every appended record on disk until it is settled, so records a killed process never
   * delivered are delivered by the next one (`recover`). Without it, queued records die with the process.
   */
  journal?: StreamJournal;
  /** BatchSize: at most this many records per invocation. */
  batchSize?: number;
  /** MaximumBatchingWindowInSeconds, in ms: how long to gather records before invoking. */
  batchingWindowMs?: number;
  /** MaximumRetryAttempts: retries of a failing batch before its records are dead-lettered. */
  maxRetries?: number;
  /** Wait before retry number `retry` (1-based). */
  retryDelayMs?: (retry: number) => number;
  log?: (line: string) => void;
}

export interface DeliveryStats {
  functionName: string;
  /** Records handed to the mapping. */
  received: number;
  /** Of those, records an earlier process journaled and never settled. */
  recovered: number;
  /** Records the function processed. */
  delivered: number;
  /** Records given up on and written to the dead-letter file. */
  failed: number;
  /** Records waiting or being delivered. */
  pending: number;
  invocations: number;
  retries: number;
  lastSequenceNumber: string | null;
}

type InvocationOutcome = { ok: true } | { ok: false; failedIndex: number; reason: string };

/**
 * What Lambda's event source mapping does for a DynamoDB stream shard: batches records in
 * order, invokes the function with one batch at a time, and with ReportBatchItemFailures
 * checkpoints before the lowest failed sequence number and retries from there (a thrown error
 * retries the whole batch), with backoff, until the retries run out; then the rest of the batch
 * goes to the on-failure destination (a dead-letter file) and delivery moves on.
 */
export class EventSourceMapping {
  private readonly queue: DynamoDBRecord[] = [];
  private readonly drainWaiters: { target: number; resolve: () => void }[] = [];
  private wakeLoop: (() => void) | undefined;
  private stopped = false;
  private readonly loop: Promise<void>;
  private readonly counters = { received: 0, recovered: 0, delivered: 0, failed: 0, invocations: 0, retries: 0 };
  private lastSequenceNumber: string | null = null;

  private readonly batchSize: number;
  private readonly batchingWindowMs: number;
  private readonly maxRetries: number;
  private readonly retryDelayMs: (retry: number) => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: EventSourceMappingOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.batchingWindowMs = options.batchingWindowMs ?? 20;
    this.maxRetries = options.maxRetries ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? ((retry) => Math.min(200 * 2 ** (retry - 1), 5_000));
    this.log = options.log ?? ((line) => console.error(line));
    this.loop = this.run();
  }

  get functionName(): string {
    return this.options.functionName;
  }

  /**
   * Queues records for delivery. With a journal, resolves once they are written to it: whoever
   * acknowledges a write after this may rely on its records surviving a crash.
   */
  append(records: readonly DynamoDBRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.stopped) return Promise.reject(new Error(`The ${this.functionName} event source mapping is stopped`));
    if (!this.options.journal) {
      this.enqueue(records);
      return Promise.resolve();
    }
    return this.options.journal.write(records, () => this.enqueue(records));
  }

  /**
   * Queues records an earlier process journaled but never settled (from StreamJournal.open), ahead
   * of anything appended later. They are in the journal already, so nothing is written again.
   */
  recover(records: readonly DynamoDBRecord[]): void {
    if (records.length === 0) return;
    if (this.counters.received > 0) throw new Error('Recovered records must be queued before any new ones');
    this.enqueue(records);
    this.counters.recovered += records.length;
  }

  private enqueue(records: readonly DynamoDBRecord[]): void {
    this.queue.push(...records);
    this.counters.received += records.length;
    this.lastSequenceNumber = records.at(-1)?.dynamodb?.SequenceNumber ?? this.lastSequenceNumber;
    this.wakeLoop?.();
  }

  /**
   * Resolves once every record appended so far has been delivered or dead-lettered (or the
   * mapping was stopped).
   */
  drain(): Promise<void> {
    const target = this.counters.received;
    if (this.settled >= target) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push({ target, resolve }));
  }

  stats(): DeliveryStats {
    return {
      functionName: this.functionName,
      ...this.counters,
      pending: this.counters.received - this.settled,
      lastSequenceNumber: this.lastSequenceNumber,
    };
  }

  /** Stops after the batch in flight; records still queued are not delivered (a journal keeps them). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeLoop?.();
    await this.loop;
    for (const waiter of this.drainWaiters.splice(0)) waiter.resolve();
    const undelivered = this.counters.received - this.settled;
    if (undelivered > 0) {
      const kept = this.options.journal ? `; kept in ${this.options.journal.directory} for the next start` : '';
      this.log(`[stream] ${this.functionName}: stopped with ${undelivered} records undelivered${kept}`);
    }
  }

  private get settled(): number {
    return this.counters.delivered + this.counters.failed;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.queue.length === 0) {
        await new Promise<void>((resolve) => (this.wakeLoop = resolve));
        this.wakeLoop = undefined;
        continue;
      }
      if (this.queue.length < this.batchSize && this.batchingWindowMs > 0) await sleep(this.batchingWindowMs);
      const batch = this.queue.splice(0, this.batchSize);
      const settled = await this.deliver(batch);
      // Delivered or dead-lettered, in queue order: the journal may forget everything up to here.
      const settledUpTo = sequenceNumberOf(batch.at(-1));
      if (settled && settledUpTo) this.options.journal?.settle(settledUpTo);
      this.resolveDrainWaiters();
    }
  }

  /** False when the mapping stopped with part of the batch undelivered and a journal keeps it for the next start. */
  private async deliver(batch: DynamoDBRecord[]): Promise<boolean> {
    let remaining = batch;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.invoke(remaining);
      if (outcome.ok) {
        this.counters.delivered += remaining.length;
        return true;
      }
      // Everything before the first failure is checkpointed, as Lambda does.
      this.counters.delivered += outcome.failedIndex;
      remaining = remaining.slice(outcome.failedIndex);
      const retry = attempt;
      if (this.stopped && this.options.journal) return false;
      if (retry > this.maxRetries || this.stopped) {
        await this.deadLetter(remaining, attempt, outcome.reason);
        return true;
      }
      const delay = this.retryDelayMs(retry);
      this.log(
        `[stream] ${this.functionName}: ${remaining.length} records failed from sequence number ` +
          `${sequenceNumberOf(remaining[0])} (${outcome.reason}); retry ${retry}/${this.maxRetries} in ${delay}ms`,
      );
      this.counters.retries++;
      await sleep(delay);
    }
  }

  private async invoke(records: DynamoDBRecord[]): Promise<InvocationOutcome> {
    this.counters.invocations++;
    let response: DynamoDBBatchResponse | void | null | undefined;
    try {
      response = await this.options.handler({ Records: records }, createLambdaContext(this.functionName));
    } catch (error) {
      return { ok: false, failedIndex: 0, reason: `function error: ${error instanceof Error ? error.message : String(error)}` };
    }
    const failures = response?.batchItemFailures;
    if (!failures || failures.length === 0) return { ok: true };
    let failedIndex = records.length;
    for (const failure of failures) {
      const index = failure?.itemIdentifier ? records.findIndex((record) => sequenceNumberOf(record) === failure.itemIdentifier) : -1;
      // Lambda fails the whole batch when an identifier is empty, missing or not in the batch.
      if (index < 0) return { ok: false, failedIndex: 0, reason: `invalid batchItemFailures entry ${JSON.stringify(failure)}` };
      failedIndex = Math.min(failedIndex, index);
    }
    return { ok: false, failedIndex, reason: `${failures.length} batchItemFailures` };
  }

  private async deadLetter(records: DynamoDBRecord[], attempts: number, reason: string): Promise<void> {
    try {
      await this.options.deadLetters.write(records, { functionName: this.functionName, attempts, reason });
    } finally {
      this.counters.failed += records.length;
    }
    this.log(
      `[stream] ${this.functionName}: gave up on ${records.length} records after ${attempts} attempts (${reason}); ` +
        `written to ${this.options.deadLetters.path}`,
    );
  }

  private resolveDrainWaiters(): void {
    const settled = this.settled;
    for (let i = this.drainWaiters.length - 1; i >= 0; i--) {
      const waiter = this.drainWaiters[i];
      if (waiter && waiter.target <= settled) {
        this.drainWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

function sequenceNumberOf(record: DynamoDBRecord | undefined): string | undefined {
  return record?.dynamodb?.SequenceNumber;
}
