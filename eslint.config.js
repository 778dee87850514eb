import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'data-*/**', 'test-results/**', '**/*.svelte', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // shared/ is the contract: pure TypeScript that a browser and Node both load.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', '../server/*', '../display/*', '../kiosk/*'], message: 'shared/ imports nothing of Node or of the apps' }] }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'document', 'window', 'localStorage'],
    },
  },
  {
    // Arrows run one way: the board knows nothing of sockets, HTTP or OBS.
    files: ['server/board/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['socket.io', 'express', '../realtime/*', '../http/*', '../ingest/*'], message: 'the board must not know its doors or screens' }] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: 'readonly', console: 'readonly' } },
  },
);
