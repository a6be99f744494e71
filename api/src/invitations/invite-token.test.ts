import { describe, expect, it } from 'vitest';
import {
  accessCodeHash,
  accessCodeMatches,
  inviteTokenHash,
  isTokenShaped,
  newAccessCode,
  newToken,
  participantSessionHash,
} from './invite-token.ts';

const SECRET = 'test-session-secret-test-session-secret';

describe('invite tokens', () => {
  it('are 43 base64url characters, fresh each time, and shaped as the join route expects', () => {
    const tokens = Array.from({ length: 50 }, newToken);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.every(isTokenShaped)).toBe(true);
  });

  it('are refused unless exactly 43 base64url characters', () => {
    const t = newToken();
    for (const bad of ['', t.slice(1), `${t}A`, `${t.slice(1)}=`, `${t.slice(1)}+`, `${t.slice(1)}/`, ` ${t.slice(1)}`])
      expect(isTokenShaped(bad), bad).toBe(false);
  });

  it('are stored as their SHA-256, in hex', () => {
    // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
    expect(inviteTokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('access codes', () => {
  it('are six digits, leading zeros kept', () => {
    for (let i = 0; i < 200; i++) expect(newAccessCode()).toMatch(/^[0-9]{6}$/);
  });

  it('are stored keyed and bound to the participant: another participant, code or secret gives another hash', () => {
    const h = accessCodeHash(SECRET, 'p1', '012345');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(accessCodeHash(SECRET, 'p1', '012345')).toBe(h);
    expect(accessCodeHash(SECRET, 'p2', '012345')).not.toBe(h);
    expect(accessCodeHash(SECRET, 'p1', '012346')).not.toBe(h);
    expect(accessCodeHash(`${SECRET}x`, 'p1', '012345')).not.toBe(h);
  });

  it('match only the code, the participant and the secret they were stored with', () => {
    const stored = accessCodeHash(SECRET, 'p1', '012345');
    expect(accessCodeMatches(SECRET, 'p1', '012345', stored)).toBe(true);
    expect(accessCodeMatches(SECRET, 'p1', '12345', stored)).toBe(false);
    expect(accessCodeMatches(SECRET, 'p2', '012345', stored)).toBe(false);
    expect(accessCodeMatches('another-secret', 'p1', '012345', stored)).toBe(false);
  });

  it('match nothing against a stored hash of the wrong length', () => {
    const stored = accessCodeHash(SECRET, 'p1', '012345');
    expect(accessCodeMatches(SECRET, 'p1', '012345', stored.slice(0, 62))).toBe(false);
    expect(accessCodeMatches(SECRET, 'p1', '012345', '')).toBe(false);
  });
});

describe('participant sessions', () => {
  it('are stored keyed, apart from access codes of the same text', () => {
    const h = participantSessionHash(SECRET, 'tok');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(participantSessionHash(SECRET, 'tok')).toBe(h);
    expect(participantSessionHash('another-secret', 'tok')).not.toBe(h);
    expect(participantSessionHash(SECRET, 'tok2')).not.toBe(h);
    expect(h).not.toBe(inviteTokenHash('tok'));
  });
});
