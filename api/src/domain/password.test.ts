import { describe, expect, it } from 'vitest';
import {
  COURT_WORDS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_SUGGESTIONS_EN,
  PASSWORD_WARNINGS_EN,
  describeRefusal,
  judgePassword,
  userInputsOf,
  type PasswordVerdict,
} from './password.ts';

// A passphrase no dictionary and no one's name makes guessable, cut or padded to a length.
const STRONG = 'lantern orbit saffron quietly marmalade';
const ofLength = (n: number) => STRONG.repeat(10).slice(0, n);

describe('the password rule’s lengths', () => {
  it('are 12 to 256 characters', () => {
    expect([PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH]).toEqual([12, 256]);
  });

  it('refuse one character short of the least, and take the least', () => {
    expect(judgePassword(ofLength(PASSWORD_MIN_LENGTH - 1), {})).toMatchObject({ ok: false, problem: 'too_short' });
    expect(judgePassword(ofLength(PASSWORD_MIN_LENGTH), {}).problem).not.toBe('too_short');
  });

  it('take the most, and refuse one character more', () => {
    expect(judgePassword(ofLength(PASSWORD_MAX_LENGTH), {}).problem).not.toBe('too_long');
    expect(judgePassword(ofLength(PASSWORD_MAX_LENGTH + 1), {})).toMatchObject({
      ok: false,
      score: 0,
      problem: 'too_long',
      warning: null,
      suggestions: [],
    });
  });

  it('count characters as a person does: a Chinese character or an emoji is one', () => {
    // Eleven emoji are 22 UTF-16 units, and still too short.
    expect(judgePassword('🔥'.repeat(11), {}).problem).toBe('too_short');
    expect(judgePassword('法'.repeat(11), {}).problem).toBe('too_short');
    expect(judgePassword('🔥'.repeat(PASSWORD_MAX_LENGTH), {}).problem).not.toBe('too_long');
  });
});

describe('judgePassword', () => {
  it('takes a passphrase of unrelated words', () => {
    expect(judgePassword(STRONG, {})).toEqual({ ok: true, score: 4, problem: null, warning: null, suggestions: [] });
  });

  it('refuses the well-known example passphrases, whatever zxcvbn’s own lists say of them', () => {
    for (const phrase of ['correcthorsebatterystaple', 'correct horse battery staple'])
      expect(judgePassword(phrase, {}), phrase).toMatchObject({ ok: false, problem: 'guessable' });
  });

  it('refuses the court’s own words', () => {
    expect(judgePassword('gavelcourtroom', {})).toMatchObject({ ok: false, problem: 'guessable' });
  });
});

describe('userInputsOf: the words a password must not lean on', () => {
  it('always holds the court words', () => {
    expect(userInputsOf({})).toEqual([...COURT_WORDS]);
  });

  it('takes each name and email whole, without separators, and word by word, in lower case', () => {
    const words = userInputsOf({ courtName: 'Quarrington Hollow Tribunal', name: 'Zhang Wei', email: 'Li.Na@X.test' });
    expect(words).toEqual(
      expect.arrayContaining([
        'quarrington hollow tribunal',
        'quarringtonhollowtribunal',
        'quarrington',
        'hollow',
        'tribunal',
        'zhang wei',
        'zhangwei',
        'zhang',
        'wei',
        'li.na@x.test',
        'lina@xtest',
        'test',
      ]),
    );
  });

  it('keeps no word shorter than three letters, but keeps two Chinese characters', () => {
    const words = userInputsOf({ name: 'Li Na', courtName: '海淀 法院' });
    expect(words).not.toContain('li');
    expect(words).not.toContain('na');
    expect(words).toContain('海淀');
  });

  it('passes over what is missing or blank, and holds each word once', () => {
    const words = userInputsOf({ name: '  ', email: null, courtName: 'Court' });
    expect(words).toEqual([...COURT_WORDS]);
    expect(new Set(words).size).toBe(words.length);
  });
});

describe('describeRefusal', () => {
  const guessable = (over: Partial<PasswordVerdict>): PasswordVerdict => ({
    ok: false,
    score: 1,
    problem: 'guessable',
    warning: null,
    suggestions: [],
    ...over,
  });

  it('says the bound a too short or too long password missed', () => {
    expect(describeRefusal(judgePassword('short', {}))).toBe('The password must be at least 12 characters long.');
    expect(describeRefusal(judgePassword('x'.repeat(300), {}))).toBe(
      'The password must be at most 256 characters long.',
    );
  });

  it('gives the warning, then each suggestion, in English', () => {
    expect(describeRefusal(guessable({ warning: 'dates', suggestions: ['dates', 'anotherWord'] }))).toBe(
      `This password is too easy to guess. ${PASSWORD_WARNINGS_EN.dates} ${PASSWORD_SUGGESTIONS_EN.dates} ${PASSWORD_SUGGESTIONS_EN.anotherWord}`,
    );
  });

  it('suggests another word when zxcvbn gave no reason', () => {
    expect(describeRefusal(guessable({}))).toBe(
      `This password is too easy to guess. ${PASSWORD_SUGGESTIONS_EN.anotherWord}`,
    );
  });
});
