// Lint rules that hold the runtime boundaries of docs/architecture.md §1/§5: the engine is pure,
// the renderer never reaches into main or Node, and only src-main/electron imports electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'https', 'net', 'url', 'util', 'stream', 'events', 'zlib', 'readline', 'process', 'module', 'perf_hooks'];
const nodeOnlyPackages = ['better-sqlite3', 'ws', 'commander', 'cli-progress', 'tsx', 'tsx/*', 'piscina', 'bullmq', 'ioredis', 'playwright-core', '@playwright/*'];
const engineOutside = ['**/host/**', '**/electron/**', '**/cli/**', '**/src-renderer/**'];

const forbid = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

// no-restricted-syntax selectors. A file gets the options of the last block that sets the rule,
// so each block below lists every group of selectors that applies to its files.
/** `electron` or `electron/…`, not `electron-vite`. */
const ELECTRON = '/^electron(?![\\w-])/';
const ONLY_ELECTRON_MAIN = 'Only src-main/electron (and the preload) may import electron.';
const electronImports = [
  `ImportDeclaration[source.value=${ELECTRON}]`,
  `ExportAllDeclaration[source.value=${ELECTRON}]`,
  `ExportNamedDeclaration[source.value=${ELECTRON}]`,
  `ImportExpression[source.value=${ELECTRON}]`,
  `ImportExpression[source.type='TemplateLiteral'][source.quasis.0.value.cooked=${ELECTRON}]`,
  `CallExpression[callee.name='require'][arguments.0.value=${ELECTRON}]`,
].map((selector) => ({ selector, message: ONLY_ELECTRON_MAIN }));
const sideEffectImports = [{
  selector: "ImportDeclaration[specifiers.length=0][importKind!='type']:not([source.value=/\\.css$/])",
  message: 'No import for its side effects: import what you use (model parameters are one explicit registry, engine/params.ts).',
}];
const noDynamicImports = [{
  selector: 'ImportExpression',
  message: 'src-common and the engine are pure and synchronous: no dynamic import().',
}];
const relativeDynamicImportsOnly = [{
  selector: 'ImportExpression:not([source.value=/^\\./])',
  message: 'The renderer may import() only its own modules (a relative string), never Node, Electron or src-main.',
}];
const syntax = (...groups) => ({ 'no-restricted-syntax': ['error', ...groups.flat()] });

export default tseslint.config(
  // test/lint-fixtures: code that must fail these rules, linted under assumed paths by test/unit/lint-rules.test.ts.
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'bench-results/**', '.vite/**', 'test/lint-fixtures/**'] },
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
      ...forbid([...nodeBuiltins, ...nodeOnlyPackages, 'electron', 'electron/*', ...engineOutside],
        'src-common and the engine are pure: no Node, Electron, DOM or host imports.'),
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'require', 'Buffer', 'setTimeout', 'setInterval'],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Use a seeded PRNG stream (engine/core/prng).' },
        { object: 'Date', property: 'now', message: 'The engine has simulated time only.' },
        { object: 'performance', property: 'now', message: 'The engine has simulated time only.' }],
    },
  },
  {
    // Everything imports src-common; src-common imports nothing of src-main (not even the engine).
    files: ['src-common/**'],
    ignores: ['**/*.test.ts'],
    rules: forbid([...nodeBuiltins, ...nodeOnlyPackages, 'electron', 'electron/*', ...engineOutside, '**/src-main/**'],
      'src-common is shared by every runtime: it may not import src-main (the engine included), Node, Electron or the DOM.'),
  },
  {
    files: ['src-renderer/**'],
    ignores: ['**/*.test.ts'],
    rules: forbid([...nodeBuiltins, ...nodeOnlyPackages, 'electron', 'electron/*', '**/src-main/**'],
      'The renderer is untrusted: it may import src-common, never src-main, Node or Electron.'),
  },
  // no-restricted-syntax, most general first.
  {
    files: ['**/*'],
    ignores: ['src-main/electron/**', 'src-preload/**', 'scripts/**', 'electron.vite.config.ts'],
    rules: syntax(electronImports),
  },
  {
    files: ['src-main/**/*.ts', 'src-common/**/*.ts', 'src-renderer/**/*.ts', 'src-renderer/**/*.svelte'],
    ignores: ['src-main/electron/**'],
    rules: syntax(electronImports, sideEffectImports),
  },
  {
    files: ['src-main/electron/**/*.ts'],
    rules: syntax(sideEffectImports),
  },
  {
    files: ['src-common/**', 'src-main/engine/**'],
    ignores: ['**/*.test.ts'],
    rules: syntax(electronImports, sideEffectImports, noDynamicImports),
  },
  {
    files: ['src-renderer/**'],
    ignores: ['**/*.test.ts'],
    rules: syntax(electronImports, sideEffectImports, relativeDynamicImportsOnly),
  },
);
