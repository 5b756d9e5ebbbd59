/**
 * `npm run bench:bundles`: only the bundle part of `npm run bench` (no stack, seconds rather than
 * minutes): each benched function bundled as NodejsFunction bundles it, its size against its
 * budget (bench/bundle-budgets.ts), its cold load in fresh processes and its largest packages.
 */
import { BUNDLE_BUDGETS } from './bundle-budgets';
import { measureBundles } from './bundles';
import { TARGETS } from './targets';

const loadRuns = Number(process.env.BENCH_LOAD_RUNS ?? 7);
const figures = await measureBundles({ loadRuns, log: (line) => process.stderr.write(`${line}\n`) });
for (const figure of figures) {
  const budget = BUNDLE_BUDGETS[figure.name];
  const loadTarget = figure.name === 'search-programs' ? TARGETS.searchBundleLoadMs : TARGETS.bundleLoadMs;
  const sizeOk = figure.bytes <= budget;
  const loadOk = figure.loadMedianMs <= loadTarget;
  const ownLoadOk = figure.ownLoadMedianMs <= loadTarget;
  console.log(
    `${figure.name.padEnd(18)} ${figure.bytes.toLocaleString('en-US').padStart(10)} B (budget ${budget.toLocaleString('en-US')}) ${sizeOk ? 'PASS' : 'MISS'}  ` +
      `load median ${figure.loadMedianMs.toFixed(1)} ms, min ${Math.min(...figure.loadRunsMs).toFixed(1)} ms (target ${loadTarget} ms) ${loadOk ? 'PASS' : 'MISS'}  ` +
      `its own code ${figure.ownLoadMedianMs.toFixed(1)} ms ${ownLoadOk ? 'PASS' : 'MISS'}`,
  );
  console.log(`  externals (loaded in both, the runtime's and the layer's): ${figure.externals.join(', ') || 'none'}`);
  console.log(`  largest: ${figure.largestPackages.map((entry) => `${entry.package} ${(entry.bytes / 1000).toFixed(0)} KB`).join(', ')}`);
}
