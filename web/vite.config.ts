import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const apiTarget = `http://127.0.0.1:${process.env.API_PORT ?? '3000'}`;

export default defineConfig({
  plugins: [
    sveltekit({
      // A single-page app: the API serves build/ and falls back to index.html for every page
      // (and sets the Content-Security-Policy, allowing SvelteKit's one inline script by hash).
      adapter: adapter({ fallback: 'index.html' }),
    }),
  ],
  server: {
    proxy: {
      '/api': { target: apiTarget, ws: true },
    },
  },
});
