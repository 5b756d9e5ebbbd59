import cliProgress from 'cli-progress';
import type { ImportSummary } from '../functions/use-cases/import-programs';
import type { ByteCounter } from '../functions/imports/counted-read-stream';

export interface ProgressReporter {
  update(summary: Readonly<ImportSummary>): void;
  stop(): void;
}

/** Plain lines at most this often: a log collector wants a heartbeat, not a redraw per chunk. */
const PLAIN_INTERVAL_MS = 5_000;

/**
 * Progress on stderr, against the bytes of the file read so far (the one measure every format
 * has before the end): a bar on a terminal, periodic plain lines anywhere else.
 */
export function progressReporter(totalBytes: number, counter: ByteCounter, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const percent = () => (totalBytes > 0 ? Math.min(100, Math.round((counter.bytes / totalBytes) * 100)) : 100);
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'importing [{bar}] {percentage}% | {rows} rows, {rejected} rejected | eta {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(totalBytes, 1), 0, { rows: 0, rejected: 0 });
    return {
      update: (summary) => bar.update(Math.min(counter.bytes, totalBytes), { rows: summary.rows, rejected: summary.rejected }),
      stop: () => bar.stop(),
    };
  }
  let lastLine = performance.now();
  return {
    update(summary) {
      if (performance.now() - lastLine < PLAIN_INTERVAL_MS) return;
      lastLine = performance.now();
      stream.write(`importing: ${percent()}% of the file, ${summary.rows} rows, ${summary.accepted} accepted, ${summary.rejected} rejected\n`);
    },
    stop: () => undefined,
  };
}
