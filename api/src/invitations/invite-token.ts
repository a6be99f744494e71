import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** 256 bits from the CSPRNG, base64url (43 characters). */
export const newToken = () => randomBytes(32).toString('base64url');

export const isTokenShaped = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

/** Invite tokens are stored as plain SHA-256: 256 random bits need no key or stretching. */
export const inviteTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Six digits, uniformly drawn. */
export const newAccessCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/**
 * A six-digit code has only a million values, so any unkeyed hash of it is reversed at once from a
 * database copy. Keyed with SESSION_SECRET (never in the database) and bound to the participant,
 * a leaked hash is useless; online guessing is stopped by the per-link attempt limit.
 */
export function accessCodeHash(secret: string, participantId: string, code: string): string {
  return createHmac('sha256', secret).update(`access-code:${participantId}:${code}`).digest('hex');
}

export function accessCodeMatches(secret: string, participantId: string, code: string, stored: string): boolean {
  const given = Buffer.from(accessCodeHash(secret, participantId, code), 'hex');
  const expected = Buffer.from(stored, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Participant-session cookies are stored as HMAC-SHA-256, like staff sessions. */
export const participantSessionHash = (secret: string, token: string) =>
  createHmac('sha256', secret).update(`participant-session:${token}`).digest('hex');
