/**
 * The architecture's import rules (docs/architecture.md), checked by `npm run typecheck`:
 * dependencies point one way, shared ← client/core ← browser, shared ← server, and the code that
 * must run everywhere (shared, client/core) and in the browser reaches no Node module and no
 * package that would bring Node's types along. Type-only imports count: `import type` from a
 * Node-typed module is how Node globals slip into a program that must not have them.
 *
 * Tests (`*.test.ts`) are Node code and may import anything.
 */
const TEST = '\\.test\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'shared-imports-only-shared',
      comment: 'src/shared depends on nothing of ours outside src/shared.',
      severity: 'error',
      from: { path: '^src/shared/', pathNot: TEST },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'core-imports-only-shared',
      comment: 'The client core (browser and bots both run it) uses only shared code.',
      severity: 'error',
      from: { path: '^src/client/core/', pathNot: TEST },
      to: { path: '^src/', pathNot: '^src/(shared|client/core)/' },
    },
    {
      name: 'browser-imports-only-shared-and-core',
      comment: 'The browser client builds on shared code and the client core, nothing else of ours.',
      severity: 'error',
      from: { path: '^src/client/browser/', pathNot: TEST },
      to: { path: '^src/', pathNot: '^src/(shared|client/(core|browser))/' },
    },
    {
      name: 'server-never-imports-client',
      comment: 'Server and client depend on shared, never on each other.',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/client/' },
    },
    {
      name: 'game-never-imports-net',
      comment: 'The game layer owns its interfaces (PlayerPort); the network layer implements them, never the other way.',
      severity: 'error',
      from: { path: '^src/server/(game|sessions|chat|store)/', pathNot: TEST },
      to: { path: '^src/server/net/' },
    },
    {
      name: 'bots-and-netsim-never-import-server',
      comment: 'Bots and the chaos proxy talk to the server over the wire only.',
      severity: 'error',
      from: { path: '^src/(bots|netsim)/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'no-node-builtins-outside-node',
      comment: 'shared, client/core and the browser run without Node: no node: modules, not even for types.',
      severity: 'error',
      from: { path: '^src/(shared|client/core|client/browser)/', pathNot: TEST },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-packages-outside-node-but-zod',
      comment:
        'shared, client/core and the browser use no package but zod: a type-only import from ws (or any @types package that references node) would bring Node globals into them.',
      severity: 'error',
      from: { path: '^src/(shared|client/core|client/browser)/', pathNot: TEST },
      to: { path: 'node_modules/', pathNot: 'node_modules/zod/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    // Absolute, so the rule fixtures (tests/build-fixtures) are checked with the same resolution.
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.base.json') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
