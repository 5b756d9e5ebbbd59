import { createReadStream, type ReadStream } from 'node:fs';

/** Bytes of the input consumed so far: the only progress measure every format shares. */
export interface ByteCounter {
  bytes: number;
}

export function countedReadStream(filePath: string, counter?: ByteCounter): ReadStream {
  const stream = createReadStream(filePath);
  if (counter) stream.on('data', (chunk: Buffer | string) => (counter.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length));
  return stream;
}
