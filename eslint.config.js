// Lint rules that hold the runtime boundaries of docs/architecture.md §1/§5: the engine is pure,
// the renderer never reaches into main or Node, and only src-main/electron imports electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'https', 'net', 'url', 'util', 'stream', 'events', 'zlib', 'readline', 'process', 'module', 'perf_hooks'];
const nodeOnlyPackages = ['better-sqlite3', 'ws', 'commander', 'cli-progress', 'tsx', 'tsx/*'];

const forbid = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'bench-results/**', '.vite/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src-main/**', 'src-preload/**', 'test/**', 'bench/**', 'scripts/**', 'bin/**', '*.config.*', '.ci/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src-common/**', 'src-main/engine/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      ...forbid([...nodeBuiltins, ...nodeOnlyPackages, 'electron', '**/host/**', '**/electron/**', '**/cli/**', '**/src-renderer/**'],
        'src-common and the engine are pure: no Node, Electron, DOM or host imports.'),
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'require', 'Buffer', 'setTimeout', 'setInterval'],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Use a seeded PRNG stream (engine/core/prng).' },
        { object: 'Date', property: 'now', message: 'The engine has simulated time only.' },
        { object: 'performance', property: 'now', message: 'The engine has simulated time only.' }],
    },
  },
  {
    files: ['src-renderer/**'],
    ignores: ['**/*.test.ts'],
    rules: forbid([...nodeBuiltins, ...nodeOnlyPackages, 'electron', '**/src-main/**'],
      'The renderer is untrusted: it may import src-common, never src-main, Node or Electron.'),
  },
  {
    files: ['**/*'],
    ignores: ['src-main/electron/**', 'src-preload/**', 'scripts/**', 'electron.vite.config.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "ImportDeclaration[source.value='electron']",
        message: 'Only src-main/electron (and the preload) may import electron.',
      }],
    },
  },
);
