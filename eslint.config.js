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
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='openExternal']",
          message: 'Open links through safeOpenExternal (main/electron/safe-open-external.ts).',
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
        { paths: [{ name: 'electron', message: 'Only main/electron and preload/ import Electron.' }] },
      ],
    },
  },
  {
    files: ['main/electron/**/*.ts'],
    ignores: ['main/electron/ipc.ts', 'main/electron/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noRawIpc] }] },
  },
);
