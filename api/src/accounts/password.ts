import argon2 from 'argon2';
import { DomainError } from '../platform/http/errors.ts';
import { describeRefusal, judgePassword, type PasswordContext, type PasswordVerdict } from '../domain/password.ts';

// OWASP's argon2id floor (m=19 MiB, t=2, p=1): node-argon2's defaults (64 MiB, p=4) cost ~250 ms here.
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * Who a hash is for: `known` is a browser with a valid device cookie, an account with no recent failures,
 * or setting a password; `other` is everything else (unknown accounts, accounts under attack).
 */
export type HashLane = 'known' | 'other';

/**
 * Caps concurrent hashes so a login burst cannot take every core or unbounded memory. Each lane has a
 * queue of its own, so a flood of guesses (unknown accounts, accounts already failing) fills only its own
 * and is answered 503 busy, while real people keep signing in: a free slot goes to the known lane three
 * times in four when both wait. While guesses queue, the other lane also holds at most `max - 1` slots
 * (one when there is one): an argon2 hash keeps a core busy, so a flood that held both slots of a two-core
 * server left a real person's hash waiting for one, and the event loop and the database without a core.
 * With nothing queued in it, it may use any free slot, so two attempts on a quiet server start together
 * whichever lanes they are in (the lane follows whether the account exists; a cap that made the second of
 * two guesses wait would tell that apart).
 */
export class HashLimiter {
  private running = 0;
  private runningOther = 0;
  private readonly waiting: Record<HashLane, Array<() => void>> = { known: [], other: [] };
  private knownInARow = 0;
  private readonly max: number;
  private readonly maxQueue: number;
  private readonly maxOther: number;
  constructor(max: number, maxQueue: number) {
    this.max = max;
    this.maxQueue = maxQueue;
    this.maxOther = Math.max(1, max - 1);
  }

  async run<T>(work: () => Promise<T>, lane: HashLane = 'known'): Promise<T> {
    if (this.canStart(lane)) {
      this.start(lane);
    } else {
      const queue = this.waiting[lane];
      if (queue.length >= this.maxQueue) {
        throw new DomainError(503, 'busy', 'Sign-in is busy; try again in a moment.', { 'retry-after': '2' });
      }
      // Whoever frees a slot starts us (counts us as running) before waking us.
      await new Promise<void>((resolve) => queue.push(resolve));
    }
    try {
      return await work();
    } finally {
      this.running--;
      if (lane === 'other') this.runningOther--;
      this.wake();
    }
  }

  private canStart(lane: HashLane): boolean {
    if (this.running >= this.max) return false;
    return lane === 'known' || this.runningOther < this.maxOther || this.waiting.other.length === 0;
  }

  private start(lane: HashLane): void {
    this.running++;
    if (lane === 'other') this.runningOther++;
  }

  private wake(): void {
    const { known, other } = this.waiting;
    while (this.running < this.max) {
      const otherMay = other.length > 0 && this.runningOther < this.maxOther;
      const takeKnown = known.length > 0 && (!otherMay || this.knownInARow < 3);
      if (!takeKnown && !otherMay) return;
      const lane: HashLane = takeKnown ? 'known' : 'other';
      const resolve = (takeKnown ? known : other).shift()!;
      this.knownInARow = takeKnown ? this.knownInARow + 1 : 0;
      this.start(lane);
      resolve();
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

  verify(hash: string, password: string, lane: HashLane = 'known'): Promise<boolean> {
    return this.limiter.run(() => argon2.verify(hash, password).catch(() => false), lane);
  }

  /** Spends the same work as a real verify, so an unknown email is not told apart by timing. */
  async verifyDummy(password: string, lane: HashLane = 'other'): Promise<false> {
    this.dummy ??= argon2.hash('gavel-dummy-password', ARGON2_OPTIONS);
    await this.verify(await this.dummy, password, lane);
    return false;
  }
}

/** The refusal every door answers for a password that breaks the rule, with zxcvbn's reason and suggestions. */
export function weakPassword(verdict: PasswordVerdict): DomainError {
  return new DomainError(
    400,
    'weak_password',
    describeRefusal(verdict),
    {},
    {
      reason: verdict.problem ?? 'guessable',
      ...(verdict.warning ? { warning: verdict.warning } : {}),
      suggestions: verdict.suggestions,
    },
  );
}

/** Throws `weak_password` unless the password passes the one rule for this person and court. */
export function assertPasswordAllowed(password: string, context: PasswordContext): void {
  const verdict = judgePassword(password, context);
  if (!verdict.ok) throw weakPassword(verdict);
}
