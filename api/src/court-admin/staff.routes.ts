import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../platform/http/errors.ts';
import type { Kysely } from 'kysely';
import type { Config } from '../platform/config.ts';
import type { Database } from '../platform/db/schema.ts';
import type { Mailer } from '../platform/mail/mailer.ts';
import { signedIn as me } from './court.service.ts';
import { StaffService } from './staff.service.ts';
import {
  EmptyBody,
  InviteBody,
  RoleBody,
  StaffList,
  StaffParams,
  StaffQuery,
  StaffResponse,
  StaffWithLink,
  StaffWithReset,
  ResetParams,
  TwoFactorResetList,
  TwoFactorResetResponse,
} from './staff.schema.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const ADMIN = ['admin'] as const;

/** What the staff routes are built from. */
export interface StaffRoutesDeps {
  config: Pick<Config, 'publicOrigin' | 'twoFactorResetDelayHours'>;
  db: Kysely<Database>;
  mailer: Mailer;
  now: () => Date;
}

/** Staff accounts of the admin's own court. Admins never set anyone else's password. */
export const staffRoutes: FastifyPluginAsync<StaffRoutesDeps> = async (fastify, deps) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const staff = new StaffService({
    db: deps.db,
    mailer: deps.mailer,
    publicOrigin: deps.config.publicOrigin,
    now: deps.now,
    resetDelayHours: deps.config.twoFactorResetDelayHours,
  });

  app.get(
    '/api/admin/staff',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Staff of your court, filtered by role, status and part of a name or email',
        querystring: StaffQuery,
        response: { 200: StaffList, ...errors },
      },
    },
    async (request) => ({ staff: await staff.list(me(request.user), request.query) }),
  );

  app.post(
    '/api/admin/staff',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Invite a judge, clerk or admin by email',
        description:
          'Creates the account without a password and answers a one-time set-password link (7 days). It is emailed when SMTP is configured (`emailed: true`); either way it is shown here once, to copy.',
        body: InviteBody,
        response: { 201: StaffWithLink, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await staff.invite(me(request.user), request.body)),
  );

  app.post(
    '/api/admin/staff/:userId/role',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Change a staff member’s role (the court’s last active admin stays an admin)',
        params: StaffParams,
        body: RoleBody,
        response: { 200: StaffResponse, ...errors },
      },
    },
    async (request) => ({
      staff: await staff.changeRole(me(request.user), request.params.userId, request.body.role),
    }),
  );

  app.post(
    '/api/admin/staff/:userId/disable',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Disable an account; its sessions end at once (not the court’s last active admin, nor yourself)',
        params: StaffParams,
        body: EmptyBody,
        response: { 200: StaffResponse, ...errors },
      },
    },
    async (request) => ({ staff: await staff.setDisabled(me(request.user), request.params.userId, true) }),
  );

  app.post(
    '/api/admin/staff/:userId/enable',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Enable a disabled account again',
        params: StaffParams,
        body: EmptyBody,
        response: { 200: StaffResponse, ...errors },
      },
    },
    async (request) => ({ staff: await staff.setDisabled(me(request.user), request.params.userId, false) }),
  );

  app.post(
    '/api/admin/staff/:userId/password-reset',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Force a password reset: the password stops working, sessions end, a new set-password link is issued',
        description:
          'For an invitation not yet accepted this issues a fresh invitation link, shown here once and emailed when SMTP is configured. A reset link (24 hours) goes only to the account’s own address when SMTP is configured (`url` is null); without SMTP it is shown here once. Either way the owner is told at their next sign-in. Refused (409 `two_factor_reset_pending`) while a removal of the account’s second factor is pending.',
        params: StaffParams,
        body: EmptyBody,
        response: { 200: StaffWithLink, ...errors },
      },
    },
    async (request) => staff.forcePasswordReset(me(request.user), request.params.userId),
  );

  app.post(
    '/api/admin/staff/:userId/two-factor-reset',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Ask to remove a staff member’s two-factor sign-in (lost authenticator and recovery codes)',
        description:
          'A second factor still being set up is removed at once (`reset: null`). An enrolled one is only requested: it waits for another admin of the court to approve it (`mode: approval`), or, when no other admin could, takes effect after TWO_FACTOR_RESET_DELAY_HOURS (72) unless the owner or an admin cancels it (`mode: delay`; refused with 409 `awaiting_password` while the account has no password). The owner is emailed (when SMTP is configured) and told at sign-in. When it takes effect the account’s sessions end.',
        params: StaffParams,
        body: EmptyBody,
        response: { 200: StaffWithReset, ...errors },
      },
    },
    async (request) => staff.resetTwoFactor(me(request.user), request.params.userId),
  );

  app.get(
    '/api/admin/two-factor-resets',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Pending requests to remove a second factor in your court',
        response: { 200: TwoFactorResetList, ...errors },
      },
    },
    async (request) => ({ resets: await staff.listResets(me(request.user)) }),
  );

  app.post(
    '/api/admin/two-factor-resets/:resetId/approve',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Approve another admin’s request: the second factor goes and the account’s sessions end',
        description: 'Refused (409 `own_request`) to the admin who asked, and to the account’s owner.',
        params: ResetParams,
        body: EmptyBody,
        response: { 200: TwoFactorResetResponse, ...errors },
      },
    },
    async (request) => ({ reset: await staff.approveReset(me(request.user), request.params.resetId) }),
  );

  app.post(
    '/api/admin/two-factor-resets/:resetId/cancel',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Cancel a pending request to remove a second factor',
        params: ResetParams,
        body: EmptyBody,
        response: { 200: TwoFactorResetResponse, ...errors },
      },
    },
    async (request) => ({ reset: await staff.cancelReset(me(request.user), request.params.resetId) }),
  );
};
