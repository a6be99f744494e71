import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/**
 * The API's folders by layer (docs/architecture.md, api/scripts/layers.ts):
 * - features, one folder each, own their tables, rules and routes: account, admin, audit, auth, calendar,
 *   cases, chat, consultations, exhibits, exports, hearings, join, lobby, log (the record's public log:
 *   its own table and routes), media, participants, recordings, signing, transcripts, verify;
 * - the platform they stand on: db, http, realtime, storage, mail, web, and config.ts;
 * - the domain, pure rules with no I/O: domain;
 * - the app, which wires it all together: app.ts, server.ts, cli.ts, features.ts, runtime.ts, seed.ts,
 *   migrate-cli.ts (not checked here).
 * A feature's repository (`*.repository.ts`: its SQL) is its own: another feature, or the platform, reads
 * and writes that feature's tables through what it exports from its service modules. Tests may set up
 * and inspect rows through any repository.
 */
const FEATURES = [
  'account',
  'admin',
  'audit',
  'auth',
  'calendar',
  'cases',
  'chat',
  'consultations',
  'exhibits',
  'exports',
  'hearings',
  'join',
  'lobby',
  'log',
  'media',
  'participants',
  'recordings',
  'signing',
  'transcripts',
  'verify',
];
const PLATFORM = ['db', 'http', 'realtime', 'storage', 'mail', 'web', 'domain'];
/** An import of a repository in one of these feature folders, however many folders up. */
const repositoryOf = (features) => `^(?:\\.\\./)+(?:${features.join('|')})/(?:.*/)?[^/]*\\.repository(?:\\.ts)?$`;
const ownRepositoriesOnly = (folder, features) => ({
  files: [`api/src/${folder}/**/*.ts`],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: repositoryOf(features),
            message: `Another feature's repository is its own: use what that feature's service exports.`,
          },
        ],
      },
    ],
  },
});

export default ts.config(
  {
    ignores: [
      '**/node_modules/',
      'web/build/',
      'web/.svelte-kit/',
      '.tools/',
      'data/',
      '.tmp/',
      'api/verify-bundle/dist/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  ...FEATURES.map((f) =>
    ownRepositoriesOnly(
      f,
      FEATURES.filter((other) => other !== f),
    ),
  ),
  ...PLATFORM.map((p) => ownRepositoriesOnly(p, FEATURES)),
  {
    // Migrations and the migrator work on a schema frozen in time, not the current Database type.
    files: ['migrations/**/*.ts', 'api/src/db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
