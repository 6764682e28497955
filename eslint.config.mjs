// ESLint's recommended rules and typescript-eslint's, for the TypeScript sources and tests and the
// JavaScript scripts; formatting is Prettier's (npm run format).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'build/', 'coverage/', 'docs/api/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // A leading underscore marks a parameter that an interface requires but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The command line is a user of the package: it imports what package.json exports, no more.
    files: ['src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!index$|vq$|duckdb$|clickhouse$)',
              message: 'import the public API: ../index, ../vq, ../duckdb or ../clickhouse',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain CommonJS scripts load modules with require().
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
