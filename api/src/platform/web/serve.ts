import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../../web/build', import.meta.url));

/** SvelteKit's SPA shell boots from an inline script; the CSP allows exactly that script by hash. */
function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
    hashes.push(
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}'`,
    );
  }
  return hashes;
}

export function serveWebApp(root: string | undefined) {
  const index = root ? join(root, 'index.html') : undefined;
  const built = index !== undefined && existsSync(index);
  const scriptHashes = built ? inlineScriptHashes(readFileSync(index, 'utf8')) : [];

  async function register(app: FastifyInstance): Promise<void> {
    if (built && root) {
      await app.register(fastifyStatic, {
        root,
        prefix: '/',
        index: ['index.html'],
        setHeaders: (res, path) => {
          // Hashed file names under _app/immutable never change; everything else is revalidated. A join
          // page's address holds its invitation, so neither it nor the page is kept.
          const url = res.request.url;
          const join = url === '/join' || url.startsWith('/join/') || url.startsWith('/join?');
          res.header(
            'cache-control',
            path.includes('/_app/immutable/') ? 'public, max-age=31536000, immutable' : join ? 'no-store' : 'no-cache',
          );
        },
      });
    }

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (path === '/api' || path.startsWith('/api/')) {
        return reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${path}.` } });
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${path}.` } });
      }
      if (!built) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The Gavel web app is not built. Run `npm run build -w web` (make run does this).\n');
      }
      // Client-side routes (/login, /hearings/…) all get the SPA shell (its cache-control set above).
      return reply.sendFile('index.html');
    });
  }

  return { built, scriptHashes, register };
}
