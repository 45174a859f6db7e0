// Type-aware lint rules the compiler does not have. `npm run lint`; `.ci/run` runs it.
// Only rules that catch real bugs here: a switch that forgets a case of a union, a promise nobody
// awaits, and an async callback handed to a caller that ignores its promise (either way a
// rejection is lost, or crashes the process as an unhandled rejection).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Fixtures break the rules on purpose (tests/build-rules.test.ts lints them explicitly).
    ignores: ['node_modules/', 'public/build/', 'dist/', 'test-results/', 'bench-results/', 'data/', 'tests/build-fixtures/'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        // The first project that holds a file types it; the fixtures' tiny one first keeps their lint fast.
        project: ['./tests/build-fixtures/lint/tsconfig.json', './tsconfig.json', './tsconfig.core.json', './tsconfig.browser.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() and friends hand their promise to the runner, which awaits and reports it.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
