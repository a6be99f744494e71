import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/**
 * The API's folders by layer (docs/architecture.md, api/scripts/layers.ts):
 * - features, named for what a court does, one folder each, own their tables, rules and routes: accounts
 *   (staff sign-in and their own account), court-admin (the court, its courtrooms and staff), scheduling
 *   (cases, hearings, the docket, calendars), invitations (participants, their links and joining), courtroom
 *   (the live hearing: its kernel, and lobby/, media/, consultations/, chat/ inside it), recordings, record
 *   (the transcript, its seals and signatures), record-log (the record's public log), exhibits, audit,
 *   exports, verify (the offline verifier);
 * - the platform they stand on, in platform/: db, http, realtime (hub and socket), storage, mail, web, and
 *   config.ts;
 * - the domain, pure rules with no I/O: domain;
 * - the app, which wires it all together: app.ts, server.ts, cli.ts, features.ts, runtime.ts, seed.ts,
 *   migrate-cli.ts (not checked here).
 * A feature's repository (`*.repository.ts`: its SQL) is its own: another feature, or the platform, reads
 * and writes that feature's tables through what it exports from its service modules. Tests may set up
 * and inspect rows through any repository.
 */
const FEATURES = [
  'accounts',
  'audit',
  'court-admin',
  'courtroom',
  'courtroom/chat',
  'courtroom/consultations',
  'courtroom/lobby',
  'courtroom/media',
  'exhibits',
  'exports',
  'invitations',
  'record',
  'record-log',
  'recordings',
  'scheduling',
  'verify',
];
const PLATFORM = ['db', 'http', 'realtime', 'storage', 'mail', 'web', 'domain'];
/** An import of a repository in one of these feature folders (named by their last segment), from anywhere. */
const repositoryOf = (features) =>
  `^\\.\\.?/(?:[^/]+/)*?(?:${features.map((f) => f.split('/').at(-1)).join('|')})/(?:[^/]+/)*[^/]*\\.repository(?:\\.ts)?$`;
// A folder inside a feature (the courtroom's lobby, media, consultations, chat) is listed after its feature, so
// its own entry, which names the feature's other parts, is the one that applies to its files.
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
    files: ['migrations/**/*.ts', 'api/src/platform/db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
