import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../http/errors.ts';
import type { FeatureDeps } from '../features.ts';
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
} from './staff.schema.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const ADMIN = ['admin'] as const;

/** Staff accounts of the admin's own court. Admins never set anyone else's password. */
export const staffRoutes: FastifyPluginAsync<FeatureDeps> = async (fastify, deps) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const staff = new StaffService({
    db: deps.db,
    mailer: deps.mailer,
    publicOrigin: deps.config.publicOrigin,
    now: deps.now,
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
          'For an invitation not yet accepted this issues a fresh invitation link. The link (24 hours; 7 days for an invitation) is emailed when SMTP is configured and shown here once either way.',
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
        summary: 'Remove a staff member’s two-factor sign-in (lost authenticator and recovery codes); sessions end',
        params: StaffParams,
        body: EmptyBody,
        response: { 200: StaffResponse, ...errors },
      },
    },
    async (request) => ({ staff: await staff.resetTwoFactor(me(request.user), request.params.userId) }),
  );
};
