import tseslint from 'typescript-eslint';
import vitest from '@vitest/eslint-plugin';

const FUNCTIONS_MAY_NOT_IMPORT = ['cli', 'seed', 'ops', 'local', 'bench', 'tests', 'infra', 'scripts'];

/**
 * Files under `folder` may not import from any of `forbidden` (folders reached by `../`: top-level
 * folders of the repository, or, for a folder inside functions/, its siblings).
 */
function layer(folder, forbidden) {
  return [
    {
      files: [`${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
                message: `${folder}/ may not import from ${forbidden.join(', ')} (layers point one way; see README, Architecture).`,
              },
            ],
          },
        ],
      },
    },
  ];
}

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'dist/', 'local/opensearch/target/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layers point one way: functions <- cli <- {seed, ops} <- local <- {bench, tests}. A wrong-way
  // import would ship the local stack or a CLI inside a Lambda, or tie a CLI to the local stack.
  ...layer('functions', FUNCTIONS_MAY_NOT_IMPORT),
  // Inside functions/, the core (domain, ports, use cases) knows nothing of Lambda, HTTP, the SDKs
  // or configuration: those reach it through ports, wired by the handlers.
  ...layer('functions/{domain,ports,use-cases}', [...FUNCTIONS_MAY_NOT_IMPORT, 'adapters', 'handlers', 'http', 'config', 'observability']),
  ...layer('cli', ['seed', 'ops', 'local', 'bench', 'tests', 'infra']),
  ...layer('seed', ['ops', 'local', 'bench', 'tests', 'infra']),
  // ops/search-access reads the stages' settings (which roles map to which OpenSearch roles).
  ...layer('ops', ['seed', 'local', 'bench', 'tests']),
  ...layer('local', ['bench', 'tests']),
  {
    files: ['tests/**/*.ts'],
    plugins: { vitest },
    rules: {
      // A skipped or focused test silently hides the rest of the suite.
      'vitest/no-disabled-tests': 'error',
      'vitest/no-focused-tests': 'error',
      'vitest/expect-expect': 'error',
    },
  },
);
