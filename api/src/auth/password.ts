import { readFileSync } from 'node:fs';
import argon2 from 'argon2';
import { DomainError } from '../http/errors.ts';

// OWASP's argon2id floor (m=19 MiB, t=2, p=1): node-argon2's defaults (64 MiB, p=4) cost ~250 ms here.
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Caps concurrent hashes so a login burst cannot take every core or unbounded memory. */
export class HashLimiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly max: number;
  private readonly maxQueue: number;
  constructor(max: number, maxQueue: number) {
    this.max = max;
    this.maxQueue = maxQueue;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxQueue) {
        throw new DomainError(503, 'busy', 'Sign-in is busy; try again in a moment.', { 'retry-after': '2' });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

export class Passwords {
  private readonly limiter: HashLimiter;
  private dummy: Promise<string> | undefined;
  constructor(limiter = new HashLimiter(2, 64)) {
    this.limiter = limiter;
  }

  hash(password: string): Promise<string> {
    return this.limiter.run(() => argon2.hash(password, ARGON2_OPTIONS));
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.limiter.run(() => argon2.verify(hash, password).catch(() => false));
  }

  /** Spends the same work as a real verify, so an unknown email is not told apart by timing. */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= argon2.hash('gavel-dummy-password', ARGON2_OPTIONS);
    await this.verify(await this.dummy, password);
    return false;
  }
}

export const PASSWORD_MIN_LENGTH = 12;

// A few hundred of the passwords attackers try first, bundled so the check needs no network.
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#')),
);

export function isCommonPassword(password: string): boolean {
  const lower = password.trim().toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return true;
  // "password1234!" is "password" with digits and symbols stuck on; so is "!!qwerty2026".
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (core.length >= 4 && core !== lower && COMMON_PASSWORDS.has(core)) return true;
  // One character, or one short run, repeated: "aaaaaaaaaaaa", "abcabcabcabc".
  return /^(.{1,4})\1+$/u.test(lower);
}

export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > 256) return 'must be at most 256 characters';
  if (isCommonPassword(password)) return 'is one of the most common passwords; choose another';
  return undefined;
}
