import { ZxcvbnFactory, type MatchEstimated, type TranslationKeys } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary } from '@zxcvbn-ts/language-en';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-limits.ts';

/**
 * The one rule for a new password, wherever it is set (the CLI, a set-password link, the account page)
 * and in the browser's strength hint: 12 to 256 characters, and a zxcvbn score of at least 3.
 *
 * Score 3 means zxcvbn estimates at least 10^8 guesses. Online, Gavel allows a handful of failures per
 * account before it locks the account and asks for a wait, so that many guesses are out of reach; offline,
 * each guess costs an argon2id hash (19 MiB). Score 4 (10^10) would also refuse the memorable three- and
 * four-word passphrases people can type without writing them down.
 *
 * The dictionaries are large (about 1.5 MB of JavaScript): the web app imports this module lazily.
 */

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH };
export const PASSWORD_MIN_SCORE = 3;

/** Words every court's staff reach for first; checked like the person's own name. */
export const COURT_WORDS = ['gavel', 'court', 'courtroom', '法院', '法庭'] as const;

// Well-known example passphrases that zxcvbn's own lists would rate as strong.
const KNOWN_PHRASES = ['correcthorsebatterystaple', 'correct horse battery staple', 'changemenow', 'thequickbrownfox'];

export type PasswordWarning = keyof TranslationKeys['warnings'];
export type PasswordSuggestion = keyof TranslationKeys['suggestions'];

export interface PasswordContext {
  courtName?: string | null | undefined;
  name?: string | null | undefined;
  email?: string | null | undefined;
}

export interface PasswordVerdict {
  ok: boolean;
  /** zxcvbn's 0–4; 0 when the length alone refuses it. */
  score: number;
  problem: 'too_short' | 'too_long' | 'guessable' | null;
  warning: PasswordWarning | null;
  suggestions: PasswordSuggestion[];
}

let factory: ZxcvbnFactory | undefined;
function estimator(): ZxcvbnFactory {
  // Without `translations` zxcvbn answers its feedback as keys, which each caller puts in its own words.
  factory ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...englishDictionary, 'gavel-known': KNOWN_PHRASES },
    graphs: adjacencyGraphs,
    // Bounds the work for a hostile 256-character password (about 2 s with the defaults, a few ms with these):
    // only the first 64 characters are scored, so a longer password is judged on its start.
    maxLength: 64,
    l33tMaxSubstitutions: 8,
  });
  return factory;
}

/** The court's name, the person's name and email, whole and word by word, and the court words. */
export function userInputsOf(context: PasswordContext): string[] {
  const words = new Set<string>(COURT_WORDS);
  for (const value of [context.courtName, context.name, context.email]) {
    const whole = value?.trim().toLowerCase();
    if (!whole) continue;
    words.add(whole);
    words.add(whole.replace(/[\s._-]+/gu, ''));
    for (const part of whole.split(/[^\p{L}\p{N}]+/u)) {
      if (part.length >= 3 || (part.length === 2 && /\p{Script=Han}/u.test(part))) words.add(part);
    }
  }
  return [...words];
}

export function judgePassword(password: string, context: PasswordContext): PasswordVerdict {
  const refused = (problem: 'too_short' | 'too_long'): PasswordVerdict => ({
    ok: false,
    score: 0,
    problem,
    warning: null,
    suggestions: [],
  });
  // Characters as a person counts them: a Chinese character or an emoji is one.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return refused('too_short');
  if (length > PASSWORD_MAX_LENGTH) return refused('too_long');
  const result = estimator().check(password, userInputsOf(context));
  // zxcvbn prices each of the person's or court's own words like any 50-guess word, so "Their Name 2026"
  // scores 3; someone aiming at this court knows those words, so here they cost the attacker nothing.
  const ownWords = result.sequence.filter((m) => m.pattern === 'dictionary' && m.dictionaryName === 'userInputs');
  const ownLog10 = ownWords.reduce((sum, m) => sum + Math.log10((m as MatchEstimated).guesses), 0);
  const score = Math.min(result.score, scoreOf(result.guessesLog10 - ownLog10));
  const ok = score >= PASSWORD_MIN_SCORE;
  if (ok) return { ok, score, problem: null, warning: null, suggestions: [] };
  const ownMade = score < result.score;
  return {
    ok,
    score,
    problem: 'guessable',
    warning: ownMade ? 'userInputs' : ((result.feedback.warning as PasswordWarning | null) ?? null),
    suggestions: ownMade ? ['anotherWord'] : (result.feedback.suggestions as PasswordSuggestion[]),
  };
}

// zxcvbn's own thresholds: fewer than 10^3, 10^6, 10^8, 10^10 guesses (plus 5) score 0, 1, 2, 3.
function scoreOf(guessesLog10: number): number {
  const guesses = 10 ** guessesLog10;
  const below = [1e3, 1e6, 1e8, 1e10].findIndex((limit) => guesses < limit + 5);
  return below === -1 ? 4 : below;
}

/** What the API and the CLI say, in English; the web app has these in every language it speaks. */
export const PASSWORD_WARNINGS_EN: Record<PasswordWarning, string> = {
  straightRow: 'Straight rows of keys are easy to guess.',
  keyPattern: 'Short keyboard patterns are easy to guess.',
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabcabc" are easy to guess.',
  sequences: 'Sequences like "abc" or "123" are easy to guess.',
  recentYears: 'Recent years are easy to guess.',
  dates: 'Dates are easy to guess.',
  topTen: 'This is one of the most used passwords.',
  topHundred: 'This is a very often used password.',
  common: 'This is a commonly used password.',
  similarToCommon: 'This is close to a commonly used password.',
  wordByItself: 'A single word is easy to guess.',
  namesByThemselves: 'Names on their own are easy to guess.',
  commonNames: 'Common names and surnames are easy to guess.',
  userInputs: 'Avoid words that relate to you or this court: your name, your email, the court’s name.',
  pwned: 'This password was exposed in a data breach.',
};

export const PASSWORD_SUGGESTIONS_EN: Record<PasswordSuggestion, string> = {
  l33t: 'Predictable substitutions like "@" for "a" do not help.',
  reverseWords: 'Reversed spellings of common words do not help.',
  allUppercase: 'Capitalise some, but not all, letters.',
  capitalization: 'Capitalise more than the first letter.',
  dates: 'Avoid dates and years that are associated with you.',
  recentYears: 'Avoid recent years.',
  associatedYears: 'Avoid years that are associated with you.',
  sequences: 'Avoid common sequences of characters.',
  repeated: 'Avoid repeated words and characters.',
  longerKeyboardPattern: 'Use longer keyboard patterns and change direction often.',
  anotherWord: 'Add more words that are less common.',
  useWords: 'Use several words, but not a well-known phrase.',
  noNeed: 'A strong password needs no symbols, digits or capitals: several unrelated words will do.',
  pwned: 'If you use this password anywhere else, change it there.',
};

/** One English sentence or more saying why a password was refused and what to do instead. */
export function describeRefusal(verdict: PasswordVerdict): string {
  if (verdict.problem === 'too_short') return `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`;
  if (verdict.problem === 'too_long') return `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`;
  const reasons = [
    verdict.warning ? PASSWORD_WARNINGS_EN[verdict.warning] : undefined,
    ...verdict.suggestions.map((s) => PASSWORD_SUGGESTIONS_EN[s]),
  ].filter((line): line is string => Boolean(line));
  if (reasons.length === 0) reasons.push(PASSWORD_SUGGESTIONS_EN.anotherWord);
  return `This password is too easy to guess. ${reasons.join(' ')}`;
}
