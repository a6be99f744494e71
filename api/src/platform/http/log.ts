import type { FastifyRequest } from 'fastify';

/**
 * Invite tokens travel in the URL path (`/join/<token>` pages, `/api/join/<token>` and its calendar
 * file), so a URL is never logged as it is: the token is replaced before the line is written.
 */
export function redactUrl(url: string): string {
  return url.replace(/(\/join\/)[^/?#]+/g, '$1[redacted]');
}

/** Fastify's request serializer, with the URL redacted. */
export function requestLogSerializer(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
