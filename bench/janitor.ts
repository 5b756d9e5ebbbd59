/**
 * Runs detached from the benchmark (plain Node, no tsx, built-ins only) and removes the temp
 * directories the benchmark registered if the benchmark dies without removing them itself:
 * `tsx` SIGKILLs a child that is slow to acknowledge Ctrl-C, and a kill -9 skips every handler.
 * Protocol on stdin, one line each: `+DIR` registers, `-DIR` forgets. Stdin closing means the
 * benchmark is gone, however it ended.
 */
import { rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/** OpenSearch exits with its parent but may still be flushing into the directory for a while. */
const GIVE_UP_AFTER_MS = 120_000;

const pending = new Set<string>();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.startsWith('+')) pending.add(line.slice(1));
  else if (line.startsWith('-')) pending.delete(line.slice(1));
});
lines.on('close', () => {
  void removeAll();
});

async function removeAll(): Promise<void> {
  const deadline = Date.now() + GIVE_UP_AFTER_MS;
  while (pending.size > 0 && Date.now() < deadline) {
    for (const dir of [...pending]) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      // Gone and still gone a moment later: nothing was writing into it any more.
      await sleep(1_000);
      if (!existsSync(dir)) pending.delete(dir);
    }
  }
}
