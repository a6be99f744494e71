import type { FastifyRequest } from 'fastify';
import { DomainError } from './errors.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie sessions: a state-changing request must come from Gavel's own origin.
 * Browsers send Origin on every cross-site and same-site POST; Referer is the fallback.
 */
export function checkOrigin(request: FastifyRequest, publicOrigin: string): void {
  if (SAFE.has(request.method)) return;
  const origin = request.headers.origin ?? refererOrigin(request.headers.referer);
  if (origin !== publicOrigin) {
    throw new DomainError(
      403,
      'bad_origin',
      origin ? `Requests from ${origin} are not accepted.` : 'A state-changing request must carry an Origin header.',
    );
  }
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
