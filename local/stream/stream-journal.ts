import { mkdir, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';

export interface StreamJournalOptions {
  /** Where the journal of one stream lives (under DATA_DIR). */
  directory: string;
  /** A segment file is closed once it holds this much; settled segments are deleted. */
  segmentBytes?: number;
  log?: (line: string) => void;
}

interface Segment {
  path: string;
  /** Sequence number of its last record; undefined while it is still empty. */
  lastSequenceNumber: bigint | undefined;
}

interface PendingWrite {
  text: string;
  firstSequenceNumber: bigint;
  lastSequenceNumber: bigint;
  /** Runs once the text is written, before any later write's: the caller queues the records here. */
  onWritten: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const CHECKPOINT = 'checkpoint.json';
const SEGMENT_SUFFIX = '.ndjson';
const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;

/**
 * The local stream's records on disk, so that a change whose write was acknowledged reaches the
 * indexer even if the stack is killed before delivering it (a DynamoDB stream keeps records for
 * 24 hours whatever happens to its readers).
 *
 * Records are appended to segment files in the order they are captured, before the proxy answers
 * the write, and a checkpoint names the last record delivered (or dead-lettered); delivery is in
 * the same order, so every record after the checkpoint is one the indexer may not have seen. On
 * the next start those are delivered again: at least once, which the indexer's external versions
 * make harmless. Segments entirely before the checkpoint are deleted.
 *
 * Writes reach the operating system before the answer (a killed process loses nothing) but are not
 * fsynced, like dynalite's own LevelDB files: a power cut may lose the tail of both, which the
 * stack's reconciliation at start-up repairs.
 */
export class StreamJournal {
  private readonly segmentBytes: number;
  private readonly log: (line: string) => void;
  /** Closed segments still holding records after the checkpoint, oldest first. */
  private readonly closed: Segment[] = [];
  private current: (Segment & { handle: FileHandle; bytes: number }) | undefined;
  private readonly pending: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private checkpoint: bigint | undefined;
  private checkpointWrite: Promise<void> = Promise.resolve();
  private checkpointDirty = false;
  private lastWritten: bigint | undefined;

  private constructor(
    readonly directory: string,
    options: StreamJournalOptions,
  ) {
    this.segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.log = options.log ?? ((line) => console.error(line));
  }

  /**
   * Opens the journal and reads what an earlier process left undelivered, returned as `unsettled`
   * in capture order; the caller delivers those before anything newer.
   */
  static async open(options: StreamJournalOptions): Promise<{ journal: StreamJournal; unsettled: DynamoDBRecord[] }> {
    const journal = new StreamJournal(options.directory, options);
    await mkdir(options.directory, { recursive: true });
    journal.checkpoint = await readCheckpoint(join(options.directory, CHECKPOINT));
    const unsettled: DynamoDBRecord[] = [];
    const names = (await readdir(options.directory)).filter((name) => name.endsWith(SEGMENT_SUFFIX)).sort();
    for (const name of names) {
      const path = join(options.directory, name);
      const { records, torn } = parseSegment(await readFile(path, 'utf8'));
      // Only the last line of the last segment can be torn, by a kill during its write; that write was never acknowledged.
      if (torn) journal.log(`[stream] ${path}: ignoring a partly written last record (its write was never acknowledged)`);
      const after = records.filter((record) => journal.checkpoint === undefined || sequenceOf(record) > journal.checkpoint);
      if (after.length === 0) {
        await rm(path, { force: true });
        continue;
      }
      unsettled.push(...after);
      journal.closed.push({ path, lastSequenceNumber: sequenceOf(records.at(-1)!) });
    }
    journal.lastWritten = journal.closed.at(-1)?.lastSequenceNumber;
    return { journal, unsettled };
  }

  /** The highest sequence number the journal holds: new records must be numbered above it. */
  get lastSequenceNumber(): bigint | undefined {
    const known = [this.lastWritten, this.checkpoint].filter((value) => value !== undefined);
    return known.length === 0 ? undefined : known.reduce((a, b) => (a > b ? a : b));
  }

  /**
   * Appends records (in the order of calls) and resolves once they are written; `onWritten` runs as
   * soon as they are, before the next call's, so whoever queues them for delivery there keeps
   * journal order and delivery order the same.
   */
  write(records: readonly DynamoDBRecord[], onWritten: () => void): Promise<void> {
    if (records.length === 0) {
      onWritten();
      return Promise.resolve();
    }
    const text = records.map((record) => `${JSON.stringify(record)}\n`).join('');
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ text, firstSequenceNumber: sequenceOf(records[0]!), lastSequenceNumber: sequenceOf(records.at(-1)!), onWritten, resolve, reject });
      this.startFlush();
    });
  }

  /** Every record up to and including `sequenceNumber` is delivered or dead-lettered. */
  settle(sequenceNumber: string): void {
    const settled = BigInt(sequenceNumber);
    if (this.checkpoint !== undefined && settled <= this.checkpoint) return;
    this.checkpoint = settled;
    this.checkpointDirty = true;
    this.checkpointWrite = this.checkpointWrite.then(() => this.persistCheckpoint()).catch((error: unknown) => this.log(`[stream] could not write the journal checkpoint: ${String(error)}`));
  }

  /** Writes the checkpoint and closes the open segment; removes every segment when everything was delivered. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.checkpointWrite;
    await this.current?.handle.close();
    if (this.current) this.closed.push({ path: this.current.path, lastSequenceNumber: this.current.lastSequenceNumber });
    this.current = undefined;
    await this.removeSettledSegments();
  }

  /** One writer at a time; a write queued while the last round was finishing starts the next. */
  private startFlush(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.pending.length > 0) this.startFlush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      // Everything queued meanwhile goes out in one write: concurrent captures share the cost.
      const batch = this.pending.splice(0);
      try {
        const segment = await this.segmentFor(batch[0]!.firstSequenceNumber);
        const text = batch.map((write) => write.text).join('');
        await segment.handle.appendFile(text);
        segment.bytes += Buffer.byteLength(text);
        segment.lastSequenceNumber = batch.at(-1)!.lastSequenceNumber;
        this.lastWritten = segment.lastSequenceNumber;
      } catch (error) {
        for (const write of batch) write.reject(error);
        continue;
      }
      for (const write of batch) {
        write.onWritten();
        write.resolve();
      }
    }
  }

  /** The open segment, or a new one (named by its first record, so names sort in journal order) when it is full. */
  private async segmentFor(firstSequenceNumber: bigint) {
    if (this.current && this.current.bytes < this.segmentBytes) return this.current;
    if (this.current) {
      await this.current.handle.close();
      this.closed.push({ path: this.current.path, lastSequenceNumber: this.current.lastSequenceNumber });
    }
    const path = join(this.directory, `${firstSequenceNumber.toString().padStart(24, '0')}${SEGMENT_SUFFIX}`);
    this.current = { path, lastSequenceNumber: undefined, handle: await open(path, 'a'), bytes: 0 };
    await this.removeSettledSegments();
    return this.current;
  }

  private async persistCheckpoint(): Promise<void> {
    if (!this.checkpointDirty || this.checkpoint === undefined) return;
    this.checkpointDirty = false;
    const path = join(this.directory, CHECKPOINT);
    // Replaced in one rename, so a kill leaves the old checkpoint or the new one, never half of one.
    await writeFile(`${path}.tmp`, JSON.stringify({ sequenceNumber: this.checkpoint.toString() }));
    await rename(`${path}.tmp`, path);
    await this.removeSettledSegments();
  }

  private async removeSettledSegments(): Promise<void> {
    while (this.closed[0] && this.checkpoint !== undefined && (this.closed[0].lastSequenceNumber ?? 0n) <= this.checkpoint) {
      await rm(this.closed.shift()!.path, { force: true });
    }
  }
}

function sequenceOf(record: DynamoDBRecord): bigint {
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  if (!sequenceNumber || !/^\d+$/.test(sequenceNumber)) throw new Error(`stream record ${record.eventID ?? '?'} has no numeric sequence number`);
  return BigInt(sequenceNumber);
}

function parseSegment(text: string): { records: DynamoDBRecord[]; torn: boolean } {
  const lines = text.split('\n');
  const last = lines.pop();
  const records: DynamoDBRecord[] = [];
  for (const line of lines) if (line) records.push(JSON.parse(line) as DynamoDBRecord);
  // A complete file ends with a newline, so anything after the last one is a write cut short.
  return { records, torn: Boolean(last) };
}

async function readCheckpoint(path: string): Promise<bigint | undefined> {
  try {
    const { sequenceNumber } = JSON.parse(await readFile(path, 'utf8')) as { sequenceNumber?: unknown };
    return typeof sequenceNumber === 'string' && /^\d+$/.test(sequenceNumber) ? BigInt(sequenceNumber) : undefined;
  } catch {
    return undefined;
  }
}
