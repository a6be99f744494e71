import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const apiTarget = `http://127.0.0.1:${process.env.API_PORT ?? '3000'}`;

export default defineConfig({
  plugins: [
    sveltekit({
      // A single-page app: the API serves build/ and falls back to index.html for every page.
      adapter: adapter({ fallback: 'index.html' }),
      // Writes the hash of SvelteKit's one inline bootstrap script into a CSP <meta> tag in
      // index.html, so the API's Content-Security-Policy header can allow exactly that script.
      // connect-src stays open here: the hearing room reaches a LiveKit URL known only at run time.
      csp: {
        mode: 'hash',
        directives: {
          'script-src': ['self'],
          'object-src': ['none'],
          'base-uri': ['self'],
        },
      },
    }),
  ],
  server: {
    proxy: {
      '/api': { target: apiTarget, ws: true },
    },
  },
});
