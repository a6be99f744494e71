import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser where an
 * account signed in fully gets a signed cookie naming that account. Later sign-ins of that account from
 * that browser are not held back by the account's lockout, which others' wrong passwords can cause;
 * their own failures count against the device instead, and lock it alone. Second-factor codes stay
 * limited per account either way.
 */
export interface Device {
  /** Random, so each browser's failures are counted apart. */
  id: string;
  /** The account it signed in (lower case). */
  email: string;
}

const LIFETIME_MS = 180 * 24 * 60 * 60 * 1000;

export const deviceCookieName = (secure: boolean) => (secure ? '__Host-gavel_device' : 'gavel_device');

/** The device the request's cookie names, if its signature holds. */
export function readDevice(request: FastifyRequest, secure: boolean): Device | undefined {
  const raw = request.cookies[deviceCookieName(secure)];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  const dot = unsigned.value.indexOf('.');
  if (dot <= 0) return undefined;
  const id = unsigned.value.slice(0, dot);
  const email = Buffer.from(unsigned.value.slice(dot + 1), 'base64url').toString('utf8');
  return /^[A-Za-z0-9_-]{22}$/.test(id) && email ? { id, email } : undefined;
}

/** After a full sign-in: this browser is now known for this account (its id kept if it was already). */
export function setDeviceCookie(reply: FastifyReply, email: string, secure: boolean, known?: Device): void {
  const id = known?.email === email.toLowerCase() ? known.id : randomBytes(16).toString('base64url');
  const value = `${id}.${Buffer.from(email.toLowerCase(), 'utf8').toString('base64url')}`;
  reply.setCookie(deviceCookieName(secure), value, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    expires: new Date(Date.now() + LIFETIME_MS),
  });
}
