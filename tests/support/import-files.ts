import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';

const run = promisify(execFile);

/** A temporary folder of import files for one test file, removed when the file's tests end. */
export function importScratch(prefix: string) {
  const directory = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  return {
    directory,
    writeNdjson(name: string, lines: string[]): string {
      const file = path.join(directory, name);
      writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    },
  };
}

/** `npm run import -- ...` as an operator runs it, against the stack the tests started. */
export const runImportCli = (...args: string[]) =>
  run(path.resolve('node_modules/.bin/tsx'), ['seed/import-cli.ts', ...args], { env: process.env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
