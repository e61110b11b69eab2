// Lint rules for the whole repository; type checking runs separately (`tsc --noEmit` in `npm run lint`).
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

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
        patterns: [{
          group: ['cdk8s/lib', 'cdk8s/lib/*', 'cdk8s-plus-28/lib', 'cdk8s-plus-28/lib/*'],
          message: 'Import from the package root (cdk8s, cdk8s-plus-28): paths under lib/ are private to those packages.',
        }],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
