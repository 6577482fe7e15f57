// ESLint (`npm run lint`): type-aware promise rules everywhere; the workflow sandbox's import rules for workflows/ and domain/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { sandboxFiles, sandboxRules } from './eslint.sandbox.mjs';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.tools/**',
      'console/assets/**',
      'deploy/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
        },
      ],
    },
  },
  // tests and the tools that drive the API poke at untyped JSON bodies
  {
    files: ['tests/**/*.ts', 'scripts/load/**/*.ts', 'scripts/scenarios/**/*.ts', 'scripts/record-histories.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-control-regex': 'off' },
  },
  {
    files: sandboxFiles,
    rules: sandboxRules,
  },
);
