/**
 * English messages: the reference dictionary. Every other locale must have exactly these keys
 * (checked by the type `Messages`). A message is a string, or a function when it takes values.
 */
import { adminEn } from './admin.ts';
import { schedulingEn } from './scheduling.ts';
import { hearingEn } from './hearing.ts';
import { recordingEn } from './recording.ts';
import { transcriptEn } from './transcript.ts';
import { exhibitsEn } from './exhibits.ts';
import { exportEn } from './export.ts';
import { passwordEn } from './password.ts';
import { recordEn } from './record.ts';
import { invitationEn } from './invitation.ts';
import { staffMailEn } from './staff-mail.ts';
import { plural } from './plural.ts';
import { rolesOf, type RoleWords } from './roles.ts';

/** One word for each role, as a sentence uses it ("joins as representative"); every label of a role is made from it. */
const roleWords: RoleWords = {
  plaintiff: 'plaintiff',
  defendant: 'defendant',
  agent: 'representative',
  witness: 'witness',
  interpreter: 'interpreter',
  observer: 'observer',
  judge: 'judge',
  clerk: 'clerk',
  admin: 'administrator',
};

/** A label starts with a capital: "Representative". */
export const rolesEn = rolesOf(roleWords, (word) => word.charAt(0).toUpperCase() + word.slice(1));

const core = {
  'app.name': 'Gavel',
  'app.skipToContent': 'Skip to main content',
  'app.loading': 'Loading…',
  'app.unreachable.title': 'Gavel cannot reach the server',
  'app.unreachable.body': 'Check your network connection, then try again.',
  'app.retry': 'Try again',
  'app.pageTitle': (p: { page: string }) => `${p.page} · Gavel`,

  'language.label': 'Language / 语言',

  'accessibility.heading': 'Accessibility',
  'accessibility.readOut': 'Read out new transcript entries',
  'accessibility.readOutHint':
    'For screen readers, on this browser: announced politely, and never while you are typing.',

  'time.courtList': (p: { zone: string }) => `Times are court time, ${p.zone}.`,

  'account.label': 'Signed-in account',
  'account.court': 'Court:',
  'account.signOut': 'Sign out',
  'account.signingOut': 'Signing out…',
  'account.signOutFailed': 'Could not sign out. Check your connection and try again.',

  'login.title': 'Sign in',
  'login.intro':
    'For judges, clerks and court administrators. Parties, representatives and witnesses join a hearing through the link in their invitation.',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.error.invalidCredentials': 'The email address or password is incorrect.',
  'login.error.rateLimited': (p: { seconds: number }) =>
    plural('en', p.seconds, {
      one: `Too many sign-in attempts. Try again in ${String(p.seconds)} second.`,
      other: `Too many sign-in attempts. Try again in ${String(p.seconds)} seconds.`,
    }),
  'login.error.rateLimitedLater': 'Too many sign-in attempts. Try again later.',
  'login.error.validation': 'Enter a valid email address and your password.',
  'login.error.network': 'Gavel cannot reach the server. Check your network connection and try again.',
  'login.error.unexpected': 'Something went wrong while signing in. Please try again.',

  'hearing.status.scheduled': 'Scheduled',
  'hearing.status.open': 'Lobby open',
  'hearing.status.in_session': 'In session',
  'hearing.status.recess': 'In recess',
  'hearing.status.adjourned': 'Adjourned',
  'hearing.status.cancelled': 'Cancelled',
  'hearing.status.postponed': 'Postponed',

  'error.notFound.title': 'Page not found',
  'error.notFound.body': 'There is no page at this address.',
  'error.generic.title': 'Something went wrong',
  'error.backToDocket': 'Back to the docket',
};

/** Features keep their messages in their own files (admin.ts, scheduling.ts), joined here. */
export const en = {
  ...core,
  ...rolesEn,
  ...adminEn,
  ...schedulingEn,
  ...hearingEn,
  ...recordingEn,
  ...transcriptEn,
  ...exhibitsEn,
  ...exportEn,
  ...passwordEn,
  ...recordEn,
  ...invitationEn,
  ...staffMailEn,
};

export type Messages = typeof en;

/** A feature's translation: exactly the keys of its English messages, each of the same kind. */
export type Translation<T> = { [K in keyof T]: T[K] };
