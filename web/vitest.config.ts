import { defineConfig } from 'vitest/config';

// Unit tests of the web app's plain modules (no browser, no SvelteKit plugin needed).
export default defineConfig({
  test: {
    name: 'web',
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
