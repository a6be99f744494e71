import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./api/test/global-setup.ts'],
    // Two cores: files run in parallel, each on its own fresh database.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'api',
          // Events cross processes and LISTEN/NOTIFY: on a loaded machine that takes more than 1 s.
          expect: { poll: { timeout: 10_000, interval: 50 } },
          include: ['api/src/**/*.test.ts', 'api/test/**/*.test.ts'],
          // Fault tests restart servers other files depend on: they run alone, in the faults project.
          // Real LiveKit suites are opt-in (`make test-media`), in the media project.
          exclude: [...configDefaults.exclude, 'api/test/faults/**', '**/*.real.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'faults',
          // Real processes killed and restarted (the API, PostgreSQL): one file at a time, nothing else running
          // (`make test` runs this project after the others, with GAVEL_EXCLUSIVE_POSTGRES=1).
          include: ['api/test/faults/**/*.test.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          expect: { poll: { timeout: 20_000, interval: 50 } },
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The web app's own unit tests, built with its Vite config (Svelte runes need the plugin).
        extends: './web/vite.config.ts',
        test: {
          name: 'web',
          root: './web',
          include: ['src/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['web/e2e/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/*.real.test.ts'],
          // A browser journey waits on real servers and workers: poll for seconds, not vitest's 1 s.
          expect: { poll: { timeout: 15_000, interval: 100 } },
          // A journey step takes ~20 s alone and three times that when both cores are shared with the API suite.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // Against a real LiveKit server (LIVEKIT_URL): `make test-media`, never `make test`.
          name: 'media',
          include: ['api/src/**/*.real.test.ts', 'web/e2e/**/*.real.test.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
