import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OPENSEARCH_PROJECT_DIR = fileURLToPath(new URL('../opensearch/', import.meta.url));
export const OPENSEARCH_TARGET_DIR = join(OPENSEARCH_PROJECT_DIR, 'target');
const POM = join(OPENSEARCH_PROJECT_DIR, 'pom.xml');
/** Pinned so Maven never has to look up "the latest" plugin version. */
const BUILD_CLASSPATH_GOAL = 'org.apache.maven.plugins:maven-dependency-plugin:2.8:build-classpath';

/**
 * The Java classpath of the embedded OpenSearch node. Maven resolves it once per pom.xml version
 * (downloading into ~/.m2 on a fresh machine); later starts read the cached list, unless a jar
 * it names has gone missing from ~/.m2.
 */
export async function resolveOpenSearchClasspath(log: (line: string) => void): Promise<string> {
  const pomHash = createHash('sha256').update(await readFile(POM)).digest('hex').slice(0, 16);
  const cacheFile = join(OPENSEARCH_TARGET_DIR, `classpath-${pomHash}.txt`);
  const cached = await readCachedClasspath(cacheFile);
  if (cached) return cached;

  log('Resolving the OpenSearch jars with Maven (first run on this machine or pom.xml changed)...');
  await mkdir(OPENSEARCH_TARGET_DIR, { recursive: true });
  // Written beside the cache and renamed, so a concurrent start never reads half a list.
  const partial = `${cacheFile}.${process.pid}.partial`;
  try {
    await runMaven(['-q', '-B', '-f', POM, BUILD_CLASSPATH_GOAL, `-Dmdep.outputFile=${partial}`]);
    await rename(partial, cacheFile);
  } finally {
    await rm(partial, { force: true });
  }
  const resolved = await readCachedClasspath(cacheFile);
  if (!resolved) throw new Error(`Maven wrote no usable classpath to ${cacheFile}`);
  return resolved;
}

async function readCachedClasspath(file: string): Promise<string | undefined> {
  let classpath: string;
  try {
    classpath = (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
  const entries = classpath.split(delimiter).filter(Boolean);
  if (entries.length === 0 || !entries.every((entry) => existsSync(entry))) return undefined;
  return classpath;
}

async function runMaven(args: string[]): Promise<void> {
  const output: string[] = [];
  const exitCode = await new Promise<number>((resolve, reject) => {
    const maven = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    maven.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    maven.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    maven.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error('Maven (mvn) is needed to fetch the embedded OpenSearch; install it, or set OPENSEARCH_URL to a running server')
          : error,
      ),
    );
    maven.once('close', (code) => resolve(code ?? 1));
  });
  if (exitCode !== 0) throw new Error(`mvn ${args.join(' ')} failed (exit ${exitCode}):\n${output.join('')}`);
}
