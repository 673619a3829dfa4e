import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { NOT_PRODUCT, TESTING_GLOB, layerZones } from './engine/layers.js';

// The architecture's import boundaries (ARCHITECTURE.md section 2), enforced as errors.
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const noUiFrameworks = [
  { name: 'electron', message: 'engine/ and policy/ run in plain Node: no Electron here.' },
  { name: 'react', message: 'engine/ and policy/ have no UI: no React here.' },
  { name: 'react-dom', message: 'engine/ and policy/ have no UI: no React here.' },
];
/**
 * Hosts reach the engine through the contract (engine/api) and the service entry (engine/service/index.ts:
 * createEngine and what only a terminal runs in its own process), plus engine/version (the product's name and
 * version, plain data the CLI needs before anything loads) and the agent benchmark suite's entry
 * (engine/agent-bench/index.ts: it drives runs through the contract's handlers, as a host does). Anything else of
 * engine/ or policy/ is internal.
 */
const hostEngineBoundary = {
  regex: '^(\\.\\./)+(policy(/.*)?|engine/(?!api(/|$)|service(/index)?$|agent-bench(/index)?$|version$).*)$',
  message:
    'Hosts reach the engine only through the contract (engine/api) and the service entry (engine/service/index.ts).',
};
const noRawOpenExternal = {
  selector: "CallExpression[callee.property.name='openExternal']",
  message: 'Open links through safeOpenExternal (main/electron/safe-open-external.ts).',
};
const noRawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Use the contract-derived helpers in main/electron/ipc.ts and preload/index.ts.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', noRawOpenExternal],
    },
  },
  {
    // no-restricted-imports does not see `await import(...)`, which the CLI uses to load the engine lazily.
    files: ['main/**/*.ts', 'preload/**/*.ts'],
    ignores: ['main/**/*.test.ts', 'main/**/testing/**/*.ts', 'preload/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        noRawOpenExternal,
        {
          selector: `ImportExpression[source.value=/${hostEngineBoundary.regex.replaceAll('/', '\\/')}/]`,
          message: hostEngineBoundary.message,
        },
      ],
    },
  },
  {
    // The engine's layers (engine/layers.js) and no import cycles anywhere. The resolver finds the .ts file
    // behind an extensionless relative import, so both rules see the real module graph.
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })],
      // Which files no-cycle reads to follow the graph, and with which parser.
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: {
      // Type-only imports are not followed (they vanish at runtime); the layers still count them.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Product code: the layers hold, and test scaffolding (`testing/` folders) is out of reach.
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: NOT_PRODUCT,
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          // Zones are paths from the repository root, wherever ESLint is started from.
          basePath: import.meta.dirname,
          zones: [
            ...layerZones(),
            {
              target: '.',
              from: [TESTING_GLOB],
              message: 'Test scaffolding (testing/ folders) is for tests and benchmarks only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['engine/**/*.{ts,tsx}', 'policy/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noUiFrameworks,
          patterns: [
            {
              group: ['electron/*', 'react/*', 'react-dom/*'],
              message: 'engine/ and policy/ import neither Electron nor React.',
            },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'The engine does not depend on its hosts or UI.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'The renderer runs in a browser sandbox: no Node modules.',
            })),
            {
              name: 'electron',
              message: 'The renderer talks to the host only through the typed API client.',
            },
          ],
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a browser sandbox: no Node modules.' },
            {
              group: ['**/engine/**', '!**/engine/api', '!**/engine/api/**', '**/engine/api/dispatch'],
              message: 'The renderer may import only the contract: engine/api.',
            },
            {
              group: ['**/main/**', '**/preload/**', '**/policy/**'],
              message: 'The renderer may import only engine/api.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only main/electron and preload/ import Electron.' }],
          patterns: [hostEngineBoundary],
        },
      ],
    },
  },
  {
    files: ['main/electron/**/*.ts'],
    ignores: ['main/electron/ipc.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noRawIpc], patterns: [hostEngineBoundary] }] },
  },
  {
    files: ['main/electron/ipc.ts', 'preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [hostEngineBoundary] }] },
  },
  {
    // Tests and test scaffolding may set up what they need from anywhere (temp folders, fakes, the daemon).
    files: ['main/**/*.test.ts', 'main/**/testing/**/*.ts', 'preload/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
