import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { GAZETTEER_DATA_FILES } from '../functions/gazetteer/gazetteer-data-file';
import { directoryFunctionNames } from '../infra/config/functions';
import { functionDefinitionOf, userPoolTriggerNames, type StageFunctionName } from '../infra/config/user-pool-triggers';
import { undoOnInterrupt } from './interrupts';
import { removeIfWeDie } from './leftovers';
import { median } from './percentiles';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every function of a stage (the API stack's and the user pool's triggers) and its handler file. */
export const FUNCTION_ENTRIES = Object.fromEntries(
  [...directoryFunctionNames, ...userPoolTriggerNames].map((name) => [name, `functions/handlers/${functionDefinitionOf(name).entry}.ts`]),
) as Record<StageFunctionName, string>;

/** The functions the bench also loads: the public read path, the indexer and the document. */
export const LAMBDA_ENTRIES = {
  'search-programs': FUNCTION_ENTRIES['search-programs'],
  'get-program': FUNCTION_ENTRIES['get-program'],
  'index-stream': FUNCTION_ENTRIES['index-stream'],
  'openapi-document': FUNCTION_ENTRIES['openapi-document'],
} as const;
export type LambdaName = keyof typeof LAMBDA_ENTRIES;

export interface BundleFigures {
  name: LambdaName;
  bytes: number;
  /** Milliseconds from `import()` to the module having run its top level, one per fresh process. */
  loadRunsMs: number[];
  loadMedianMs: number;
  /** The same with the bundle's externals (the runtime's SDK, the Powertools layer) already loaded: the bundle's own share. */
  ownLoadMedianMs: number;
  /** The packages the bundle leaves to the runtime and the layer. */
  externals: string[];
  /** Where the bytes come from, biggest first: what to look at when the size misses. */
  largestPackages: { package: string; bytes: number }[];
}

/**
 * Left out of the bundles exactly as infra/constructs/directory-function.ts leaves them out: the
 * Lambda runtime provides the AWS SDK, the Powertools layer provides Powertools (and the X-Ray SDK).
 */
export const EXTERNAL_MODULES = ['@aws-sdk/*', '@aws-lambda-powertools/*'];

/** Bundles are written inside the repository (gitignored) so Node resolves the externals from its node_modules. */
const BUNDLES_DIR = join(ROOT, '.bench-bundles');

/**
 * What CDK's NodejsFunction runs for an ESM function on a Node 18+ runtime: bundle, minify,
 * platform node, the externals above left out, `module` before `main`, an external source
 * map. The banner is the createRequire shim CDK users add for ESM bundles, without which a
 * bundled CommonJS dependency (the OpenSearch client) cannot require Node's built-ins.
 */
const REQUIRE_SHIM = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

/** The environment each function gets from the stack; nothing is contacted while loading. */
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  OPENSEARCH_URL: 'https://search-iop-directory.us-east-1.es.amazonaws.com',
  OPENSEARCH_AUTH: 'sigv4',
  SEARCH_INDEX_ALIAS: 'programs',
  PROGRAMS_TABLE: 'iop-programs',
  // Read at load by the search function since its configuration has no defaults (a stand-in of the stage's secret).
  CURSOR_SIGNING_KEY: 'bench-cursor-signing-key-not-a-secret-0000',
};

/** esbuild's options for one function's bundle, as NodejsFunction sets them (see REQUIRE_SHIM). */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  mainFields: ['module', 'main'],
  external: EXTERNAL_MODULES,
  sourcemap: 'external',
  banner: { js: REQUIRE_SHIM },
  metafile: true,
  logLevel: 'silent',
} as const satisfies BuildOptions;

/**
 * Puts the data files a bundle reads (functions/gazetteer/gazetteer-data-file.ts) beside it, as bundling does
 * for a deployed function: each file the bundle names (infra/constructs/directory-function.ts).
 */
export async function copyDataFiles(outfile: string): Promise<void> {
  const code = await readFile(outfile, 'utf8');
  for (const name of GAZETTEER_DATA_FILES.filter((file) => code.includes(file))) {
    await copyFile(join(ROOT, 'functions', 'gazetteer', name), join(dirname(outfile), name));
  }
}

/**
 * Loads BENCH_PRELOAD's packages (a JSON list), then times the import of the bundle. With nothing
 * preloaded that is the whole cold load; with the bundle's externals preloaded it is the bundle's
 * own share, the part its size decides (the externals cost every function the same).
 */
const LOAD_SCRIPT =
  'for(const p of JSON.parse(process.env.BENCH_PRELOAD))await import(p);' +
  'const t=performance.now();await import(process.env.BENCH_BUNDLE_URL);console.log(performance.now()-t)';

/** The packages a bundle leaves to the runtime and the layer (its bare `import`s of EXTERNAL_MODULES). */
function externalsOf(code: string): string[] {
  const specifiers = [...code.matchAll(/(?:from|import\()\s*"(@aws-sdk\/[^"]+|@aws-lambda-powertools\/[^"]+)"/g)].map((match) => match[1]!);
  return [...new Set(specifiers)];
}

export async function measureBundles(options: { loadRuns: number; log: (line: string) => void }): Promise<BundleFigures[]> {
  await mkdir(BUNDLES_DIR, { recursive: true });
  const outDir = await mkdtemp(join(BUNDLES_DIR, 'run-'));
  const removed = removeIfWeDie(outDir);
  const removeOutDir = () => rm(outDir, { recursive: true, force: true }).then(removed);
  const unregister = undoOnInterrupt(removeOutDir, options.log);
  try {
    // The externals resolve from the project's node_modules (a parent of outDir), as they resolve
    // from /var/runtime and the layer's /opt/nodejs/node_modules in Lambda: loading them is part
    // of the measured cold load, as it is there.
    const figures: BundleFigures[] = [];
    for (const [name, entry] of Object.entries(LAMBDA_ENTRIES) as [LambdaName, string][]) {
      const outfile = join(outDir, name, 'index.mjs');
      const result = await build({ ...LAMBDA_BUILD_OPTIONS, entryPoints: [resolve(ROOT, entry)], outfile });
      await copyDataFiles(outfile);
      const { size } = await stat(outfile);
      const externals = externalsOf(await readFile(outfile, 'utf8'));
      const loadRunsMs: number[] = [];
      const ownLoadRunsMs: number[] = [];
      for (let run = 0; run < options.loadRuns; run++) {
        loadRunsMs.push(await loadInFreshProcess(outfile, []));
        ownLoadRunsMs.push(await loadInFreshProcess(outfile, externals));
      }
      const figure = {
        name,
        bytes: size,
        loadRunsMs,
        loadMedianMs: median(loadRunsMs),
        ownLoadMedianMs: median(ownLoadRunsMs),
        externals,
        largestPackages: largestPackages(result.metafile),
      };
      options.log(`  ${name}: ${size} bytes, load median ${figure.loadMedianMs.toFixed(1)} ms (its own code ${figure.ownLoadMedianMs.toFixed(1)} ms)`);
      figures.push(figure);
    }
    return figures;
  } finally {
    unregister();
    await removeOutDir();
  }
}

async function loadInFreshProcess(bundle: string, preload: readonly string[]): Promise<number> {
  // Run from the bundle's folder, so the preloaded packages resolve as the bundle's own imports do.
  const child = spawn(process.execPath, ['--input-type=module', '-e', LOAD_SCRIPT], {
    cwd: dirname(bundle),
    env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV, BENCH_BUNDLE_URL: pathToFileURL(bundle).href, BENCH_PRELOAD: JSON.stringify(preload) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', done);
  });
  const milliseconds = Number(stdout.trim().split('\n').at(-1));
  if (code !== 0 || !Number.isFinite(milliseconds)) throw new Error(`Loading ${bundle} failed (exit ${code}):\n${stderr || stdout}`);
  return milliseconds;
}

function largestPackages(metafile: Metafile): { package: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const owner = match?.[1] ?? '(project)';
      totals.set(owner, (totals.get(owner) ?? 0) + bytesInOutput);
    }
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, bytes]) => ({ package: name, bytes }));
}
