import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

let janitor: ChildProcess | undefined;

/**
 * Hands `dir` to a detached janitor process that deletes it should this process die before
 * calling the returned function (which it must do once it has removed the directory itself).
 */
export function removeIfWeDie(dir: string): () => void {
  janitor ??= startJanitor();
  janitor.stdin?.write(`+${dir}\n`);
  return () => void janitor?.stdin?.write(`-${dir}\n`);
}

function startJanitor(): ChildProcess {
  // Node runs TypeScript with erasable syntax only by itself, and the janitor must not depend
  // on tsx, whose parent process is part of what may kill us.
  const child = spawn(process.execPath, [fileURLToPath(new URL('./janitor.ts', import.meta.url))], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Neither the process nor its pipe may keep the benchmark alive once its own work is done.
  child.unref();
  (child.stdin as Socket | null)?.unref();
  return child;
}
