import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
 * version, plain data the CLI needs before anything loads). Anything else of engine/ or policy/ is internal.
 */
const hostEngineBoundary = {
  regex: '^(\\.\\./)+(policy(/.*)?|engine/(?!api(/|$)|service(/index)?$|version$).*)$',
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
