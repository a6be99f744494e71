import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionUser } from './auth.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
  }
}

// The __Host- prefix makes the browser refuse the cookie unless it is Secure, host-only and Path=/.
export const cookieName = (secure: boolean) => (secure ? '__Host-gavel_session' : 'gavel_session');

export function sessionToken(request: FastifyRequest, secure: boolean): string | undefined {
  const value = request.cookies[cookieName(secure)];
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
}

export function setSessionCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  reply.setCookie(cookieName(secure), token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(cookieName(secure), { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}
