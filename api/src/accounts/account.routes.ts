import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../platform/http/errors.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';
import type { AuthService } from './auth.service.ts';
import type { Passwords } from './password.ts';
import { signedIn as me } from '../court-admin/court.service.ts';
import { AccountService } from './account.service.ts';
import { PasswordLinkService } from './password-link.service.ts';
import { NoticeService } from './notices.service.ts';
import {
  AccountResponse,
  ChangePasswordBody,
  CodeBody,
  EmptyBody,
  LinkInfo,
  NoticeList,
  NoticeParams,
  ResetParams,
  PasswordBody,
  RecoveryCodes,
  SessionList,
  SessionParams,
  SetPasswordBody,
  TokenBody,
  TwoFactorSetup,
} from './account.schema.ts';
import { Type } from 'typebox';

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  429: ErrorBody,
  503: ErrorBody,
};
const publicUser = (u: NonNullable<Parameters<typeof me>[0]>) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  court: u.court,
});

/** What the account routes are built from. */
export interface AccountRoutesDeps {
  db: Kysely<Database>;
  auth: AuthService;
  passwords: Passwords;
  now: () => Date;
}

/** Every staff member's own account, and the public set-password link. */
export const accountRoutes: FastifyPluginAsync<AccountRoutesDeps> = async (fastify, deps) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const account = new AccountService({ db: deps.db, auth: deps.auth, passwords: deps.passwords, now: deps.now });
  const links = new PasswordLinkService(deps.db, deps.passwords, deps.now, deps.auth);
  const notices = new NoticeService(deps.db, deps.now);

  app.get(
    '/api/account',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['account'],
        summary: 'Your account and its two-factor sign-in',
        response: { 200: AccountResponse, ...errors },
      },
    },
    async (request) => {
      const user = me(request.user);
      return { user: publicUser(user), twoFactor: await account.twoFactorStatus(user) };
    },
  );

  app.post(
    '/api/account/password',
    {
      config: { access: 'staff', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['account'],
        summary: 'Change your password (the current one is required); your other sessions end',
        description:
          'The new password must have 12 to 256 characters and a zxcvbn score of at least 3, with the court’s name and your own name and email counted as known words; else 400 `weak_password` with `reason`, zxcvbn’s `warning` and `suggestions`. A wrong current password (`wrong_password`) counts as a failed sign-in.',
        body: ChangePasswordBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await account.changePassword(me(request.user), { ...request.body, ip: request.ip });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/account/sessions',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['account'],
        summary: 'Your active sessions',
        response: { 200: SessionList, ...errors },
      },
    },
    async (request) => ({ sessions: await account.sessions(me(request.user)) }),
  );

  app.post(
    '/api/account/sessions/:sessionId/end',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['account'],
        summary: 'End one of your sessions (this one too, which signs you out)',
        params: SessionParams,
        body: EmptyBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await account.endSession(me(request.user), request.params.sessionId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/account/two-factor/setup',
    {
      // Also the enrolment step of a sign-in that the court's setting holds up.
      config: { access: 'staff', signInStep: ['enrol'] },
      schema: {
        tags: ['account'],
        summary: 'Start setting up two-factor sign-in: a new TOTP secret, as a QR code and as text',
        body: EmptyBody,
        response: { 200: TwoFactorSetup, ...errors },
      },
    },
    async (request) => account.startEnrolment(me(request.user)),
  );

  app.post(
    '/api/account/two-factor/confirm',
    {
      config: { access: 'staff', signInStep: ['enrol'], rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['account'],
        summary: 'Turn two-factor sign-in on with a first code; answers ten recovery codes, shown once',
        body: CodeBody,
        response: { 200: RecoveryCodes, ...errors },
      },
    },
    async (request) => ({ recoveryCodes: await account.confirmEnrolment(me(request.user), request.body.code) }),
  );

  app.post(
    '/api/account/two-factor/recovery-codes',
    {
      config: { access: 'staff', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['account'],
        summary: 'Replace your recovery codes with ten new ones (needs your password)',
        body: PasswordBody,
        response: { 200: RecoveryCodes, ...errors },
      },
    },
    async (request) => ({
      recoveryCodes: await account.regenerateRecoveryCodes(me(request.user), request.body.password, request.ip),
    }),
  );

  app.post(
    '/api/account/two-factor/disable',
    {
      config: { access: 'staff', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['account'],
        summary: 'Turn two-factor sign-in off (needs your password; refused when your court requires it)',
        body: PasswordBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await account.disableTwoFactor(me(request.user), request.body.password, request.ip);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/account/set-password/inspect',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['account'],
        summary: 'Whose set-password link this is',
        description:
          'Unknown tokens answer 404 `link_invalid`; used or replaced links 410 `link_used`; expired ones 410 `link_expired`.',
        body: TokenBody,
        response: { 200: LinkInfo, 410: ErrorBody, ...errors },
      },
    },
    async (request) => links.inspect(request.body.token),
  );

  app.post(
    '/api/account/set-password',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['account'],
        summary: 'Set your password with a one-time link from an invitation or a reset',
        description:
          'Works once. The account’s sessions end; sign in with the new password afterwards. Refusals as for /inspect, and 400 `weak_password` (the rule of /api/account/password; nothing changes and the link still works).',
        body: SetPasswordBody,
        response: { 204: Type.Null(), 410: ErrorBody, ...errors },
      },
    },
    async (request, reply) => {
      await links.setPassword(request.body.token, request.body.password, request.ip, request.body.code);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/account/notices',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['account'],
        summary: 'What an administrator did to your account, and pending requests to remove your second factor',
        description:
          'Shown after sign-in: a password reset (who, when, whether the admin saw the link) and a removed second factor (who asked, who approved), until dismissed; and every pending request to remove your second factor, which you may cancel.',
        response: { 200: NoticeList, ...errors },
      },
    },
    async (request) => notices.list(me(request.user)),
  );

  app.post(
    '/api/account/notices/:noticeId/dismiss',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['account'],
        summary: 'Dismiss one of your notices',
        params: NoticeParams,
        body: EmptyBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await notices.dismiss(me(request.user), request.params.noticeId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/account/two-factor-resets/:resetId/cancel',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['account'],
        summary: 'Cancel a pending request to remove your own second factor',
        params: ResetParams,
        body: EmptyBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await notices.cancelReset(me(request.user), request.params.resetId);
      return reply.code(204).send(null);
    },
  );
};
