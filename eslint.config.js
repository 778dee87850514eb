import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const ROOT = import.meta.dirname;

/**
 * Import boundaries: import-x's `no-restricted-paths`, because it judges the file an import *resolves to*, not the
 * text of the specifier, so `../../server/x` from two folders down is caught as surely as `../server/x` (the
 * old `no-restricted-imports` patterns matched text and leaked one level down). It is one rule of one plugin
 * that already speaks flat config and ESLint 10; eslint-plugin-boundaries would add its own element taxonomy
 * and a resolver package for the same few zones. Our imports name `.js` for `.ts` (and `.svelte.js` for
 * `.svelte.ts`), hence the extension alias. An import that does not resolve is not judged here; tsc and
 * svelte-check refuse it. Probed by test/lint-boundaries.test.ts.
 */
const resolver = createNodeResolver({
  extensions: ['.ts', '.js', '.mjs', '.svelte', '.json'],
  extensionAlias: { '.js': ['.ts', '.js'] },
});
/** Everything of ours a page or the contract may not reach: the repository, minus what `except` lets through. */
const ours = (target, allowed, message) => ({ target, from: '.', except: ['./node_modules', ...allowed], message });

const boundaries = [
  ours('shared', ['./shared'], 'shared/ is the contract: it imports nothing of ours outside shared/'),
  ours('display', ['./display', './shared'], 'display/ imports only shared/ and itself'),
  ours('kiosk', ['./kiosk', './shared'], 'kiosk/ imports only shared/ and itself'),
  {
    // The board itself: the contract, logging, metrics and the state interfaces it writes through, nothing else.
    target: 'server/board',
    from: 'server',
    except: ['./board', './state/board-store.ts', './state/arrival-table.ts', './log.ts', './metrics.ts'],
    message: 'the board knows only shared/, logging, metrics and the state interfaces (server/state/board-store.ts, arrival-table.ts)',
  },
  {
    // What the hub keeps (server/state): its interfaces and its two implementations reach only the storage
    // plumbing they are built on (Redis connections, the durable file writer), logging and metrics. Never the
    // board, the doors, screens, HTTP or any feature: they all depend on it, not the reverse. The one exception is
    // the shape of a kept credential (credentials/digests.ts): the store checks what it reads back against it.
    target: 'server/state',
    from: 'server',
    except: ['./state', './files', './log.ts', './metrics.ts', './credentials/digests.ts'],
    message: 'server/state reaches only its own storage plumbing (state/, files/), logging and metrics',
  },
  {
    target: 'server/ingest',
    from: ['server/realtime', 'server/http'],
    message: 'the doors (server/ingest) never import fan-out (server/realtime) or HTTP (server/http)',
  },
  {
    target: 'server/realtime',
    from: 'server/ingest',
    message: 'fan-out (server/realtime) never imports the doors (server/ingest)',
  },
  {
    // HTTP is itself a door (POST /api/orders hands to the intake) and /health reports the doors' status, so it
    // may see the intake's and the door status's interfaces; the Redis doors and the dead-letter box stay out.
    target: 'server/http',
    from: 'server/ingest',
    except: ['./intake.ts', './door-status.ts'],
    message: 'HTTP sees only the intake and door status of server/ingest, never a door itself',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'data-*/**', 'test-results/**', 'bench/results/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: ROOT } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // <script lang="ts"> in .svelte files (and runes in .svelte.ts) go through the TypeScript parser, type-checked.
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, projectService: true, extraFileExtensions: ['.svelte'], svelteConfig } },
    // Off as typescript-eslint advises for TypeScript: svelte-check (tsc with the DOM lib) already refuses an
    // undefined name, and no-undef knows no browser globals (document, setTimeout), so it only cried wolf.
    rules: { 'no-undef': 'off' },
  },
  {
    files: ['shared/**/*.{ts,svelte}', 'display/**/*.{ts,svelte}', 'kiosk/**/*.{ts,svelte}', 'server/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [resolver] },
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: boundaries }] },
  },
  {
    // No page ships zod (test/bundles-no-zod.test.ts checks the build): a page takes only types from a module
    // that builds zod schemas; a constant it needs lives in a zod-free module (protocol.ts, screen-names.ts).
    files: ['display/**/*.{ts,svelte}', 'kiosk/**/*.{ts,svelte}', 'shared/client/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['zod', '**/schemas/*', '**/errors.js', '**/validation.js', '**/parse-json.js', '**/field-issues.js', '**/text/catalogue.js'],
              allowTypeImports: true,
              message: 'this module builds zod schemas: a page may import only its types (import type), or zod ships in the bundle',
            },
          ],
        },
      ],
    },
  },
  {
    // shared/ is the contract: pure TypeScript that a browser and Node both load.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'shared/ imports nothing of Node' }] }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'document', 'window', 'localStorage'],
    },
  },
  {
    // Functions over 60 lines in server/ are refused (issue 16's guardrail): each does one thing, readable at a glance.
    files: ['server/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60 }] },
  },
  {
    // hub.ts only wires: the parts are built beside their features (server/*/…-feature.ts), so it stays short.
    files: ['server/hub.ts'],
    rules: { 'max-lines': ['error', { max: 119 }] },
  },
  {
    // Arrows run one way: the board knows nothing of sockets or HTTP (its folders are guarded above).
    files: ['server/board/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['socket.io', 'express'], message: 'the board must not know its doors or screens' }] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: 'readonly', console: 'readonly' } },
  },
);
