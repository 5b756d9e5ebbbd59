import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGETS } from '../../bench/bundle-budgets';
import { FUNCTION_ENTRIES, LAMBDA_BUILD_OPTIONS } from '../../bench/bundles';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Bundle {
  bytes: number;
  /** Project files and packages it holds. */
  inputs: string[];
  /** What it leaves to the runtime and the layer: externals and Node's built-ins. */
  imports: string[];
}

const bundles = new Map<string, Bundle>();

// Every function in one esbuild run, each entry bundled whole (no shared chunks), as NodejsFunction
// bundles it: the same bytes as one run per function, in a fraction of the time.
beforeAll(async () => {
  const result = await build({
    ...LAMBDA_BUILD_OPTIONS,
    entryPoints: Object.fromEntries(Object.entries(FUNCTION_ENTRIES).map(([name, entry]) => [name, join(ROOT, entry)])),
    outdir: join(ROOT, '.bench-bundles', 'budgets'),
    outExtension: { '.js': '.mjs' },
    write: false,
  });
  const outputs: Metafile['outputs'] = result.metafile.outputs;
  for (const [path, output] of Object.entries(outputs)) {
    if (!output.entryPoint) continue;
    const name = path.slice(path.lastIndexOf('/') + 1, -'.mjs'.length);
    bundles.set(name, { bytes: output.bytes, inputs: Object.keys(output.inputs), imports: output.imports.map((imported) => imported.path) });
  }
}, 120_000);

const bundleOf = (name: string): Bundle => {
  const bundle = bundles.get(name);
  if (!bundle) throw new Error(`no bundle for ${name}`);
  return bundle;
};

describe('Lambda bundles', () => {
  it.each(Object.keys(FUNCTION_ENTRIES))('%s stays within its budget', (name) => {
    const budget = BUNDLE_BUDGETS[name as keyof typeof BUNDLE_BUDGETS];
    expect(bundleOf(name).bytes, `${name}: look at what its bundle pulled in (npm run bench:bundles)`).toBeLessThanOrEqual(budget);
  });

  it('search checks requests with zod/mini: no full zod, no JSON Schema generation, no generated tables', () => {
    const { inputs } = bundleOf('search-programs');
    expect(inputs.filter((input) => input.includes('node_modules/zod/v4/classic/'))).toEqual([]);
    expect(inputs.filter((input) => /json-schema|from-json/.test(input))).toEqual([]);
    expect(inputs.filter((input) => input.includes('.generated.'))).toEqual([]);
  });

  it('search reaches no AWS service client: only OpenSearch, through its signed HTTP client', () => {
    const sdk = bundleOf('search-programs').imports.filter((path) => path.startsWith('@aws-sdk/'));
    expect(sdk.filter((path) => path.startsWith('@aws-sdk/client-'))).toEqual([]);
  });
});
