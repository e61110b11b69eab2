// Lint rules for the whole repository; type checking runs separately (`tsc --noEmit` in `npm run lint`).
import stylistic from '@stylistic/eslint-plugin';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Only cdk8s' public API: its private modules change without notice between patch releases. */
const CDK8S_PRIVATE = {
  group: ['cdk8s/lib', 'cdk8s/lib/*', 'cdk8s-plus-28/lib', 'cdk8s-plus-28/lib/*'],
  message: 'Import from the package root (cdk8s, cdk8s-plus-28): paths under lib/ are private to those packages.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'dist/', 'imports/', 'coverage/', 'test/fixtures/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/indent': ['error', 2],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true }],
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      '@stylistic/eol-last': 'error',
      '@stylistic/no-trailing-spaces': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', {
        selector: 'LogicalExpression[operator="||"] > :matches(Identifier, MemberExpression).left',
        message: 'Resolve defaults with ?? (a 0 or an empty string is a value, not a missing one).',
      }],
    },
  },
  {
    // Only cdk8s' public API: its private modules change without notice between patch releases.
    files: ['lib/**', 'stacks/**', 'scripts/**', 'main.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [CDK8S_PRIVATE],
      }],
    },
  },
  {
    // Boundaries (README "Layout"): a folder's private/ helpers are its own; the generic library never
    // reaches into the Laravel layer; stacks use public library files only. No import cycles anywhere.
    files: ['lib/**/*.ts'],
    ignores: ['lib/laravel/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        CDK8S_PRIVATE,
        { regex: '^\\.\\./(\\.\\./)*[a-z-]+/private(/|$)', message: 'Another folder\'s private/ files are its own: import its public file instead.' },
        { regex: '(^|/)laravel(/|$)', message: 'The generic library names no app: the Laravel layer builds on it, not the other way round.' },
      ] }],
    },
  },
  {
    files: ['lib/laravel/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        CDK8S_PRIVATE,
        { regex: '^\\.\\./(\\.\\./)*[a-z-]+/private(/|$)', message: 'Another folder\'s private/ files are its own: import its public file instead.' },
      ] }],
    },
  },
  {
    files: ['stacks/**/*.ts', 'main.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        CDK8S_PRIVATE,
        { regex: '/private(/|$)', message: 'Stacks use the library\'s public files, never its private/ helpers.' },
      ] }],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
